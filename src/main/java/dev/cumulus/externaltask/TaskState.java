package dev.cumulus.externaltask;

import java.util.EnumSet;
import java.util.Set;

/** The states of an external task: the same names in the API, webhooks, the pages and the Cumulus tab in Cockpit. */
public enum TaskState {
  /** Created; its workflow runs but has not queued it yet. */
  InWorkflow,
  /** Waiting in its service's queue. */
  Queued,
  /** Offered to an agent who has not answered yet. */
  Offered,
  /** Accepted: an agent handles it. */
  Connected,
  /** Handled; the agent is in after-work time. */
  AfterWork,
  Completed,
  /** Removed by a flow, aborted by a supervisor, ended by a workflow or from Cockpit. */
  Cancelled,
  /** Its lifetime ended before anyone handled it. */
  Expired;

  public static final Set<TaskState> TERMINAL = EnumSet.of(Completed, Cancelled, Expired);
  public static final Set<TaskState> OPEN = EnumSet.complementOf(EnumSet.copyOf(TERMINAL));

  public boolean isTerminal() {
    return TERMINAL.contains(this);
  }

  /** An agent holds the task: it counts against the agent's capacity. */
  public boolean holdsAgent() {
    return this == Offered || this == Connected || this == AfterWork;
  }
}
