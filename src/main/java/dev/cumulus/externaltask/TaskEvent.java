package dev.cumulus.externaltask;

import java.time.OffsetDateTime;
import java.util.Map;

/** One entry of a task's history: what happened, the state it left, when and who did it. */
public record TaskEvent(
    long id,
    String taskId,
    TaskEventType event,
    TaskState state,
    OffsetDateTime occurredAt,
    String actor,
    Map<String, String> detail) {

  /** The actor of changes that nobody asked for: timers, the sweeper. */
  public static final String SYSTEM = "system";
}
