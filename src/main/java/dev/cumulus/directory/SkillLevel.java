package dev.cumulus.directory;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * One level of a skill-based distribution policy: from {@code afterSeconds} of waiting on, an agent
 * needs all of {@code skills}. Levels widen the pool as a task waits (level 1 first).
 */
public record SkillLevel(@Min(0) @Max(86400) int afterSeconds, @NotNull @Size(max = 20) List<@NotNull @Size(min = 1, max = 64) String> skills) {}
