package dev.cumulus.reports;

import java.util.Arrays;

/**
 * Durations in milliseconds, counted in bins of three significant digits (a value is truncated: 61,234
 * ms falls in bin 61,200): bins merge by adding, so the figures of 15-minute intervals add up to any
 * range without keeping each value. A percentile is the nearest-rank value truncated the same way
 * (docs/reports.md); the relative error is below 1 %, and none below one second.
 *
 * <p>The bins are kept as two sorted arrays, so adding another histogram (a report adds thousands) is
 * one linear merge without boxing.
 */
final class Histogram {

  private long[] bins = new long[4];
  private long[] counts = new long[4];
  private int size;

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
    long bin = bin(millis);
    int at = Arrays.binarySearch(bins, 0, size, bin);
    if (at >= 0) {
      counts[at]++;
      return;
    }
    int insert = -at - 1;
    grow(size + 1);
    System.arraycopy(bins, insert, bins, insert + 1, size - insert);
    System.arraycopy(counts, insert, counts, insert + 1, size - insert);
    bins[insert] = bin;
    counts[insert] = 1;
    size++;
  }

  void addAll(Histogram other) {
    merge(other.bins, other.counts, other.size);
  }

  /** Adds a histogram as {@link #encode()} wrote it, without building it first. */
  void addEncoded(String stored) {
    if (stored == null || stored.isEmpty()) {
      return;
    }
    int entries = 1;
    for (int i = 0; i < stored.length(); i++) {
      if (stored.charAt(i) == ';') {
        entries++;
      }
    }
    long[] b = new long[entries];
    long[] c = new long[entries];
    int n = 0;
    int start = 0;
    int length = stored.length();
    while (start < length) {
      int colon = stored.indexOf(':', start);
      int end = stored.indexOf(';', colon);
      if (end < 0) {
        end = length;
      }
      b[n] = Long.parseLong(stored, start, colon, 10);
      c[n] = Long.parseLong(stored, colon + 1, end, 10);
      n++;
      start = end + 1;
    }
    merge(b, c, n);
  }

  /** Merges sorted bins into this one's sorted bins. */
  private void merge(long[] otherBins, long[] otherCounts, int otherSize) {
    if (otherSize == 0) {
      return;
    }
    long[] b = new long[size + otherSize];
    long[] c = new long[size + otherSize];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < size || j < otherSize) {
      if (j == otherSize || i < size && bins[i] < otherBins[j]) {
        b[n] = bins[i];
        c[n++] = counts[i++];
      } else if (i == size || otherBins[j] < bins[i]) {
        b[n] = otherBins[j];
        c[n++] = otherCounts[j++];
      } else {
        b[n] = bins[i];
        c[n++] = counts[i++] + otherCounts[j++];
      }
    }
    bins = b;
    counts = c;
    size = n;
  }

  private void grow(int needed) {
    if (needed > bins.length) {
      bins = Arrays.copyOf(bins, Math.max(needed, bins.length * 2));
      counts = Arrays.copyOf(counts, bins.length);
    }
  }

  boolean isEmpty() {
    return size == 0;
  }

  long count() {
    long n = 0;
    for (int i = 0; i < size; i++) {
      n += counts[i];
    }
    return n;
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
    for (int i = 0; i < size; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return bins[i];
      }
    }
    return bins[size - 1];
  }

  /** "bin:count;bin:count", ascending. */
  String encode() {
    var out = new StringBuilder();
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        out.append(';');
      }
      out.append(bins[i]).append(':').append(counts[i]);
    }
    return out.toString();
  }

  static Histogram decode(String stored) {
    var h = new Histogram();
    h.addEncoded(stored);
    return h;
  }
}
