package dev.cumulus.externaltask;

import java.util.Arrays;
import java.util.Optional;

/** Queue order: Strict first, then High, Normal, Low. Strict always goes to the top. */
public enum DistributionPriority {
  Low,
  Normal,
  High,
  Strict;

  /** Higher ranks are served first. */
  public int rank() {
    return ordinal();
  }

  public static Optional<DistributionPriority> parse(String value) {
    if (value == null || value.isBlank()) {
      return Optional.of(Normal);
    }
    // exactly as written: "high" or "Strict " is a wrong value, not a guess
    return Arrays.stream(values()).filter(p -> p.name().equals(value)).findFirst();
  }
}
