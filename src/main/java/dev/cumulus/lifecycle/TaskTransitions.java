package dev.cumulus.lifecycle;

import dev.cumulus.directory.Agent;
import dev.cumulus.directory.AgentStore;
import dev.cumulus.directory.Presence;
import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.externaltask.ContextParameter;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.Canceller;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.Outcome;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import dev.cumulus.externaltask.TaskWorkflow;
import dev.cumulus.routing.Distributor;
import dev.cumulus.routing.OfferStore;
import dev.cumulus.web.ApiException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;

/** State changes shared by the API, the workflow steps and the timers. Callers hold the task's row lock. */
@Component
class TaskTransitions {

  private final TaskStore tasks;
  private final TaskEvents events;
  private final OfferStore offers;
  private final AgentStore agents;
  private final ServiceStore services;
  private final Distributor distributor;
  private final Clock clock;
  private final TaskWorkflow workflow;

  TaskTransitions(
      TaskStore tasks,
      TaskEvents events,
      OfferStore offers,
      AgentStore agents,
      ServiceStore services,
      Distributor distributor,
      Clock clock,
      TaskWorkflow workflow) {
    this.tasks = tasks;
    this.events = events;
    this.offers = offers;
    this.agents = agents;
    this.services = services;
    this.distributor = distributor;
    this.clock = clock;
    this.workflow = workflow;
  }

  /** The states of a task that still waits for an agent: it can be transferred. */
  static final EnumSet<TaskState> WAITING = EnumSet.of(TaskState.InWorkflow, TaskState.Queued, TaskState.Offered);

  /**
   * Moves a task that waits for an agent into another service (its queue, when it was queued or
   * offered), keeping its age; a standing offer is withdrawn, and the new service's distribution
   * settings apply. The caller holds the task's row lock
   * and checked that the task waits and the target is another service.
   */
  void transfer(ExternalTask task, ServiceDefinition target, String actor) {
    boolean wasOffered = task.state() == TaskState.Offered;
    if (wasOffered) {
      endOffer(task, false);
    }
    tasks.setService(task.id(), target.upn());
    // the task's own distribution choices were for its old service
    distributor.clearTaskRouting(task.id());
    if (wasOffered || task.state() == TaskState.Queued) {
      requeue(task.id());
    }
    events.record(task.id(), TaskEventType.Transferred, actor, Map.of("from", task.serviceUpn(), "to", target.upn()));
    ExternalTask moved = tasks.find(task.id()).orElseThrow();
    if (moved.state() == TaskState.Queued) {
      distributor.requestMatch(task.id(), "transferred");
    }
    // last, in a fixed order: the services' counter rows stay locked until commit
    if (task.serviceUpn().compareTo(target.upn()) < 0) {
      services.adjustOpenTasks(task.serviceUpn(), -1);
      reserveIn(target);
    } else {
      reserveIn(target);
      services.adjustOpenTasks(task.serviceUpn(), -1);
    }
  }

  /** The target's fair-use limit holds for a transfer as for a create: 429, and the transaction rolls back. */
  private void reserveIn(ServiceDefinition target) {
    if (!services.reserveOpenTask(target.upn())) {
      throw serviceFull(target);
    }
  }

  static ApiException serviceFull(ServiceDefinition service) {
    return ApiException.tooMany(
        "service " + service.upn() + " already has its maximum of " + service.maxConcurrentTasks() + " open tasks (maxConcurrentTasks)", 30);
  }

  /** Sets the task's own priority; a queued task moves to its new place at once. */
  void changePriority(ExternalTask task, DistributionPriority priority, String actor) {
    if (priority == task.priority()) {
      return;
    }
    tasks.setPriority(task.id(), priority);
    distributor.reprioritize(tasks.find(task.id()).orElseThrow());
    events.record(task.id(), TaskEventType.PriorityChanged, actor, Map.of("from", task.priority().name(), "to", priority.name()));
  }

  /** The task's context parameters with the given ones merged in by name, and which of them changed. */
  record MergedParameters(List<ContextParameter> all, List<ContextParameter> changed) {}

  static MergedParameters merge(List<ContextParameter> current, List<ContextParameter> given) {
    var merged = new LinkedHashMap<String, ContextParameter>();
    current.forEach(p -> merged.put(p.name(), p));
    var changed = new ArrayList<ContextParameter>();
    for (ContextParameter p : given) {
      ContextParameter before = merged.put(p.name(), p);
      if (before == null || !Objects.equals(before.value(), p.value())) {
        changed.add(p);
      }
    }
    return new MergedParameters(new ArrayList<>(merged.values()), changed);
  }

  /** After context parameters were stored: one Updated event per changed parameter. */
  void recordParameterUpdates(String taskId, List<ContextParameter> changed, String actor) {
    for (ContextParameter p : changed) {
      var detail = new LinkedHashMap<String, String>();
      detail.put("parameterName", p.name());
      if (p.value() != null) {
        detail.put("parameterValue", p.value());
      }
      events.record(taskId, TaskEventType.Updated, actor, detail);
    }
  }

  /**
   * The task's workflow hears of each changed parameter, last in a change: a "Wait for Parameter" on
   * that name goes on in this transaction, and may queue the task.
   */
  void wakeWorkflow(String taskId, List<ContextParameter> changed) {
    if (changed.isEmpty()) {
      return;
    }
    ExternalTask task = tasks.find(taskId).orElseThrow();
    for (ContextParameter p : changed) {
      workflow.parameterSet(task, p.name());
    }
  }

  OffsetDateTime now() {
    return OffsetDateTime.now(clock);
  }

