package dev.cumulus.externaltask;

/** What happened to a task. Each event is stored, sent to webhooks and counted in the metrics. */
public enum TaskEventType {
  Created,
  Queued,
  Offered,
  Accepted,
  Declined,
  /** Redirect on no answer: the offer timed out and the task went back to the queue. */
  Rona,
  Transferred,
  PriorityChanged,
  Updated,
  AfterWorkStarted,
  AfterWorkExtended,
  Completed,
  Cancelled,
  Expired,
  /**
   * A workflow's Notify activity: a custom event for webhooks. Its detail names it
   * ({@code notification}) and may carry a {@code message}.
   */
  Notified,
  /** The sweeper found the task in a state that breaks an invariant and repaired it. */
  Repaired
}
