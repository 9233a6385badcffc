package dev.cumulus.routing;

import dev.cumulus.directory.Agent;
import dev.cumulus.directory.AgentStore;
import dev.cumulus.directory.DistributionSettings;
import dev.cumulus.directory.DistributionType;
import dev.cumulus.directory.Member;
import dev.cumulus.directory.Presence;
import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * The matcher: who gets a queued task now, or which task a freed agent gets ({@link Eligibility} holds
 * the rules), one offer per call, in the caller's transaction. It reads without locks, then locks the
 * task's row and after it the chosen agents' rows (in UPN order), re-checks them under the locks, and
 * has {@link OfferWriter} write the offer. Which transactions it runs in is {@link AfterCommitMatching}'s.
 */
@Component
class Matcher {

  private final TaskStore tasks;
  private final AgentStore agents;
  private final ServiceStore services;
  private final QueueStore queue;
  private final OfferStore offers;
  private final RoutingTrace trace;
  private final TaskRoutingOverrides overrides;
  private final QueueKeeper keeper;
  private final OfferWriter writer;
  private final DistributionProperties properties;
  private final Clock clock;

  Matcher(
      TaskStore tasks,
      AgentStore agents,
      ServiceStore services,
      QueueStore queue,
      OfferStore offers,
      RoutingTrace trace,
      TaskRoutingOverrides overrides,
      QueueKeeper keeper,
      OfferWriter writer,
      DistributionProperties properties,
      Clock clock) {
    this.tasks = tasks;
    this.agents = agents;
    this.services = services;
    this.queue = queue;
    this.offers = offers;
    this.trace = trace;
    this.overrides = overrides;
    this.keeper = keeper;
    this.writer = writer;
    this.properties = properties;
    this.clock = clock;
  }

  /** The task's service with the distribution type and offer timeout its workflow chose for it. */
  ServiceDefinition serviceFor(ExternalTask task) {
    return overrides.applyTo(task.id(), services.find(task.serviceUpn()).orElseThrow());
  }

