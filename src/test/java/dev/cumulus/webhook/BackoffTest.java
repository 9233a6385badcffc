package dev.cumulus.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final Duration INITIAL = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofMinutes(5);

  @Test
  void waitsTheInitialBackoffAfterTheFirstFailure() {
    assertThat(Backoff.delay(1, INITIAL, MAX, 0)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void doublesWithEveryFurtherFailure() {
    assertThat(Backoff.delay(2, INITIAL, MAX, 0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(Backoff.delay(3, INITIAL, MAX, 0)).isEqualTo(Duration.ofSeconds(4));
    assertThat(Backoff.delay(9, INITIAL, MAX, 0)).isEqualTo(Duration.ofSeconds(256));
  }

  @Test
  void neverWaitsLongerThanTheMaximum() {
    assertThat(Backoff.delay(10, INITIAL, MAX, 0)).isEqualTo(MAX);
    assertThat(Backoff.delay(12, INITIAL, MAX, 0)).isEqualTo(MAX);
    // no overflow however many failures
    assertThat(Backoff.delay(64, INITIAL, MAX, 0)).isEqualTo(MAX);
    assertThat(Backoff.delay(Integer.MAX_VALUE, INITIAL, MAX, 0)).isEqualTo(MAX);
  }

  @Test
  void addsUpToTwentyPercentJitterOnTopOfTheCappedWait() {
    assertThat(Backoff.delay(1, INITIAL, MAX, 0.5)).isEqualTo(Duration.ofMillis(1100));
    assertThat(Backoff.delay(12, INITIAL, MAX, 0.999_999)).isLessThan(Duration.ofMinutes(6)).isGreaterThan(Duration.ofSeconds(359));
  }

  @Test
  void staysWithinItsBoundsForAnyFailureCountAndRandomValue() {
    var random = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      int failures = 1 + random.nextInt(40);
      double r = random.nextDouble();
      Duration delay = Backoff.delay(failures, INITIAL, MAX, r);
      long base = Math.min(MAX.toMillis(), failures > 20 ? Long.MAX_VALUE : INITIAL.toMillis() << (failures - 1));

      assertThat(delay.toMillis()).isBetween(base, base + base / 5);
    }
  }

  @Test
  void handlesSubSecondSettingsAsTheTestsUse() {
    assertThat(Backoff.delay(1, Duration.ofMillis(100), MAX, 0)).isEqualTo(Duration.ofMillis(100));
    assertThat(Backoff.delay(3, Duration.ofMillis(100), MAX, 0)).isEqualTo(Duration.ofMillis(400));
  }
}
