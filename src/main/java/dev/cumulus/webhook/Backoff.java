package dev.cumulus.webhook;

import java.time.Duration;

/** The wait before the next send of a delivery that failed: exponential, capped, with jitter. */
final class Backoff {

  static final double MAX_JITTER = 0.2;

  private Backoff() {}

  /**
   * @param failures how many sends of the delivery have failed so far (1 after the first failure)
   * @param random a value in [0, 1): the share of the 20 % jitter to add (spreads the retries of many
   *     deliveries that failed together, e.g. while a receiver was down)
   */
  static Duration delay(int failures, Duration initial, Duration max, double random) {
    long initialMillis = Math.max(0, initial.toMillis());
    long maxMillis = Math.max(0, max.toMillis());
    int doublings = Math.max(0, failures - 1);
    long base;
    if (doublings >= Long.SIZE - 2 || initialMillis > (maxMillis >> doublings)) {
      base = maxMillis;
    } else {
      base = Math.min(maxMillis, initialMillis << doublings);
    }
    long jitter = (long) (base * MAX_JITTER * Math.min(Math.max(random, 0), 1));
    return Duration.ofMillis(base + jitter);
  }
}
