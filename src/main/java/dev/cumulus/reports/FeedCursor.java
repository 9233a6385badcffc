package dev.cumulus.reports;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where the feed is in an append-only table whose ids are handed out before commit: the last id read,
 * and the ids below it that were not there yet (gaps), with when each was first missed. A gap is
 * looked for again until it is older than the patience; then its transaction is taken to have rolled
 * back. Stored as "id:firstMissedMillis,..." in report_feed.
 */
final class FeedCursor {

  /** More gaps than this and the oldest are given up: a mass rollback must not grow the row without end. */
  static final int MAX_GAPS = 2000;

  private long last;
  private final Map<Long, Long> gaps;

  FeedCursor(long last, Map<Long, Long> gaps) {
    this.last = last;
    this.gaps = new LinkedHashMap<>(gaps);
  }

  static FeedCursor decode(long last, String stored) {
    var gaps = new LinkedHashMap<Long, Long>();
    if (stored != null && !stored.isBlank()) {
      for (String part : stored.split(",")) {
        int colon = part.indexOf(':');
        gaps.put(Long.parseLong(part.substring(0, colon)), Long.parseLong(part.substring(colon + 1)));
      }
    }
    return new FeedCursor(last, gaps);
  }

  String encodeGaps() {
    var out = new StringBuilder();
    gaps.forEach((id, at) -> out.append(out.isEmpty() ? "" : ",").append(id).append(':').append(at));
    return out.toString();
  }

  long last() {
    return last;
  }

  Collection<Long> gaps() {
    return gaps.keySet();
  }

  /**
   * The rows read (ids above the cursor and gaps that turned up): the cursor moves to the highest, the
   * ids skipped on the way become gaps, found gaps go, and gaps older than the patience are given up.
   */
  void advance(Collection<Long> read, long nowMillis, long patienceMillis) {
    var seen = new TreeSet<>(read);
    for (Long id : seen) {
      gaps.remove(id);
    }
    long previous = last;
    for (Long id : seen.tailSet(previous, false)) {
      for (long missing = Math.max(last + 1, id - MAX_GAPS); missing < id; missing++) {
        gaps.put(missing, nowMillis);
      }
      last = id;
    }
    gaps.values().removeIf(firstMissed -> nowMillis - firstMissed > patienceMillis);
    var oldest = gaps.keySet().iterator();
    while (gaps.size() > MAX_GAPS && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
  }
}
