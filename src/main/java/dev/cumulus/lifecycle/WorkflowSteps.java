package dev.cumulus.lifecycle;

import dev.cumulus.externaltask.Canceller;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.Outcome;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What the engine tells Cumulus about a task's workflow: its instance started, its lifetime timer
 * fired, its instance ended. The engine calls these inside its own transaction; each is safe to run
 * again and does nothing when the task has moved on (a late timer, a race with an agent's answer).
 * Distribution's own timers (offer timeout, after-work) are {@link DistributionTimers}.
 */
@Service
@Transactional
public class WorkflowSteps {

  private final TaskStore tasks;
  private final TaskEvents events;
  private final TaskTransitions transitions;

  WorkflowSteps(TaskStore tasks, TaskEvents events, TaskTransitions transitions) {
    this.tasks = tasks;
    this.events = events;
    this.transitions = transitions;
  }

  /**
   * The lifetime ended. A task that still waits for an agent (in its workflow, queued or offered)
   * expires; one an agent has accepted is theirs to finish. Returns whether it expired now.
   */
  public boolean expire(String taskId) {
    ExternalTask task = tasks.lock(taskId).orElseThrow();
    if (!TaskTransitions.WAITING.contains(task.state())) {
      return false;
    }
    transitions.endOffer(task, false);
    transitions.finish(task, TaskState.Expired, Outcome.Expired);
    events.record(taskId, TaskEventType.Expired, TaskEvent.SYSTEM, Map.of("expiresAt", DateTimeFormatter.ISO_INSTANT.format(task.expiresAt())));
    return true;
  }

  /**
   * The process instance ended. When the task is still open, somebody deleted the instance (for
   * example from Cockpit) or a custom workflow ended without handling it: the task is cancelled.
   */
  public void workflowEnded(String taskId, String actor, String reason) {
    Optional<ExternalTask> task = tasks.lock(taskId);
    if (task.isEmpty() || task.get().state().isTerminal()) {
      return;
    }
    transitions.cancel(task.get(), actor == null ? TaskEvent.SYSTEM : actor, Canceller.workflow, reason == null ? "workflow ended" : reason);
  }

  public void processInstanceStarted(String taskId, String processInstanceId) {
    tasks.setProcessInstance(taskId, processInstanceId);
  }
}