  /** Ends every current offer of the task; the agents get their slots back. */
  void endOffer(ExternalTask task, boolean refused) {
    for (String user : offers.usersOffered(task.id())) {
      endOffer(task, user, refused);
    }
  }

  /**
   * Ends one agent's offer. A refusal (decline, no answer) keeps the task from that agent for the
   * refusal cooldown, and with persistent RONA flags the agent in that service until the reset.
   */
  void endOffer(ExternalTask task, String user, boolean refused) {
    distributor.endOffer(task, user, refused);
  }

  /**
   * A Direct offer timed out (RONA): a refusal like a decline, and unless the service keeps agents as
   * they are ({@code awayOnMissedOffer} off), the agent is set Away with reason {@code missedOffer}: out
   * of distribution in every service until they set their presence again. An Offline agent stays
   * Offline. Returns whether the agent was set Away now.
   */
  boolean missOffer(ExternalTask task, String user) {
    endOffer(task, user, true);
    if (!services.find(task.serviceUpn()).orElseThrow().settings().awayOnMissedOffer()) {
      return false;
    }
    Agent agent = agents.lock(user).orElse(null);
    if (agent == null || agent.presence() == Presence.Offline || Agent.MISSED_OFFER.equals(agent.presenceReason())) {
      return false;
    }
    OffsetDateTime now = now();
    agents.setAwayFor(user, Agent.MISSED_OFFER, now);
    agents.recordPresence(user, Presence.Away, now);
    // windows that waited only for this agent open now
    distributor.agentGone(user);
    return true;
  }

  /**
   * An offer ended without acceptance (declined, timed out, taken back): back into the queue, and
   * offered to the next agent after commit.
   */
  ExternalTask offerEnded(String taskId) {
    ExternalTask task = requeue(taskId);
    distributor.requestMatch(taskId, "offerEnded");
    return task;
  }

  /** Back into its service's queue, keeping its original age. */
  ExternalTask requeue(String taskId) {
    return queue(taskId, null);
  }

  /** Into its service's queue; a first queueing sets its age to {@code age}, a later one keeps it. */
  ExternalTask queue(String taskId, OffsetDateTime age) {
    tasks.markQueued(taskId, age);
    ExternalTask task = tasks.find(taskId).orElseThrow();
    distributor.enqueue(task);
    return task;
  }

  /**
   * The agent takes the task (an accepted offer, a pickup): its offer rows go, it is Connected with
   * them, and its workflow hears of it.
   */
  void connect(String taskId, String user) {
    distributor.offerAccepted(taskId);
    tasks.connect(taskId, user);
    events.record(taskId, TaskEventType.Accepted, user, Map.of("userUpn", user));
    workflow.connected(tasks.find(taskId).orElseThrow());
  }

  /**
   * The agent is done with a Connected task: after-work starts for the service's after-work time
   * (a due time that {@link DistributionTimers} acts on), or the task is completed at once.
   */
  void handled(ExternalTask task, int afterWorkSeconds, String actor) {
    if (afterWorkSeconds <= 0) {
      close(task);
      return;
    }
    tasks.setState(task.id(), TaskState.AfterWork, task.assignedUserUpn());
    distributor.startAfterWork(task.id(), task.assignedUserUpn(), now().plusSeconds(afterWorkSeconds));
    events.record(task.id(), TaskEventType.AfterWorkStarted, actor, Map.of("seconds", Integer.toString(afterWorkSeconds)));
  }

  /** After-work gets a new counter of the given seconds; the caller checked that it may, once. */
  void extendAfterWork(String taskId, int seconds, String actor) {
    tasks.markAfterWorkExtended(taskId);
    distributor.extendAfterWork(taskId, now().plusSeconds(seconds));
    events.record(taskId, TaskEventType.AfterWorkExtended, actor, Map.of("seconds", Integer.toString(seconds)));
  }

  /**
   * Completed: the agent is free again (and offered their next task after commit), and the task's
   * workflow goes on from where it waited while the agents worked on it.
   */
  void close(ExternalTask task) {
    String agent = task.assignedUserUpn();
    if (task.state() == TaskState.AfterWork) {
      distributor.endAfterWork(task.id());
    }
    distributor.handled(agent);
    finish(task, TaskState.Completed, Outcome.Handled);
    events.record(task.id(), TaskEventType.Completed, agent, Map.of("userUpn", agent));
    workflow.ended(task);
    distributor.offerNextNow(agent);
  }

  /** Ends the task as Cancelled (Abandoned when an agent was on it), frees everything it held. */
  void cancel(ExternalTask task, String actor, Canceller by, String reason) {
    Outcome outcome = task.state() == TaskState.Connected || task.state() == TaskState.AfterWork ? Outcome.Abandoned : Outcome.Cancelled;
    endOffer(task, false);
    if (task.state() == TaskState.AfterWork) {
      distributor.endAfterWork(task.id());
    }
    if (task.state() == TaskState.Connected || task.state() == TaskState.AfterWork) {
      distributor.released(task.assignedUserUpn());
    }
    finish(task, TaskState.Cancelled, outcome);
    var detail = new LinkedHashMap<String, String>();
    detail.put("outcome", outcome.name());
    detail.put("cancelledBy", by.name());
    if (reason != null && !reason.isBlank()) {
      detail.put("reason", reason);
    }
    events.record(task.id(), TaskEventType.Cancelled, actor, detail);
  }

  void finish(ExternalTask task, TaskState state, Outcome outcome) {
    distributor.dequeue(task.id());
    tasks.terminate(task.id(), state, outcome, now());
    services.releaseOpenTaskAtCommit(task.serviceUpn());
  }

  Map<String, String> detail(String key, String value) {
    return value == null ? Map.of() : Map.of(key, value);
  }
}
