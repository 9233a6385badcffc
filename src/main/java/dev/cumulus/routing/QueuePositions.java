package dev.cumulus.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Queue positions that stay cheap at any queue size. A small queue (under {@value #EXACT_BELOW}
 * tasks) is counted exactly in SQL. A long one is read from a snapshot of the service's queue order
 * with a binary search. While a service's positions are being read, this node reloads its snapshot in
 * the background every {@code MAX_AGE} (a request never waits for a reload, except the first read of a
 * service, or one after {@code STALE_AFTER} without any background reload); a service nobody read for
 * {@code FORGET_AFTER} is dropped. A position may so be about a second old. Positions are for display;
 * routing never reads them.
 */
@Component
public class QueuePositions {

  static final int EXACT_BELOW = 2_000;
  static final Duration MAX_AGE = Duration.ofSeconds(1);
  /** A snapshot older than this is reloaded in the request (the background reload is not keeping up). */
  static final Duration STALE_AFTER = Duration.ofSeconds(5);
  static final Duration FORGET_AFTER = Duration.ofMinutes(1);

  /** The queue order of one service: priority descending, then age, then creation order. */
  record Snapshot(Instant takenAt, int[] priority, long[] enqueuedMicros, long[] seq) {
    int size() {
      return seq.length;
    }

    /** How many entries come before this key in queue order. */
    long ahead(int p, long micros, long s) {
      int lo = 0;
      int hi = size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (before(priority[mid], enqueuedMicros[mid], seq[mid], p, micros, s)) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    private static boolean before(int p1, long m1, long s1, int p2, long m2, long s2) {
      if (p1 != p2) {
        return p1 > p2;
      }
      if (m1 != m2) {
        return m1 < m2;
      }
      return s1 < s2;
    }
  }

  private final JdbcTemplate jdbc;
  private final QueueStore queue;
  private final Clock clock;
  private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastRead = new ConcurrentHashMap<>();

  QueuePositions(JdbcTemplate jdbc, QueueStore queue, Clock clock) {
    this.jdbc = jdbc;
    this.queue = queue;
    this.clock = clock;
  }

  /** How many tasks wait in the service's queue. */
  public long queueLength(String serviceUpn) {
    return queue.size(serviceUpn);
  }

  /** The position counted in SQL whatever the queue's length, as {@link #of} does for a short queue; for comparison. */
  public Optional<Long> counted(String taskId) {
    return queue.position(taskId);
  }

  /** 1 = next; empty when the task is not in a queue. */
  public Optional<Long> of(String taskId) {
    Optional<QueueStore.Entry> entry = queue.entry(taskId);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    QueueStore.Entry e = entry.get();
    Snapshot snapshot = snapshot(e.serviceUpn());
    if (snapshot.size() < EXACT_BELOW) {
      return queue.position(taskId);
    }
    return Optional.of(snapshot.ahead(e.priority(), micros(e.enqueuedAt().toInstant()), e.seq()) + 1);
  }

  private Snapshot snapshot(String serviceUpn) {
    Instant now = clock.instant();
    lastRead.put(serviceUpn, now);
    Snapshot current = snapshots.get(serviceUpn);
    if (current != null && current.takenAt().plus(STALE_AFTER).isAfter(now)) {
      return current;
    }
    return load(serviceUpn, current);
  }

  /** Keeps the snapshots of the services whose positions are read fresh, off the request path. */
  @org.springframework.scheduling.annotation.Scheduled(fixedDelayString = "PT0.25S", initialDelayString = "PT1S")
  void refresh() {
    Instant now = clock.instant();
    lastRead.forEach((serviceUpn, readAt) -> {
      if (readAt.plus(FORGET_AFTER).isBefore(now)) {
        lastRead.remove(serviceUpn, readAt);
        snapshots.remove(serviceUpn);
        return;
      }
      Snapshot current = snapshots.get(serviceUpn);
      // a short queue is counted exactly; its snapshot only tells its size, so it is reloaded on read
      if (current != null && current.size() >= EXACT_BELOW / 2 && !current.takenAt().plus(MAX_AGE).isAfter(now)) {
        load(serviceUpn, current);
      }
    });
  }

  /** Reloads a service's snapshot unless another thread did since {@code seen} was read. */
  private Snapshot load(String serviceUpn, Snapshot seen) {
    synchronized (this) {
      Snapshot current = snapshots.get(serviceUpn);
      if (current != null && current != seen) {
        return current;
      }
      Instant now = clock.instant();
      var rows =
          jdbc.query(
              "select priority, enqueued_at, seq from queue_entry where service_upn = ? order by priority desc, enqueued_at, seq",
              (rs, i) -> new long[] {rs.getInt(1), micros(rs.getObject(2, java.time.OffsetDateTime.class).toInstant()), rs.getLong(3)},
              serviceUpn);
      int[] p = new int[rows.size()];
      long[] m = new long[rows.size()];
      long[] s = new long[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        p[i] = (int) rows.get(i)[0];
        m[i] = rows.get(i)[1];
        s[i] = rows.get(i)[2];
      }
      Snapshot fresh = new Snapshot(now, p, m, s);
      snapshots.put(serviceUpn, fresh);
      return fresh;
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }
}
