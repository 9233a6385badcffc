package dev.cumulus.externaltask;

/** How a task ended, for reporting. */
public enum Outcome {
  /** An agent accepted and completed it. */
  Handled,
  /** Cancelled before an agent accepted it. */
  Cancelled,
  /** Cancelled while an agent was connected to it (or in after-work). */
  Abandoned,
  /** Its lifetime ended before an agent accepted it. */
  Expired
}
