package dev.cumulus.reports;

/** The measured durations of an interval: each has count, sum and max columns and a histogram. */
enum Measure {
  /** From the task's first Queued event to its Accepted event. */
  waiting("wait"),
  /** From Accepted to AfterWorkStarted (or to Completed when the service has no after-work time). */
  handling("handle"),
  /** From AfterWorkStarted to Completed. */
  afterWork("acw");

  final String prefix;

  Measure(String prefix) {
    this.prefix = prefix;
  }
}
