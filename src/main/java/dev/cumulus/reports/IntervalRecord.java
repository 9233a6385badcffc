package dev.cumulus.reports;

/**
 * One 15-minute interval of a service, of an agent in a service, or of an agent's presence (the OData
 * feed's rows): its figures as a report row of that interval, and the sums of its durations in
 * seconds, so that a tool adding up intervals can work out means over any range (sum / count).
 */
public record IntervalRecord(ReportRow row, double waitingSumSeconds, double handlingSumSeconds, double afterWorkSumSeconds) {

  static IntervalRecord of(ReportRow row, Tally tally) {
    return new IntervalRecord(
        row, seconds(tally.get(Measure.waiting)), seconds(tally.get(Measure.handling)), seconds(tally.get(Measure.afterWork)));
  }

  private static double seconds(Tally.Durations d) {
    return d.sumMillis / 1000.0;
  }
}
