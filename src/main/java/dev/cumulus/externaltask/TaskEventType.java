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
  /** The sweeper found the task in a state that breaks an invariant and repaired it. */
  Repaired
}
