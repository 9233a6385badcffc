package dev.cumulus.benchmark;

import java.util.ArrayList;
import java.util.List;

/** One database's figures: a table of figure, value, target and PASS/MISS, then notes. */
final class Report {

  /** A wide row shows its value after the figure on one line, outside the value column's width. */
  record Row(int section, String figure, String value, String target, String verdict, boolean wide) {
    Row(int section, String figure, String value, String target, String verdict) {
      this(section, figure, value, target, verdict, false);
    }
  }

  final String title;
  final List<String> facts = new ArrayList<>();
  final List<Row> rows = new ArrayList<>();
  final List<String> notes = new ArrayList<>();

  private int section;

  Report(String title) {
    this.title = title;
  }

  /** Rows added from now on are shown under this section number (phases may run in another order). */
  void section(int number) {
    section = number;
  }

  void fact(String text) {
    facts.add(text);
  }

  void note(String text) {
    notes.add(text);
  }

  void info(String figure, String value) {
    rows.add(new Row(section, figure, value, "", ""));
  }

  /** A figure that must reach the target (a rate). */
  void atLeast(String figure, double value, String unit, double target, String format) {
    String v = String.format(format, value) + unit;
    String t = "≥ " + String.format(format, target) + unit;
    rows.add(new Row(section, figure, v, t, verdict(value >= target, (target - value) / target, value)));
  }

  /**
   * A ratio that must reach the target, shown with the two figures it divides (a figure next to its
   * anchor): {@code 52 / 300 lives/s = 0.17}.
   */
  void ratioAtLeast(String figure, double numerator, double denominator, String unit, double target) {
    double ratio = numerator / denominator;
    String v = String.format("%.0f / %.0f%s = %.2f", numerator, denominator, unit, ratio);
    String t = String.format("≥ %.2f", target);
    rows.add(new Row(section, figure, v, t, verdict(ratio >= target, (target - ratio) / target, ratio)));
  }

  /** A ratio shown like {@link #ratioAtLeast} but not judged (a diagnostic next to another anchor). */
  void ratioInfo(String figure, double numerator, double denominator, String unit) {
    rows.add(new Row(section, figure, String.format("%.0f / %.0f%s = %.2f", numerator, denominator, unit, numerator / denominator), "", ""));
  }

  /**
   * A figure that must stay at or below the target (a cost), with text shown beside it (e.g. its
   * anchor's figure).
   */
  void atMost(String figure, double value, String unit, double target, String format, String beside) {
    // NaN: not measured here (PostgreSQL's counters on H2)
    String v = Double.isNaN(value) ? "n/a" : String.format(format, value) + unit + beside;
    String t = "≤ " + String.format(format, target) + unit;
    rows.add(new Row(section, figure, v, t, verdict(value <= target, (value - target) / target, value)));
  }

  /** A long value (e.g. a list) on the figure's line, outside the table's value column. */
  void wide(String figure, String value) {
    rows.add(new Row(section, figure, value, "", "", true));
  }

  /** A figure that must stay at or below the target (a latency); value shown as p50 / p99. */
  void latency(String figure, Samples samples, double targetP99Millis) {
    double p99 = samples.p99();
    String v = String.format("%.1f / %.1f ms", samples.p50(), p99);
    String t = String.format("p99 ≤ %.0f ms", targetP99Millis);
    rows.add(new Row(section, figure, v, t, verdict(p99 <= targetP99Millis, (p99 - targetP99Millis) / targetP99Millis, p99)));
  }

  void latencyInfo(String figure, Samples samples) {
    rows.add(new Row(section, figure, String.format("%.1f / %.1f ms", samples.p50(), samples.p99()), "", ""));
  }

  private static String verdict(boolean pass, double missFraction, double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    return pass ? "PASS" : String.format("MISS by %.0f %%", missFraction * 100);
  }

  String render() {
    int w0 = "figure".length();
    int w1 = "value".length();
    int w2 = "target".length();
    for (Row r : rows) {
      if (r.wide()) {
        w0 = Math.max(w0, r.figure().length());
        continue;
      }
      w0 = Math.max(w0, r.figure().length());
      w1 = Math.max(w1, r.value().length());
      w2 = Math.max(w2, r.target().length());
    }
    var out = new StringBuilder();
    out.append("== ").append(title).append(" ==\n");
    facts.forEach(f -> out.append("   ").append(f).append('\n'));
    String format = "%-" + w0 + "s | %" + w1 + "s | %-" + w2 + "s | %s%n";
    String wideFormat = "%-" + w0 + "s | %s%n";
    out.append(String.format(format, "figure", "value", "target", "result"));
    out.append("-".repeat(w0)).append("-+-").append("-".repeat(w1)).append("-+-").append("-".repeat(w2)).append("-+-------------\n");
    rows.stream()
        .sorted(java.util.Comparator.comparingInt(Row::section))
        .forEach(
            r -> out.append(
                r.wide()
                    ? String.format(wideFormat, r.figure(), r.value())
                    : String.format(format, r.figure(), r.value(), r.target(), r.verdict())));
    notes.forEach(n -> out.append("   * ").append(n).append('\n'));
    return out.toString();
  }
}
