package dev.cumulus.externaltask;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A user preferred for a task: priority 1 is the most preferred, 99 the least; empty means 1. */
public record PreferredUser(@NotBlank @Size(max = 128) String upn, @Min(1) @Max(99) Integer priority) {

  public static final int MAX_PER_TASK = 10;

  public int effectivePriority() {
    return priority == null ? 1 : priority;
  }
}
