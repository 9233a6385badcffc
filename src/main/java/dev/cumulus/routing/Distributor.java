package dev.cumulus.routing;

import dev.cumulus.directory.Agent;
import dev.cumulus.directory.AgentStore;
import dev.cumulus.directory.AvailabilityListener;
import dev.cumulus.directory.DistributionSettings;
import dev.cumulus.directory.DistributionType;
import dev.cumulus.directory.Member;
import dev.cumulus.directory.Presence;
import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decides who gets which task ({@link Eligibility} holds the rules) and writes the outcome.
 *
 * <p>Two phases. A change of a task or an agent (queued, declined, freed, ...) commits holding only
 * task and agent row locks, and asks for matching with {@link #requestMatch}, {@link #agentFreed} or
 * {@link #requestServiceMatch}. Right after that commit, on the same thread, matching runs in short
 * transactions of its own, one offer each, that lock only what the offer changes: the task row, then
 * the agent rows (in UPN order), each re-checked under its lock. No lock serializes a service: matches
 * of one service run side by side on every node. No wake-up is lost: a matching transaction starts
 * after its change committed, so of a task and an agent that change at the same moment, the one
 * committed last sees the other; and it waits for (rather than skips) a task row that another match
 * holds, then looks again. Holding one task and then its agents, never an agent before a task, no lock
 * cycle can form.
 */
@Component
public class Distributor implements AvailabilityListener {

  private static final Object PENDING = new Object();

  /** What a committed change asked to match. */
  private static final class Pending {
    final Map<String, String> tasks = new LinkedHashMap<>();
    final Set<String> agents = new LinkedHashSet<>();
    final Set<String> services = new LinkedHashSet<>();

    boolean isEmpty() {
      return tasks.isEmpty() && agents.isEmpty() && services.isEmpty();
    }
  }

  private final TaskStore tasks;
  private final AgentStore agents;
  private final ServiceStore services;
  private final QueueStore queue;
  private final OfferStore offers;
  private final TaskEvents events;
  private final RoutingTrace trace;
  private final DistributionProperties properties;
  private final Clock clock;
    private final TransactionTemplate ownTransaction;
  private final TaskRoutingOverrides overrides;
  private final AfterWorkStore afterWork;

  public Distributor(
      TaskStore tasks,
      AgentStore agents,
      ServiceStore services,
      QueueStore queue,
      OfferStore offers,
      TaskEvents events,
      RoutingTrace trace,
      DistributionProperties properties,
      Clock clock,
      PlatformTransactionManager transactions,
      TaskRoutingOverrides overrides,
      AfterWorkStore afterWork) {
    this.tasks = tasks;
    this.agents = agents;
    this.services = services;
    this.queue = queue;
    this.offers = offers;
    this.events = events;
    this.trace = trace;
    this.properties = properties;
    this.clock = clock;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.overrides = overrides;
    this.afterWork = afterWork;
  }

  /** The task's service with the distribution type and offer timeout its workflow chose for it. */
  public ServiceDefinition serviceFor(ExternalTask task) {
    return overrides.applyTo(task.id(), services.find(task.serviceUpn()).orElseThrow());
  }

  /**
   * After this transaction commits, offer the task to the best agent free then.
   *
   * @param trigger what caused it, for the routing trace
   */
  public void requestMatch(String taskId, String trigger) {
    pending().tasks.putIfAbsent(taskId, trigger);
  }

  /** After this transaction commits, offer the agent the best tasks it may take. */
  @Override
  public void agentFreed(String userUpn) {
    pending().agents.add(userUpn);
  }

  /** After this transaction commits, match the whole service (its settings or members changed). */
  public void requestServiceMatch(String serviceUpn) {
    pending().services.add(serviceUpn);
  }

  /**
   * Runs what committed changes asked for, one offer per short transaction. Freed
   * agents go first, so each gets the highest-ordered task of all its services (a task that went back
   * to the queue in the same change does not jump ahead of older or higher ones); then whole services,
   * together in one queue order (a change that opened tasks to more agents, such as a window that
   * closed, serves those tasks before a task of lower order takes one of these agents); then the
   * single tasks that are still queued.
   */
  private void runPending(Pending work) {
    for (String upn : work.agents) {
      offerToAgent(upn);
    }
    if (!work.services.isEmpty()) {
      matchServices(work.services, work.tasks, "serviceChanged");
    }
    work.tasks.forEach((taskId, trigger) ->
        matchInOwnTransaction("task " + taskId, () -> {
          Optional<ExternalTask> task = tasks.lock(taskId);
          if (task.isPresent() && task.get().state() == TaskState.Queued) {
            offerTask(taskId, trigger);
          }
        }));
  }

  private void matchInOwnTransaction(String what, Runnable match) {
    matchInOwnTransaction(what, () -> {
      match.run();
      return Boolean.FALSE;
    });
  }

  /** One matching step in a transaction of its own; false when it failed (the sweeper retries). */
  private <T> T matchInOwnTransaction(String what, java.util.function.Supplier<T> match) {
    try {
      return ownTransaction.execute(status -> match.get());
    } catch (RuntimeException e) {
      // the change itself is committed; the sweeper matches within its interval
      org.slf4j.LoggerFactory.getLogger(Distributor.class).warn("matching {} after commit failed, the sweeper retries: {}", what, e.toString());
      return null;
    }
  }

  /**
   * Puts a task into its service's queue (or back, keeping its age), with its effective priority
   * after aging and its preferred-user window.
   */
  public void enqueue(ExternalTask task) {
    OffsetDateTime now = now();
    OffsetDateTime enqueuedAt = task.enqueuedAt() == null ? now : task.enqueuedAt();
    ServiceDefinition service = services.find(task.serviceUpn()).orElseThrow();
    DistributionSettings settings = service.settings();
    queue.enqueue(task, enqueuedAt, effectivePriority(task.priority(), enqueuedAt, settings, now), windowEnd(task, service, enqueuedAt, now));
  }

  /**
   * When the task's preferred-user window ends, for a task queued at {@code queuedAt}; null when it
   * has none or it is over. When no preferred user is a member on duty, not Offline, who has not
   * refused the task, waiting for them would only delay it: the queue is open to every member at once.
   */
  private OffsetDateTime windowEnd(ExternalTask task, ServiceDefinition service, OffsetDateTime queuedAt, OffsetDateTime now) {
    int wait = service.settings().preferredWaitSeconds();
    if (task.preferredUsers().isEmpty() || wait <= 0) {
      return null;
    }
    OffsetDateTime end = queuedAt.plusSeconds(wait);
    return end.isAfter(now) && aPreferredUserCouldSoonTake(task, service.upn()) ? end : null;
  }

  /** Whether the agent holds the skills of the task's level now (a task waiting since {@code queuedAt}). */
  private static boolean hasSkillsFor(Agent agent, DistributionSettings settings, OffsetDateTime queuedAt, OffsetDateTime now) {
    return agent.skills().containsAll(settings.skillsRequiredAfter(Math.max(0, Duration.between(queuedAt, now).getSeconds())));
  }

  /** Whether one of the task's preferred users is a member on duty, there (not Offline), who has not refused it. */
  private boolean aPreferredUserCouldSoonTake(ExternalTask task, String serviceUpn) {
    Set<String> preferred = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    task.preferredUsers().forEach(p -> preferred.add(p.upn()));
    OffsetDateTime refusedAfter = refusedAfter();
    return agents.members(serviceUpn, task.id()).stream().anyMatch(m -> couldSoonTake(m, preferred, refusedAfter));
  }

  private static boolean couldSoonTake(Member m, Set<String> preferred, OffsetDateTime refusedAfter) {
    return preferred.contains(m.upn())
        && m.onDuty()
        && m.agent().routingPresence() != Presence.Offline
        && (m.refusedAt() == null || !m.refusedAt().isAfter(refusedAfter));
  }

  /**
   * The task's preferred users changed: its window is worked out again (as on enqueue, from its first
   * queueing), and it is matched again after commit.
   */
  public void preferredUsersChanged(ExternalTask task) {
    queue.entry(task.id()).ifPresent(entry -> {
      ExternalTask withAge = tasks.find(task.id()).orElseThrow();
      enqueue(withAge);
      requestMatch(task.id(), "preferredUsersChanged");
    });
  }

  /** The service's settings or members changed: windows waiting only for users who left open now, and it is matched after commit. */
  @Override
  public void serviceChanged(String serviceUpn) {
    queue.widenWindows(serviceUpn, now(), refusedAfter());
    requestServiceMatch(serviceUpn);
  }

  /** A user can no longer take tasks soon (Offline, off duty, Away for a missed offer): windows waiting only for them open now. */
  @Override
  public void agentGone(String userUpn) {
    OffsetDateTime now = now();
    for (String serviceUpn : agents.servicesOf(userUpn)) {
      queue.widenWindows(serviceUpn, now, now.minus(properties.refusalCooldown()));
      requestServiceMatch(serviceUpn);
    }
  }

  /** The task's own priority changed: its place in the queue follows, aging included. */
  public void reprioritize(ExternalTask task) {
    queue.entry(task.id()).ifPresent(entry -> {
      DistributionSettings settings = services.find(task.serviceUpn()).orElseThrow().settings();
      queue.reprioritize(task.id(), task.priority().rank(), effectivePriority(task.priority(), entry.enqueuedAt(), settings, now()));
    });
  }

  static int effectivePriority(DistributionPriority priority, OffsetDateTime enqueuedAt, DistributionSettings settings, OffsetDateTime now) {
    int rank = priority.rank();
    if (settings.agingStepSeconds() <= 0 || priority == DistributionPriority.Strict || rank >= DistributionPriority.High.rank()) {
      return rank;
    }
    long steps = Duration.between(enqueuedAt, now).getSeconds() / settings.agingStepSeconds();
    return (int) Math.min(DistributionPriority.High.rank(), rank + steps);
  }

  /**
   * Offers a queued task to the best agent free now (to several at once for Broadcast), in the
   * caller's transaction: the task's row is locked first, then the chosen agents' rows.
   *
   * @param trigger what caused the attempt, for the routing trace
   */
  public Optional<Offer> offerTask(String taskId, String trigger) {
    // the task row before any agent row, as every change of a task does: no lock cycle
    ExternalTask task = tasks.lock(taskId).orElseThrow();
    if (task.state() != TaskState.Queued) {
      return Optional.empty();
    }
    ServiceDefinition service = serviceFor(task);
    if (service.settings().distributionType() == DistributionType.Pickup) {
      return Optional.empty();
    }
    Optional<QueueStore.Entry> entry = queue.entry(taskId);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    boolean broadcast = service.settings().distributionType() == DistributionType.Broadcast;
    for (int attempt = 0; attempt < 3; attempt++) {
      Eligibility.Decision decision = broadcast ? decideBroadcast(task, entry.get(), service) : decide(task, entry.get(), service);
      if (!decision.found()) {
        if (!"sweep".equals(trigger)) {
          trace.record(taskId, now(), trigger, decision);
        }
        return Optional.empty();
      }
      // the members were read without locks: confirm each chosen agent under its row lock
      var confirmed = new ArrayList<String>();
      for (String upn : new TreeSet<>(decision.chosen())) {
        Optional<Agent> locked = agents.lock(upn);
        if (locked.isPresent() && locked.get().hasFreeCapacity() && service.settings().acceptsPresence(locked.get().routingPresence())) {
          confirmed.add(upn);
        }
      }
      if (!confirmed.isEmpty()) {
        confirmed.sort((a, b) -> decision.chosen().indexOf(a) - decision.chosen().indexOf(b));
        trace.record(taskId, now(), trigger, decision);
        return Optional.of(offer(task, service, confirmed, decision.rule()));
      }
    }
    return Optional.empty();
  }

  /**
   * An agent picks a waiting task of a Pickup service: offered to them, for
   * the caller to connect at once. Returns null when done, or why the agent may not take it.
   */
  public Verdict pickUp(ExternalTask task, ServiceDefinition service, String userUpn) {
    Optional<Member> member = agents.members(service.upn(), task.id()).stream().filter(m -> m.upn().equalsIgnoreCase(userUpn)).findFirst();
    if (member.isEmpty()) {
      return Verdict.notMember;
    }
    Optional<Agent> locked = agents.lock(member.get().upn());
    if (locked.isEmpty()) {
      return Verdict.notMember;
    }
    Member fresh = new Member(locked.get(), member.get().onDuty(), null, member.get().lastOfferedAt(), null);
    List<String> skills =
        queue.entry(task.id()).map(e -> service.settings().skillsRequiredAfter(Math.max(0, Duration.between(e.enqueuedAt(), now()).getSeconds())))
            .orElse(List.of());
    // the agent chooses: refusals, RONA flags and preferred-user windows do not apply
    Verdict verdict = Eligibility.check(fresh, true, false, skills, service.settings(), now(), properties.refusalCooldown());
    if (verdict != null) {
      return verdict;
    }
    offer(task, service, List.of(fresh.upn()), Offer.RULE_PICKUP);
    return null;
  }

  /** Who would get the task now, and why; writes nothing. */
  public Eligibility.Decision preview(ExternalTask task, ServiceDefinition service) {
    OffsetDateTime now = now();
    // as on enqueue: the window opens only for a preferred user who could take the task soon
    OffsetDateTime window = windowEnd(task, service, now, now);
    var entry = new QueueStore.Entry(task.id(), service.upn(), task.priority().rank(), task.priority().rank(), now, 0, window);
    return decide(task, entry, service);
  }

  private Eligibility.Decision decide(ExternalTask task, QueueStore.Entry entry, ServiceDefinition service) {
    return decide(task, entry, service, Set.of());
  }

  private Eligibility.Decision decide(ExternalTask task, QueueStore.Entry entry, ServiceDefinition service, Set<String> betterTaskWaiting) {
    OffsetDateTime now = now();
    long waited = Math.max(0, Duration.between(entry.enqueuedAt(), now).getSeconds());
    return Eligibility.decide(
        task.preferredUsers(), entry.preferredUntil(), waited, service.settings(), agents.members(service.upn(), task.id()), now,
        properties.refusalCooldown(), betterTaskWaiting);
  }

  /**
   * A Broadcast round takes several agents at once: each must be one for whom this task is the
   * highest-ordered task they may take. A chosen agent for whom a task ahead of it waits is left out
   * (they get that task) and the next eligible member takes the place, until the round is full of
   * agents for whom this is the best task.
   */
  private Eligibility.Decision decideBroadcast(ExternalTask task, QueueStore.Entry entry, ServiceDefinition service) {
    Set<String> held = new HashSet<>();
    Set<String> checked = new HashSet<>();
    Map<String, ServiceDefinition> seen = new HashMap<>();
    while (true) {
      Eligibility.Decision decision = decide(task, entry, service, held);
      boolean again = false;
      for (String upn : decision.chosen()) {
        String key = upn.toLowerCase();
        if (checked.add(key)) {
          Optional<Agent> agent = agents.find(upn);
          Optional<QueueStore.Entry> best = agent.flatMap(a -> bestTaskFor(a, null, seen));
          if (best.isPresent() && !best.get().taskId().equals(task.id())) {
            held.add(key);
            again = true;
          }
        }
      }
      if (!again) {
        return decision;
      }
    }
  }

  /** The 1-based skill level of a queued task now, or null when its service requires no skills. */
  public Integer levelOf(String taskId, ServiceDefinition service) {
    return queue.entry(taskId).map(e -> service.settings().levelNumberAfter(Math.max(0, Duration.between(e.enqueuedAt(), now()).getSeconds()))).orElse(null);
  }

  /**
   * Offers the agent the best tasks it may take, one after another while it has room. A task ahead of
   * them that is left for a better preferred user who could take it now is offered to that user first
   * (they may have freed up in the same change, and be matched after this agent): so no agent is
   * ever offered a task while one ahead of it, which they could take, still waits.
   */
  private void offerToAgent(String userUpn) {
    Map<String, ServiceDefinition> seen = new HashMap<>();
    Set<String> servedFirst = new HashSet<>();
    for (int offered = 0; offered < 100; offered++) {
      // one offer per transaction: the agent's row is never held while another task row is locked
      if (matchInOwnTransaction("agent " + userUpn, () -> offerNextToAgent(userUpn, seen, servedFirst)) != Step.AGAIN) {
        return;
      }
    }
  }

  /** What one step of a freed agent's matching leaves: look again (an offer made, or a race lost), or done. */
  private enum Step {
    AGAIN,
    DONE
  }

  private Step offerNextToAgent(String userUpn, Map<String, ServiceDefinition> seen, Set<String> servedFirst) {
    // read first, lock the chosen task, then the agent (task rows before agent rows), then re-check
    Optional<Agent> agent = agents.find(userUpn);
    if (agent.isEmpty() || !agent.get().hasFreeCapacity() || agent.get().routingPresence() == Presence.Offline) {
      return Step.DONE;
    }
    OffsetDateTime now = now();
    Pick pick = nextPick(agent.get(), now, seen, servedFirst, false);
    if (pick != null && pick.leftForPreferredUser()) {
      servedFirst.add(pick.entry().taskId());
      offerTask(pick.entry().taskId(), "agentFreed");
      return Step.AGAIN;
    }
    QueueStore.Entry next = pick == null ? null : pick.entry();
    if (next == null) {
      // nothing queued for them: a Broadcast round running with room takes them in
      return joinBroadcastRound(agent.get(), now) ? Step.AGAIN : Step.DONE;
    }
    ExternalTask task = tasks.lock(next.taskId()).orElse(null);
    if (task == null) {
      return Step.AGAIN;
    }
    ServiceDefinition service = overrides.applyTo(task.id(), seen.get(next.serviceUpn()));
    Optional<Agent> locked = agents.lock(userUpn);
    if (task.state() != TaskState.Queued || !task.serviceUpn().equals(next.serviceUpn())
        || locked.isEmpty() || !locked.get().hasFreeCapacity() || locked.get().routingPresence() == Presence.Offline) {
      // changed meanwhile: look again
      return Step.AGAIN;
    }
    if (service.settings().distributionType() == DistributionType.Broadcast) {
      return offerTask(task.id(), "agentFreed").isEmpty() ? Step.DONE : Step.AGAIN;
    }
    var decision =
        new Eligibility.Decision(
            List.of(new Eligibility.Candidate(userUpn, Verdict.chosen, task.preferenceOf(userUpn) == Integer.MAX_VALUE ? null : task.preferenceOf(userUpn))),
            List.of(userUpn), Offer.RULE_AGENT_FREED, levelOf(task.id(), service), next.preferredUntil() != null && next.preferredUntil().isAfter(now));
    trace.record(task.id(), now, "agentFreed", decision);
    offer(task, service, List.of(userUpn), Offer.RULE_AGENT_FREED);
    // full now: no further transaction just to find that out
    return locked.get().activeTasks() + 1 < locked.get().capacity() ? Step.AGAIN : Step.DONE;
  }


  /**
   * An agent who freed up and has no queued task to take joins the oldest Broadcast round that runs
   * with fewer agents than its service's broadcast size and that the agent may take (as for a new
   * round: member on duty, presence, no RONA flag, no refusal, skills of the task's level, and while
   * the preferred-user window is open only a preferred user). The joined offer ends with the round:
   * it keeps the round's start as its offer time. Returns whether the agent joined one.
   */
  private boolean joinBroadcastRound(Agent agent, OffsetDateTime now) {
    for (String taskId : offers.joinableRounds(agent.upn(), agent.routingPresence().name(), now, refusedAfter())) {
      ExternalTask task = tasks.lock(taskId).orElse(null);
      if (task == null || task.state() != TaskState.Offered) {
        continue;
      }
      ServiceDefinition service = serviceFor(task);
      DistributionSettings settings = service.settings();
      List<String> offered = offers.usersOffered(taskId);
      if (settings.distributionType() != DistributionType.Broadcast || offered.size() >= settings.broadcastSize()
          || offered.stream().anyMatch(agent.upn()::equalsIgnoreCase)) {
        continue;
      }
      OffsetDateTime queuedAt = task.enqueuedAt() == null ? task.createdAt() : task.enqueuedAt();
      if (!hasSkillsFor(agent, settings, queuedAt, now)) {
        continue;
      }
      boolean preferred = task.preferenceOf(agent.upn()) != Integer.MAX_VALUE;
      // the window as on enqueue: open for its time while a preferred user could take the task soon
      boolean windowOpen = windowEnd(task, service, queuedAt, now) != null;
      if (windowOpen && !preferred) {
        continue;
      }
      Optional<Agent> locked = agents.lock(agent.upn());
      if (locked.isEmpty() || !locked.get().hasFreeCapacity() || !settings.acceptsPresence(locked.get().routingPresence())) {
        return false;
      }
      offers.insert(taskId, agent.upn(), offers.roundStartedAt(taskId), true, offers.roundDueAt(taskId));
      agents.taskTaken(agent.upn());
      services.offered(service.upn(), agent.upn(), now);
      var decision =
          new Eligibility.Decision(
              List.of(new Eligibility.Candidate(agent.upn(), Verdict.chosen, preferred ? task.preferenceOf(agent.upn()) : null)),
              List.of(agent.upn()), Offer.RULE_BROADCAST_JOINED, settings.levelNumberAfter(Math.max(0, Duration.between(queuedAt, now).getSeconds())), windowOpen);
      trace.record(taskId, now, "agentFreed", decision);
      events.record(taskId, TaskEventType.Offered, TaskEvent.SYSTEM, Map.of("userUpn", agent.upn(), "rule", Offer.RULE_BROADCAST_JOINED));
      return true;
    }
    return false;
  }

  /**
   * The highest-ordered queued task, over all the agent's services, that the agent may take now
   * (skills of the task's current level included), leaving aside tasks that go to a preferred user
   * who ranks above the agent.
   */
  private Optional<QueueStore.Entry> bestTaskFor(Agent agent, OffsetDateTime at, Map<String, ServiceDefinition> seen) {
    return Optional.ofNullable(nextPick(agent, at, seen, null, false)).filter(p -> !p.leftForPreferredUser()).map(Pick::entry);
  }

  /**
   * What the agent's walk through their queued tasks (queue order, skills of the task's current level
   * checked) stops at: the first task they may take, or, when {@code serveFirst} is given, a task ahead
   * of it that is left for a better preferred user and not in {@code serveFirst}. Null when nothing.
   */
  private record Pick(QueueStore.Entry entry, boolean leftForPreferredUser) {}

  private Pick nextPick(Agent agent, OffsetDateTime at, Map<String, ServiceDefinition> seen, Set<String> serveFirst, boolean nested) {
    OffsetDateTime now = at == null ? now() : at;
    for (QueueStore.Entry candidate : queue.nextFor(agent.upn(), agent.routingPresence(), now, refusedAfter(), null, 50)) {
      ServiceDefinition service = seen.computeIfAbsent(candidate.serviceUpn(), s -> services.find(s).orElseThrow());
      if (!hasSkillsFor(agent, service.settings(), candidate.enqueuedAt(), now)) {
        continue;
      }
      if (leftForAPreferredUser(candidate, service, agent.upn(), now, seen, nested)) {
        if (serveFirst != null && !serveFirst.contains(candidate.taskId())) {
          return new Pick(candidate, true);
        }
        continue;
      }
      return new Pick(candidate, false);
    }
    return null;
  }

  /**
   * Preferred users come first: a task one of whose preferred users could take it now, who ranks above
   * this agent and for whom it is the best task waiting, is left for them (served to them first).
   */
  private boolean leftForAPreferredUser(
      QueueStore.Entry candidate, ServiceDefinition service, String userUpn, OffsetDateTime now, Map<String, ServiceDefinition> seen,
      boolean nested) {
    ExternalTask task = tasks.find(candidate.taskId()).orElse(null);
    if (task == null || task.preferredUsers().isEmpty()) {
      return false;
    }
    Eligibility.Decision decision = decide(task, candidate, service);
    if (!decision.found() || decision.chosen().stream().anyMatch(userUpn::equalsIgnoreCase) || !Offer.RULE_PREFERRED.equals(decision.rule())) {
      return false;
    }
    if (nested) {
      return true;
    }
    // only while it is that user's best task: one with a better task waiting goes for that one, and
    // this task is not held back for them (one level deep: their own walk does not ask again)
    Agent preferred = agents.find(decision.chosen().get(0)).orElse(null);
    Pick theirs = preferred == null ? null : nextPick(preferred, now, seen, null, true);
    return theirs != null && !theirs.leftForPreferredUser() && theirs.entry().taskId().equals(candidate.taskId());
  }

  /** Whether any member of the service could take a task now, as far as duty, presence and capacity go. */
  public boolean anyFree(String serviceUpn) {
    return agents.anyFree(serviceUpn);
  }

  /**
   * Matches a whole service: every free member gets the best tasks it may take, one offer per
   * transaction. Returns how many offers were made.
   */
  public int matchService(String serviceUpn, String trigger) {
    return matchServices(List.of(serviceUpn), Map.of(), trigger);
  }

  /**
   * Matches several services at once: the heads of their queues are offered in one queue order
   * (effective priority, age, creation), so a task of one service never takes an agent past a
   * higher-ordered task of another of these services that the agent may take. Each offer is a
   * transaction of its own.
   *
   * @param triggers the trigger of tasks a change asked to match by name; the others get {@code trigger}
   */
  private int matchServices(Collection<String> serviceUpns, Map<String, String> triggers, String trigger) {
    int made = 0;
    boolean progress = true;
    while (progress && anyFree(serviceUpns)) {
      progress = false;
      var heads = new ArrayList<QueueStore.Entry>();
      serviceUpns.forEach(s -> heads.addAll(queue.headEntries(s, 200)));
      heads.sort(QueueStore.ORDER);
      for (QueueStore.Entry head : heads) {
        Boolean offered = matchInOwnTransaction("task " + head.taskId(),
            () -> offerTask(head.taskId(), triggers.getOrDefault(head.taskId(), trigger)).isPresent());
        if (Boolean.TRUE.equals(offered)) {
          made++;
          progress = true;
        }
        if (!anyFree(serviceUpns)) {
          break;
        }
      }
    }
    return made;
  }

  private boolean anyFree(Collection<String> serviceUpns) {
    return serviceUpns.stream().anyMatch(agents::anyFree);
  }

  /** Aging and preferred-user windows: raises long-waiting tasks, opens windows nobody can use. */
  public int refreshQueue(String serviceUpn) {
    ServiceDefinition service = services.find(serviceUpn).orElseThrow();
    OffsetDateTime now = now();
    int changed = queue.widenWindows(serviceUpn, now, now.minus(properties.refusalCooldown()));
    int step = service.settings().agingStepSeconds();
    if (step > 0) {
      int low = DistributionPriority.Low.rank();
      int normal = DistributionPriority.Normal.rank();
      int high = DistributionPriority.High.rank();
      // a Low task is Normal after one step and High after two; a Normal task is High after one
      changed += queue.raise(serviceUpn, normal, high, now.minusSeconds(step));
      changed += queue.raise(serviceUpn, low, high, now.minusSeconds(2L * step));
      changed += queue.raise(serviceUpn, low, normal, now.minusSeconds(step));
    }
    return changed;
  }

  /** The task leaves its queue (it ended). */
  public void dequeue(String taskId) {
    queue.remove(taskId);
  }

  /** The task's own distribution type and offer timeout, as its workflow chose them; null keeps the service's. */
  public void setTaskRouting(String taskId, DistributionType distributionType, Integer offerTimeoutSeconds) {
    overrides.set(taskId, distributionType, offerTimeoutSeconds);
  }

  /** The task's own distribution choices end (it moved to another service). */
  public void clearTaskRouting(String taskId) {
    overrides.clear(taskId);
  }

  /**
   * Ends one agent's offer of the task; the agent's slot is free again. A refusal (decline, no answer)
   * keeps the task from that agent for the refusal cooldown, and with persistent RONA flags the agent
   * in that service until the reset. The caller holds the task's row lock.
   */
  public void endOffer(ExternalTask task, String userUpn, boolean refused) {
    released(userUpn);
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
  public void offerAccepted(String taskId) {
    offers.removeAll(taskId);
  }

  /** A task left the agent (its offer ended, or it was cancelled): one slot is free again, matched after commit. */
  public void released(String userUpn) {
    agents.taskReleased(userUpn, now());
    agentFreed(userUpn);
  }

  /** The agent is done with a task: released, and counted for "least busy". */
  public void handled(String userUpn) {
    agents.taskReleased(userUpn, now());
    agents.handled(userUpn);
    agentFreed(userUpn);
  }

  /** A repair counted the agent's offers and tasks anew: their load is set to that, and matched after commit when it went down. */
  public void loadRecounted(String userUpn, int stored, int actual) {
    agents.setActiveTasks(userUpn, actual);
    if (actual < stored) {
      agentFreed(userUpn);
    }
  }

  /** After-work starts for the agent's task, until {@code dueAt} (a due time that {@code DistributionTimers} acts on). */
  public void startAfterWork(String taskId, String userUpn, OffsetDateTime dueAt) {
    afterWork.start(taskId, userUpn, dueAt);
  }

  /** The task's after-work now ends at {@code dueAt}. */
  public void extendAfterWork(String taskId, OffsetDateTime dueAt) {
    afterWork.reschedule(taskId, dueAt);
  }

  /** The task's after-work ends (or its due time goes, when the task left after-work otherwise). */
  public void endAfterWork(String taskId) {
    afterWork.end(taskId);
  }

  /**
   * Makes the offer: out of the queue, into the agents' load, the event, and its due time (the offer
   * timeout; a Broadcast round ends after the same time, without RONA for anyone).
   */
  private Offer offer(ExternalTask task, ServiceDefinition service, List<String> userUpns, String rule) {
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

  private OffsetDateTime refusedAfter() {
    return now().minus(properties.refusalCooldown());
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock);
  }

  private Pending pending() {
    var work = (Pending) TransactionSynchronizationManager.getResource(PENDING);
    if (work == null) {
      if (!TransactionSynchronizationManager.isSynchronizationActive()) {
        throw new IllegalStateException("distribution runs inside a transaction");
      }
      var fresh = new Pending();
      TransactionSynchronizationManager.bindResource(PENDING, fresh);
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              TransactionSynchronizationManager.unbindResourceIfPossible(PENDING);
              if (status == STATUS_COMMITTED && !fresh.isEmpty()) {
                runPending(fresh);
              }
            }
          });
      work = fresh;
    }
    return work;
  }
}
