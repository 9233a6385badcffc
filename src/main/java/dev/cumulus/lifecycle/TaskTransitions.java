package dev.cumulus.lifecycle;

import dev.cumulus.distribution.AgentStore;
import dev.cumulus.distribution.DistributionSettings;
import dev.cumulus.distribution.Distributor;
import dev.cumulus.distribution.OfferStore;
import dev.cumulus.distribution.QueueStore;
import dev.cumulus.distribution.ServiceStore;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.Outcome;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/** State changes shared by the API and the workflow steps. Callers hold the routing locks. */
@Component
class TaskTransitions {

  private final TaskStore tasks;
  private final TaskEvents events;
  private final QueueStore queue;
  private final OfferStore offers;
  private final AgentStore agents;
  private final ServiceStore services;
  private final Distributor distributor;
  private final Clock clock;

  TaskTransitions(
      TaskStore tasks,
      TaskEvents events,
      QueueStore queue,
      OfferStore offers,
      AgentStore agents,
      ServiceStore services,
      Distributor distributor,
      Clock clock) {
    this.tasks = tasks;
    this.events = events;
    this.queue = queue;
    this.offers = offers;
    this.agents = agents;
    this.services = services;
    this.distributor = distributor;
    this.clock = clock;
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
    agents.taskReleased(user, now());
    distributor.agentFreed(user);
    offers.remove(task.id(), user);
    if (refused) {
      offers.refused(task.id(), user, now());
      DistributionSettings settings = services.find(task.serviceUpn()).orElseThrow().settings();
      if (settings.persistentRona()) {
        services.flagRona(task.serviceUpn(), user, now().plusSeconds(settings.ronaResetSeconds()));
      }
    }
  }

  /** Back into its service's queue, keeping its original age. */
  ExternalTask requeue(String taskId) {
    tasks.setState(taskId, TaskState.Queued, null);
    ExternalTask task = tasks.find(taskId).orElseThrow();
    distributor.enqueue(task);
    return task;
  }

  /** Ends the task as Cancelled (Abandoned when an agent was on it), frees everything it held. */
  void cancel(ExternalTask task, String actor, String reason) {
    Outcome outcome = task.state() == TaskState.Connected || task.state() == TaskState.AfterWork ? Outcome.Abandoned : Outcome.Cancelled;
    endOffer(task, false);
    if (task.state() == TaskState.Connected || task.state() == TaskState.AfterWork) {
      agents.taskReleased(task.assignedUserUpn(), now());
      distributor.agentFreed(task.assignedUserUpn());
    }
    finish(task, TaskState.Cancelled, outcome);
    var detail = new LinkedHashMap<String, String>();
    detail.put("outcome", outcome.name());
    if (reason != null && !reason.isBlank()) {
      detail.put("reason", reason);
    }
    events.record(task.id(), TaskEventType.Cancelled, actor, detail);
  }

  void finish(ExternalTask task, TaskState state, Outcome outcome) {
    queue.remove(task.id());
    tasks.terminate(task.id(), state, outcome, now());
    services.adjustOpenTasks(task.serviceUpn(), -1);
  }

  Map<String, String> detail(String key, String value) {
    return value == null ? Map.of() : Map.of(key, value);
  }
}
