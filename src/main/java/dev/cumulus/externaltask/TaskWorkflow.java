package dev.cumulus.externaltask;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The port to the workflow engine: each task is one process instance whose business key is the
 * task id. The instance models the task's workflow (delays, queueing, checks, transfers, expiry) and
 * waits in one element while the agents work on the task; distribution (offers, answers, after-work)
 * never calls the engine. Every call joins the caller's transaction. Only the workflow package
 * implements it, so the engine stays replaceable.
 */
public interface TaskWorkflow {

  /** Starts the task's process instance and runs it to its first wait state; returns its id. */
  String start(ExternalTask task, String processKey, Map<String, Object> variables);

  /**
   * An agent accepted the task. A workflow that models the message {@code TaskConnected} goes on from
   * there; for one that does not, nothing is written.
   */
  void connected(ExternalTask task);

  /**
   * The task was completed: the workflow goes on from where it waited while the agents worked on it
   * (message {@code TaskEnded}). An instance that waits for no such message is ended.
   */
  void ended(ExternalTask task);

  void lifetimeChanged(ExternalTask task);

  /** Ends the instance wherever it is; the task is already marked Cancelled. */
  void cancel(ExternalTask task, String reason);

  /**
   * A context parameter of the task was set or changed: every "Wait for Parameter" of its workflow
   * that waits for this name goes on, in the caller's transaction. Nothing happens when none waits.
   */
  void parameterSet(ExternalTask task, String parameterName);

  /** Which of these process instances still run. */
  Set<String> running(Collection<String> processInstanceIds);

  /** Whether the engine knows the process key (a deployed workflow). */
  boolean isDeployed(String processKey);
}
