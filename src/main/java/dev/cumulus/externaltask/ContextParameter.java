package dev.cumulus.externaltask;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A free context parameter of a task, as the connector's CustomContextParameter. */
public record ContextParameter(@NotBlank @Size(max = 128) String name, @Size(max = 4096) String value) {}
