package dev.cumulus.routing;

import dev.cumulus.directory.AgentStore;
import dev.cumulus.directory.DistributionSettings;
import dev.cumulus.directory.DistributionType;
import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The offer writer: makes an offer and ends it, and with it the agents' load. Everything an offer
 * changes is written here, in the caller's transaction, which holds the task's row lock (and for an
 * offer made, the chosen agents' rows): offer and refusal rows, the queue row, the agents' load and
 * last offer, the task's state and its event.
 */
@Component
class OfferWriter {

  private final TaskStore tasks;
  private final AgentStore agents;
  private final ServiceStore services;
  private final QueueStore queue;
  private final OfferStore offers;
  private final TaskEvents events;
  private final RoutingTrace trace;
  private final Clock clock;

  OfferWriter(
      TaskStore tasks, AgentStore agents, ServiceStore services, QueueStore queue, OfferStore offers, TaskEvents events, RoutingTrace trace,
      Clock clock) {
    this.tasks = tasks;
    this.agents = agents;
    this.services = services;
    this.queue = queue;
    this.offers = offers;
    this.events = events;
    this.trace = trace;
    this.clock = clock;
  }

  /**
   * Makes the offer: out of the queue, into the agents' load, the event, and its due time (the offer
   * timeout; a Broadcast round ends after the same time, without RONA for anyone). The caller holds the
   * task's row lock, then the agents' (in UPN order).
   */
  Offer offer(ExternalTask task, ServiceDefinition service, List<String> userUpns, String rule) {
    OffsetDateTime now = now();
    boolean broadcast = service.settings().distributionType() == DistributionType.Broadcast;
    int rona = service.ronaTimeoutSeconds();
    queue.remove(task.id());
    for (String upn : userUpns) {
      offers.insert(task.id(), upn, now, broadcast, now.plusSeconds(rona));
      agents.taskTaken(upn);
      services.offered(service.upn(), upn, now);
    }
    tasks.setState(task.id(), TaskState.Offered, userUpns.get(0));
    var detail = new LinkedHashMap<String, String>();
    detail.put("userUpn", String.join(",", userUpns));
    detail.put("rule", rule);
    events.record(task.id(), TaskEventType.Offered, TaskEvent.SYSTEM, detail);
    return new Offer(task.id(), userUpns.get(0), rona, rule, broadcast);
  }

  /**
   * The agent joins the task's running Broadcast round: the joined offer keeps the round's start as its
   * offer time and ends with the round. The decision goes into the routing trace.
   */
  void joinRound(String taskId, String serviceUpn, String userUpn, OffsetDateTime now, Eligibility.Decision decision) {
    offers.insert(taskId, userUpn, offers.roundStartedAt(taskId), true, offers.roundDueAt(taskId));
    agents.taskTaken(userUpn);
    services.offered(serviceUpn, userUpn, now);
    trace.record(taskId, now, "agentFreed", decision);
    events.record(taskId, TaskEventType.Offered, TaskEvent.SYSTEM, Map.of("userUpn", userUpn, "rule", Offer.RULE_BROADCAST_JOINED));
  }

  /**
   * Ends one agent's offer of the task; the agent's slot is free again. A refusal (decline, no answer)
   * keeps the task from that agent for the refusal cooldown, and with persistent RONA flags the agent
   * in that service until the reset.
   */
  void endOffer(ExternalTask task, String userUpn, boolean refused) {
    agents.taskReleased(userUpn, now());
    offers.remove(task.id(), userUpn);
    if (refused) {
      offers.refused(task.id(), userUpn, now());
      DistributionSettings settings = services.find(task.serviceUpn()).orElseThrow().settings();
      if (settings.persistentRona()) {
        services.flagRona(task.serviceUpn(), userUpn, now().plusSeconds(settings.ronaResetSeconds()));
      }
    }
  }

  /** An agent took the task: its offer rows go; the agent who took it keeps the slot. */
  void offerAccepted(String taskId) {
    offers.removeAll(taskId);
  }

  /** A task left the agent: one slot is free again, and the agent counts as idle from now on. */
  void released(String userUpn) {
    agents.taskReleased(userUpn, now());
  }

  /** The agent is done with a task: released, and counted for "least busy". */
  void handled(String userUpn) {
    agents.taskReleased(userUpn, now());
    agents.handled(userUpn);
  }

  /** A repair's recount of the agent's load. */
  void loadRecounted(String userUpn, int actual) {
    agents.setActiveTasks(userUpn, actual);
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock);
  }
}
