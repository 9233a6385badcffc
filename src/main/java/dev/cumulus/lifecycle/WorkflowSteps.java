package dev.cumulus.lifecycle;

import dev.cumulus.distribution.Agent;
import dev.cumulus.distribution.AgentStore;
import dev.cumulus.distribution.Distributor;
import dev.cumulus.distribution.Offer;
import dev.cumulus.distribution.OfferStore;
import dev.cumulus.distribution.Presence;
import dev.cumulus.distribution.QueueStore;
import dev.cumulus.distribution.RoutingLocks;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.Outcome;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What the steps of a task's workflow do. The workflow's delegates call these inside the engine's
 * transaction; each method is safe to run again and does nothing when the task has moved on (a late
 * timer, a race with an agent's answer).
 */
@Service
@Transactional
public class WorkflowSteps {

  private final RoutingLocks locks;
  private final TaskStore tasks;
  private final TaskEvents events;
  private final QueueStore queue;
  private final OfferStore offers;
  private final AgentStore agents;
  private final Distributor distributor;
  private final TaskTransitions transitions;

  WorkflowSteps(
      RoutingLocks locks,
      TaskStore tasks,
      TaskEvents events,
      QueueStore queue,
      OfferStore offers,
      AgentStore agents,
      Distributor distributor,
      TaskTransitions transitions) {
    this.locks = locks;
    this.tasks = tasks;
    this.events = events;
    this.queue = queue;
    this.offers = offers;
    this.agents = agents;
    this.distributor = distributor;
    this.transitions = transitions;
  }

  /** After an offer ended without acceptance: the task is offered to the next agent after commit. */
  public Optional<Offer> redistribute(String taskId) {
    ExternalTask task = tasks.lock(taskId).orElseThrow();
    if (task.state() == TaskState.Queued) {
      distributor.requestMatch(taskId, "offerEnded");
    }
    return Optional.empty();
  }

  /**
   * The offer timed out (RONA): the agent gets the slot back, the task goes back to the queue. A
   * Broadcast round that timed out ends for everyone, without RONA for anybody.
   */
  public void recordRona(String taskId, String userUpn) {
    ExternalTask task = tasks.lock(taskId).orElseThrow();
    if (task.state() != TaskState.Offered || !offers.usersOffered(taskId).contains(userUpn)) {
      return;
    }
    if (offers.isBroadcast(taskId)) {
      var everyone = String.join(",", offers.usersOffered(taskId));
      transitions.endOffer(task, false);
      transitions.requeue(taskId);
      events.record(taskId, TaskEventType.Rona, TaskEvent.SYSTEM, Map.of("userUpn", everyone, "broadcast", "true"));
      return;
    }
    boolean setAway = transitions.missOffer(task, userUpn);
    transitions.requeue(taskId);
    events.record(
        taskId, TaskEventType.Rona, TaskEvent.SYSTEM,
        setAway
            ? Map.of("userUpn", userUpn, "presence", Presence.Away.name(), "presenceReason", Agent.MISSED_OFFER)
            : Map.of("userUpn", userUpn));
  }

  /** The lifetime ended before an agent accepted the task. */
  public void expire(String taskId) {
    ExternalTask task = tasks.lock(taskId).orElseThrow();
    if (task.state().isTerminal() || task.state() == TaskState.Connected || task.state() == TaskState.AfterWork) {
      return;
    }
    transitions.endOffer(task, false);
    transitions.finish(task, TaskState.Expired, Outcome.Expired);
    events.record(taskId, TaskEventType.Expired, TaskEvent.SYSTEM, Map.of("expiresAt", java.time.format.DateTimeFormatter.ISO_INSTANT.format(task.expiresAt())));
  }

  /** After-work time is over (or ended early): the task is completed and the agent free again. */
  public void close(String taskId) {
    ExternalTask task = tasks.lock(taskId).orElseThrow();
    if (task.state() != TaskState.Connected && task.state() != TaskState.AfterWork) {
      return;
    }
    String agent = task.assignedUserUpn();
    agents.taskReleased(agent, transitions.now());
    agents.handled(agent);
    distributor.agentFreed(agent);
    transitions.finish(task, TaskState.Completed, Outcome.Handled);
    events.record(taskId, TaskEventType.Completed, agent, Map.of("userUpn", agent));
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
    transitions.cancel(task.get(), actor == null ? TaskEvent.SYSTEM : actor, reason == null ? "workflow ended" : reason);
  }

  public void processInstanceStarted(String taskId, String processInstanceId) {
    tasks.setProcessInstance(taskId, processInstanceId);
  }
}
