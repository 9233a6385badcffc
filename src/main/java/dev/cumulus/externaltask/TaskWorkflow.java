package dev.cumulus.externaltask;

import java.util.Map;

/**
 * The port to the workflow engine: each task is one process instance whose business key is the
 * task id. Every call joins the caller's transaction. Only the workflow package implements it, so
 * the engine stays replaceable.
 */
public interface TaskWorkflow {

  /** Starts the task's process instance and runs it to its first wait state; returns its id. */
  String start(ExternalTask task, String processKey, Map<String, Object> variables);

  /** An agent was found for a task that waits for one. */
  void offered(ExternalTask task, String userUpn, int ronaTimeoutSeconds);

  /** The current offer ended without an answer of the agent (declined, transferred). */
  void offerWithdrawn(ExternalTask task);

  void accepted(ExternalTask task, String userUpn);

  /** A Broadcast offer's first agent declined while others' offers stand: the offer task names the next. */
  void offerReassigned(ExternalTask task, String userUpn);

  /** The agent finished handling; after-work time starts, or the task closes at once when it is 0. */
  void handled(ExternalTask task, int afterWorkSeconds);

  void afterWorkEnded(ExternalTask task);

  /** Restarts the after-work timer: it now ends that many seconds from now. */
  void afterWorkExtended(ExternalTask task, int seconds);

  void lifetimeChanged(ExternalTask task);

  /** Ends the instance wherever it is; the task is already marked Cancelled. */
  void cancel(ExternalTask task, String reason);

  /**
   * A context parameter of the task was set or changed: every "Wait for Parameter" of its workflow
   * that waits for this name goes on, in the caller's transaction. Nothing happens when none waits.
   */
  void parameterSet(ExternalTask task, String parameterName);

  /** Copies task fields to process variables (so Cockpit shows them). */
  void mirror(ExternalTask task, Map<String, Object> variables);

  /** Which of these process instances still run. */
  java.util.Set<String> running(java.util.Collection<String> processInstanceIds);

  /** Whether the engine knows the process key (a deployed workflow). */
  boolean isDeployed(String processKey);
}
