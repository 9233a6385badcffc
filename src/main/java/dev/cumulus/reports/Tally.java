package dev.cumulus.reports;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The figures of one row of report_interval, or of several added up. */
final class Tally {

  static final Count[] COUNTS = Count.values();
  static final Measure[] MEASURES = Measure.values();

  /** A duration's figures: how many, their sum and maximum, and their histogram. */
  static final class Durations {
    long count;
    long sumMillis;
    long maxMillis;
    final Histogram histogram;

    Durations(Histogram histogram) {
      this.histogram = histogram;
    }

    void add(long millis) {
      long m = Math.max(0, millis);
      count++;
      sumMillis += m;
      maxMillis = Math.max(maxMillis, m);
      histogram.add(m);
    }

    void addAll(Durations other) {
      count += other.count;
      sumMillis += other.sumMillis;
      maxMillis = Math.max(maxMillis, other.maxMillis);
      histogram.addAll(other.histogram);
    }
  }

  private final long[] counts = new long[COUNTS.length];
  private final Durations[] durations = new Durations[MEASURES.length];

  Tally() {
    for (int i = 0; i < durations.length; i++) {
      durations[i] = new Durations(new Histogram());
    }
  }

  void add(Count count, long n) {
    counts[count.ordinal()] += n;
  }

  void add(Count count) {
    add(count, 1);
  }

  void measure(Measure measure, long millis) {
    durations[measure.ordinal()].add(millis);
  }

  long get(Count count) {
    return counts[count.ordinal()];
  }

  Durations get(Measure measure) {
    return durations[measure.ordinal()];
  }

  void addAll(Tally other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    for (int i = 0; i < durations.length; i++) {
      durations[i].addAll(other.durations[i]);
    }
  }

  /** The columns of a row, in {@link #columnNames()} order. */
  List<Object> columnValues() {
    var values = new ArrayList<>();
    for (long c : counts) {
      values.add(c);
    }
    for (Durations d : durations) {
      values.add(d.count);
      values.add(d.sumMillis);
      values.add(d.maxMillis);
      values.add(d.histogram.encode());
    }
    return values;
  }

  static List<String> columnNames() {
    var names = new ArrayList<String>();
    for (Count c : COUNTS) {
      names.add(c.column);
    }
    for (Measure m : MEASURES) {
      names.add(m.prefix + "_count");
      names.add(m.prefix + "_sum_ms");
      names.add(m.prefix + "_max_ms");
      names.add(m.prefix + "_hist");
    }
    return names;
  }

  /** Adds a report_interval row, read where the result set stands. */
  void addRow(ResultSet rs) throws SQLException {
    for (Count c : COUNTS) {
      counts[c.ordinal()] += rs.getLong(c.column);
    }
    for (Measure m : MEASURES) {
      Durations d = durations[m.ordinal()];
      d.count += rs.getLong(m.prefix + "_count");
      d.sumMillis += rs.getLong(m.prefix + "_sum_ms");
      d.maxMillis = Math.max(d.maxMillis, rs.getLong(m.prefix + "_max_ms"));
      d.histogram.addEncoded(rs.getString(m.prefix + "_hist"));
    }
  }

  static Tally read(ResultSet rs) throws SQLException {
    var t = new Tally();
    for (Count c : COUNTS) {
      t.counts[c.ordinal()] = rs.getLong(c.column);
    }
    for (Measure m : MEASURES) {
      var d = new Durations(Histogram.decode(rs.getString(m.prefix + "_hist")));
      d.count = rs.getLong(m.prefix + "_count");
      d.sumMillis = rs.getLong(m.prefix + "_sum_ms");
      d.maxMillis = rs.getLong(m.prefix + "_max_ms");
      t.durations[m.ordinal()] = d;
    }
    return t;
  }
}
