package dev.cumulus.distribution;

import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import dev.cumulus.externaltask.TaskWorkflow;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Decides who gets which task. Every method runs inside the caller's transaction, after the caller
 * took the service locks (see {@link RoutingLocks}); the locks make a task and an agent matched at
 * most once, on any number of nodes.
 *
 * <p>Rules: a task goes to an Available member of its service with free capacity, preferred users
 * first (1 = most preferred), otherwise the one idle longest. An agent who frees up gets the
 * highest-ordered task of all their services (Strict, High, Normal, Low; then oldest first).
 */
@Component
public class Distributor {

  private static final Object FREED_AGENTS = new Object();

  private final TaskStore tasks;
  private final AgentStore agents;
  private final ServiceStore services;
  private final QueueStore queue;
  private final OfferStore offers;
  private final TaskEvents events;
  private final TaskWorkflow workflow;
  private final DistributionProperties properties;
  private final Clock clock;

  public Distributor(
      TaskStore tasks,
      AgentStore agents,
      ServiceStore services,
      QueueStore queue,
      OfferStore offers,
      TaskEvents events,
      TaskWorkflow workflow,
      DistributionProperties properties,
      Clock clock) {
    this.tasks = tasks;
    this.agents = agents;
    this.services = services;
    this.queue = queue;
    this.offers = offers;
    this.events = events;
    this.workflow = workflow;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * Offers a queued task to the best agent free now.
   *
   * @param fromOwnStep true when called from the task's own workflow step: the step's result carries
   *     the offer, so the process instance is not told by a message
   */
  public Optional<Offer> offerTask(String taskId, boolean fromOwnStep) {
    ExternalTask task = tasks.find(taskId).orElseThrow();
    if (task.state() != TaskState.Queued) {
      return Optional.empty();
    }
    ServiceDefinition service = services.find(task.serviceUpn()).orElseThrow();
    var candidates = agents.eligibleFor(task.serviceUpn(), taskId, refusedAfter());
    candidates.sort(
        Comparator.comparingInt((Agent a) -> task.preferenceOf(a.upn()))
            .thenComparing(Agent::idleSince)
            .thenComparing(Agent::upn));
    for (Agent candidate : candidates) {
      Optional<Agent> locked = agents.lock(candidate.upn());
      if (locked.isPresent() && locked.get().canTakeMore()) {
        String rule =
            task.preferenceOf(candidate.upn()) != Integer.MAX_VALUE ? Offer.RULE_PREFERRED : Offer.RULE_LONGEST_IDLE;
        return Optional.of(offer(task, service, candidate.upn(), rule, !fromOwnStep));
      }
    }
    return Optional.empty();
  }

  /** Remembers, for the rest of the transaction, that the agent may take more work now. */
  public void agentFreed(String userUpn) {
    freedAgents().add(userUpn);
  }

  /**
   * Offers each agent freed in this transaction the best tasks it may take, until it is full. Call it
   * at the end of every step that may free an agent, after the steps' own task had its chance.
   *
   * @param excludedTaskId the task whose workflow step is running (its instance is not waiting)
   */
  public void offerToFreedAgents(String excludedTaskId) {
    Set<String> freed = freedAgents();
    while (!freed.isEmpty()) {
      String upn = freed.iterator().next();
      freed.remove(upn);
      offerToAgent(upn, excludedTaskId);
    }
  }

  private void offerToAgent(String userUpn, String excludedTaskId) {
    while (true) {
      Optional<Agent> agent = agents.lock(userUpn);
      if (agent.isEmpty() || !agent.get().canTakeMore()) {
        return;
      }
      Optional<String> next = queue.nextFor(userUpn, refusedAfter(), excludedTaskId);
      if (next.isEmpty()) {
        return;
      }
      ExternalTask task = tasks.find(next.get()).orElseThrow();
      ServiceDefinition service = services.find(task.serviceUpn()).orElseThrow();
      offer(task, service, userUpn, Offer.RULE_AGENT_FREED, true);
    }
  }

  /**
   * Matches a whole service: every free member gets the best tasks it may take. The caller holds the
   * service's lock. Returns how many offers were made.
   */
  public int matchService(String serviceUpn) {
    int made = 0;
    boolean progress = true;
    while (progress && agents.anyFree(serviceUpn)) {
      progress = false;
      for (String taskId : queue.head(serviceUpn, 200)) {
        if (offerTask(taskId, false).isPresent()) {
          made++;
          progress = true;
        }
        if (!agents.anyFree(serviceUpn)) {
          break;
        }
      }
    }
    return made;
  }

  private Offer offer(ExternalTask task, ServiceDefinition service, String userUpn, String rule, boolean notify) {
    OffsetDateTime now = OffsetDateTime.now(clock);
    queue.remove(task.id());
    offers.insert(task.id(), userUpn, now);
    agents.taskTaken(userUpn);
    tasks.setState(task.id(), TaskState.Offered, userUpn);
    events.record(task.id(), TaskEventType.Offered, TaskEvent.SYSTEM, Map.of("userUpn", userUpn, "rule", rule));
    if (notify) {
      workflow.offered(tasks.find(task.id()).orElseThrow(), userUpn, service.ronaTimeoutSeconds());
    }
    return new Offer(task.id(), userUpn, service.ronaTimeoutSeconds(), rule);
  }

  private OffsetDateTime refusedAfter() {
    return OffsetDateTime.now(clock).minus(properties.refusalCooldown());
  }

  @SuppressWarnings("unchecked")
  private static Set<String> freedAgents() {
    var set = (Set<String>) TransactionSynchronizationManager.getResource(FREED_AGENTS);
    if (set == null) {
      if (!TransactionSynchronizationManager.isSynchronizationActive()) {
        throw new IllegalStateException("distribution runs inside a transaction");
      }
      set = new LinkedHashSet<>();
      TransactionSynchronizationManager.bindResource(FREED_AGENTS, set);
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              TransactionSynchronizationManager.unbindResourceIfPossible(FREED_AGENTS);
            }
          });
    }
    return set;
  }
}