  /**
   * Offers a queued task to the best agent free now (to several at once for Broadcast), in the
   * caller's transaction: the task's row is locked first, then the chosen agents' rows.
   *
   * @param trigger what caused the attempt, for the routing trace
   */
  Optional<Offer> offerTask(String taskId, String trigger) {
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
        return Optional.of(writer.offer(task, service, confirmed, decision.rule()));
      }
    }
    return Optional.empty();
  }

  /**
   * An agent picks a waiting task of a Pickup service: offered to them, for
   * the caller to connect at once. Returns null when done, or why the agent may not take it.
   */
  Verdict pickUp(ExternalTask task, ServiceDefinition service, String userUpn) {
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
    writer.offer(task, service, List.of(fresh.upn()), Offer.RULE_PICKUP);
    return null;
  }

  /** Who would get the task now, and why; writes nothing. */
  Eligibility.Decision preview(ExternalTask task, ServiceDefinition service) {
    OffsetDateTime now = now();
    // as on enqueue: the window opens only for a preferred user who could take the task soon
    OffsetDateTime window = keeper.windowEnd(task, service, now, now);
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

  /** What one step of a freed agent's matching leaves: look again (an offer made, or a race lost), or done. */
  enum Step {
    AGAIN,
    DONE
  }

  /**
   * One step of a freed agent's matching, in the caller's transaction: the best task they may take now
   * is locked, then the agent, both re-checked, and offered (or a task ahead of it to the preferred user
   * it is left for, or a Broadcast round joined).
   */
  Step offerNextToAgent(String userUpn, Map<String, ServiceDefinition> seen, Set<String> servedFirst) {
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
            List.of(userUpn), Offer.RULE_AGENT_FREED, keeper.levelOf(task.id(), service), next.preferredUntil() != null && next.preferredUntil().isAfter(now));
    trace.record(task.id(), now, "agentFreed", decision);
    writer.offer(task, service, List.of(userUpn), Offer.RULE_AGENT_FREED);
    // full now: no further transaction just to find that out
    return locked.get().activeTasks() + 1 < locked.get().capacity() ? Step.AGAIN : Step.DONE;
  }

  /**
   * The freed agent's next offer inside the transaction that freed them (which holds their row), so
   * that the change commits once with it: only the plain case, their best task being a Direct one
   * whose row is free right now ({@code SKIP LOCKED}: holding the agent, this transaction must not
   * wait for a task). Returns whether that settles the agent (offered and full now, or not free at
   * all); otherwise the after-commit matching, with its lock order and its wake-up guarantee, does it.
   */
  boolean offerNextInline(String userUpn) {
    Optional<Agent> agent = agents.find(userUpn);
    if (agent.isEmpty() || !agent.get().hasFreeCapacity() || agent.get().routingPresence() == Presence.Offline) {
      return true;
    }
    OffsetDateTime now = now();
    Map<String, ServiceDefinition> seen = new HashMap<>();
    Pick pick = nextPick(agent.get(), now, seen, Set.of(), false);
    if (pick == null || pick.leftForPreferredUser()) {
      return false;
    }
    QueueStore.Entry next = pick.entry();
    ServiceDefinition service = overrides.applyTo(next.taskId(), seen.get(next.serviceUpn()));
    if (service.settings().distributionType() != DistributionType.Direct) {
      return false;
    }
    ExternalTask task = tasks.tryLock(next.taskId()).orElse(null);
    if (task == null || task.state() != TaskState.Queued || !task.serviceUpn().equals(next.serviceUpn())) {
      return false;
    }
    Agent locked = agents.lock(userUpn).orElseThrow();
    if (!locked.hasFreeCapacity() || locked.routingPresence() == Presence.Offline) {
      return true;
    }
    var decision =
        new Eligibility.Decision(
            List.of(new Eligibility.Candidate(userUpn, Verdict.chosen, task.preferenceOf(userUpn) == Integer.MAX_VALUE ? null : task.preferenceOf(userUpn))),
            List.of(userUpn), Offer.RULE_AGENT_FREED, keeper.levelOf(task.id(), service), next.preferredUntil() != null && next.preferredUntil().isAfter(now));
    trace.record(task.id(), now, "agentFreed", decision);
    writer.offer(task, service, List.of(userUpn), Offer.RULE_AGENT_FREED);
    return locked.activeTasks() + 1 >= locked.capacity();
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
      boolean windowOpen = keeper.windowEnd(task, service, queuedAt, now) != null;
      if (windowOpen && !preferred) {
        continue;
      }
      Optional<Agent> locked = agents.lock(agent.upn());
      if (locked.isEmpty() || !locked.get().hasFreeCapacity() || !settings.acceptsPresence(locked.get().routingPresence())) {
        return false;
      }
      var decision =
          new Eligibility.Decision(
              List.of(new Eligibility.Candidate(agent.upn(), Verdict.chosen, preferred ? task.preferenceOf(agent.upn()) : null)),
              List.of(agent.upn()), Offer.RULE_BROADCAST_JOINED, settings.levelNumberAfter(Math.max(0, Duration.between(queuedAt, now).getSeconds())), windowOpen);
      writer.joinRound(taskId, service.upn(), agent.upn(), now, decision);
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

  /** Whether the agent holds the skills of the task's level now (a task waiting since {@code queuedAt}). */
  private static boolean hasSkillsFor(Agent agent, DistributionSettings settings, OffsetDateTime queuedAt, OffsetDateTime now) {
    return agent.skills().containsAll(settings.skillsRequiredAfter(Math.max(0, Duration.between(queuedAt, now).getSeconds())));
  }

  private OffsetDateTime refusedAfter() {
    return now().minus(properties.refusalCooldown());
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock);
  }
}
