package dev.cumulus.reports;

import java.util.Map;
import java.util.TreeMap;

/**
 * Durations in milliseconds, counted in bins of three significant digits (a value is truncated: 61,234
 * ms falls in bin 61,200): bins merge by adding, so the figures of 15-minute intervals add up to any
 * range without keeping each value. A percentile is the nearest-rank value truncated the same way
 * (docs/reports.md); the relative error is below 1 %, and none below one second.
 */
final class Histogram {

  private final TreeMap<Long, Long> bins = new TreeMap<>();

  /** The bin of a duration: its first three significant digits. */
  static long bin(long millis) {
    if (millis < 1000) {
      return Math.max(0, millis);
    }
    long scale = 1;
    long v = millis;
    while (v >= 1000) {
      v /= 10;
      scale *= 10;
    }
    return v * scale;
  }

  void add(long millis) {
    add(bin(millis), 1);
  }

  private void add(long bin, long count) {
    bins.merge(bin, count, Long::sum);
  }

  void addAll(Histogram other) {
    other.bins.forEach(this::add);
  }

  boolean isEmpty() {
    return bins.isEmpty();
  }

  long count() {
    return bins.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The nearest-rank percentile: the smallest bin at or below which at least {@code percent} % of the
   * values lie; null when there are none.
   */
  Long percentile(double percent) {
    long n = count();
    if (n == 0) {
      return null;
    }
    long rank = Math.max(1, (long) Math.ceil(percent / 100.0 * n));
    long seen = 0;
    for (Map.Entry<Long, Long> e : bins.entrySet()) {
      seen += e.getValue();
      if (seen >= rank) {
        return e.getKey();
      }
    }
    return bins.lastKey();
  }

  /** "bin:count;bin:count", ascending. */
  String encode() {
    var out = new StringBuilder();
    bins.forEach((bin, count) -> {
      if (!out.isEmpty()) {
        out.append(';');
      }
      out.append(bin).append(':').append(count);
    });
    return out.toString();
  }

  static Histogram decode(String stored) {
    var h = new Histogram();
    if (stored == null || stored.isEmpty()) {
      return h;
    }
    int start = 0;
    int length = stored.length();
    while (start < length) {
      int colon = stored.indexOf(':', start);
      int end = stored.indexOf(';', colon);
      if (end < 0) {
        end = length;
      }
      h.add(Long.parseLong(stored, start, colon, 10), Long.parseLong(stored, colon + 1, end, 10));
      start = end + 1;
    }
    return h;
  }
}
