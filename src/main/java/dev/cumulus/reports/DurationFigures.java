package dev.cumulus.reports;

/**
 * A duration's figures over a bucket, in seconds (milliseconds as decimals): how many were measured,
 * their mean and maximum (exact), and the nearest-rank percentiles p50, p90 and p99 to three
 * significant digits. All null but the count when none were measured.
 */
public record DurationFigures(long count, Double mean, Double p50, Double p90, Double p99, Double max) {

  static DurationFigures of(Tally.Durations d) {
    if (d.count == 0) {
      return new DurationFigures(0, null, null, null, null, null);
    }
    return new DurationFigures(
        d.count,
        seconds(Math.round((double) d.sumMillis / d.count)),
        seconds(d.histogram.percentile(50)),
        seconds(d.histogram.percentile(90)),
        seconds(d.histogram.percentile(99)),
        seconds(d.maxMillis));
  }

  private static Double seconds(Long millis) {
    return millis == null ? null : millis / 1000.0;
  }
}
