package dev.cumulus.directory;

/** Which eligible agent gets a task when no preferred user takes precedence. */
public enum SelectionPolicy {
  /** The agent free for the longest time. */
  LongestIdle,
  /** The member whose last offer from this service is the oldest. */
  RoundRobin,
  /** The agent who handled the fewest tasks today (UTC), then the longest idle. */
  LeastBusy
}
