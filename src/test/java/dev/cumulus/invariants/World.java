package dev.cumulus.invariants;

import dev.cumulus.directory.DistributionType;
import dev.cumulus.directory.Presence;
import dev.cumulus.directory.SelectionPolicy;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.Outcome;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.routing.Offer;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The test's own model of one stream's world: agents, services with their settings and members, and
 * tasks. It is kept up to date from what the test did (presence, duty, members, preferred users, RONA
 * resets) and from the task events the system recorded, replayed one by one. Because events are
 * replayed in order, the model knows the world as it was at the moment of every {@code Offered} event
 * (who was Available and on duty, who had room, who had refused or was RONA-flagged), which the
 * offer-time invariants need.
 *
 * <p>The routing rules live in {@link #mayTake} (who may be offered what) and {@link #selectionOrder}
 * (who comes first). The model follows docs/distribution.md, "Distribution"; skills and aging are not modelled (the
 * streams configure neither).
 *
 * <p>The clock does not advance within a stream as far as the rules go: a stream lasts far less than
 * the refusal cooldown (60 s), a preferred-user window (60 s or more) or a RONA flag (600 s or more),
 * so every refusal, window and flag made in a stream stays in force in it.
 */
final class World {

  /** Stream-local names: agents a0..a5 and services s0..s2, made unique by the tag. */
  final String tag;

  final List<AgentModel> agents = new ArrayList<>();
  final List<ServiceModel> services = new ArrayList<>();
  /** Every task this stream created, in creation order. */
  final Map<String, TaskModel> tasks = new LinkedHashMap<>();

  final Map<String, TaskModel> byLabel = new HashMap<>();
  private final Map<String, AgentModel> agentsByUpn = new HashMap<>();
  private final Map<String, ServiceModel> servicesByUpn = new HashMap<>();

  /** The last task_event id already replayed into the model. */
  long lastEventId;

  /** A logical clock: releases, returns to Available and offers tick it (the lowest tick is the oldest). */
  private long tick;

  World(String tag) {
    this.tag = tag;
  }

  static final class AgentModel {
    final int index;
    final String upn;
    final int capacity;
    Presence presence = Presence.Offline;
    /** Offers + Connected + AfterWork tasks, as the model counts them. */
    int load;
    /** When the agent last became idle (a task left them, or they went Available), on the logical clock. */
    long idleTick;
    /** Tasks handled (Completed), for LeastBusy. */
    int handled;
    /** A task left the agent in the current step. */
    boolean freedThisStep;
    /** Set Away by Cumulus after a missed Direct offer: out of distribution until they set their presence. */
    boolean awayForMissedOffer;

    AgentModel(int index, String upn, int capacity) {
      this.index = index;
      this.upn = upn;
      this.capacity = capacity;
    }

    String name() {
      return "a" + index;
    }
  }

  /** A service's settings, as the stream configured it. */
  record Settings(
      DistributionType type,
      SelectionPolicy policy,
      int broadcastSize,
      int preferredWaitSeconds,
      boolean distributeWhenBusy,
      boolean distributeWhenAway,
      boolean persistentRona,
      int ronaResetSeconds,
      boolean acwAllowEarlyEnd,
      boolean acwAllowExtension,
      int acwMaxExtensionSeconds,
      boolean awayOnMissedOffer) {

    boolean acceptsPresence(Presence p) {
      return p == Presence.Available || p == Presence.Busy && distributeWhenBusy || p == Presence.Away && distributeWhenAway;
    }

    String describe() {
      return type + " " + policy + (type == DistributionType.Broadcast ? " size " + broadcastSize : "")
          + (preferredWaitSeconds > 0 ? " window " + preferredWaitSeconds + "s" : " no window") + (distributeWhenBusy ? " +Busy" : "")
          + (distributeWhenAway ? " +Away" : "") + (persistentRona ? " persistentRona" : "") + (acwAllowEarlyEnd ? "" : " noEarlyEnd")
          + (acwAllowExtension ? " acwExtension " + acwMaxExtensionSeconds + "s" : "") + (awayOnMissedOffer ? "" : " keepAfterMissedOffer");
    }
  }

  /** A member's state in one service. */
  static final class MemberModel {
    boolean onDuty = true;
    boolean ronaFlagged;
    /** The last offer from this service to the member, on the logical clock (0 = never), for RoundRobin. */
    long lastOfferedTick;
  }

  static final class ServiceModel {
    final int index;
    final String upn;
    final int acwSeconds;
    final int ronaTimeoutSeconds;
    final int maxConcurrentTasks;
    final Settings settings;
    final Map<String, MemberModel> members = new LinkedHashMap<>();
    int openTasks;

    ServiceModel(int index, String upn, int acwSeconds, int ronaTimeoutSeconds, int maxConcurrentTasks, Settings settings) {
      this.index = index;
      this.upn = upn;
      this.acwSeconds = acwSeconds;
      this.ronaTimeoutSeconds = ronaTimeoutSeconds;
      this.maxConcurrentTasks = maxConcurrentTasks;
      this.settings = settings;
    }

    String name() {
      return "s" + index;
    }

    /** The new member list: who stays keeps duty and flag, who leaves loses them, who joins is on duty. */
    void setMembers(List<String> upns) {
      members.keySet().retainAll(upns);
      upns.forEach(u -> members.computeIfAbsent(u, k -> new MemberModel()));
    }
  }

  /** A preferred user of a task: priority 1 is the most preferred. */
  record Pref(String upn, int priority) {}

  static final class TaskModel {
    final String label;
    final String id;
    String service;
    TaskState state = TaskState.InWorkflow;
    DistributionPriority priority;
    List<Pref> preferred;
    /** Offered: the agents holding an offer (one for Direct, up to broadcastSize for Broadcast). */
    final List<String> offeredTo = new ArrayList<>();
    /** Connected or AfterWork: the agent on it. */
    String agent;
    /** Agents who declined the task or let its offer time out (all within the cooldown). */
    final Set<String> refusedBy = new LinkedHashSet<>();
    /** Queued: whether its preferred-user window is open (only preferred users may take it). */
    boolean window;
    /** Read from the database when the task is first seen queued; never changes afterwards. */
    OffsetDateTime enqueuedAt;
    long seq;
    String processInstanceId;
    Outcome outcome;
    int createdEvents;
    int terminalEvents;
    boolean afterWorkExtended;
    /** Its preferred users changed while it waited in the queue (the window kept from before applies to the new ones). */
    boolean preferredChangedWhileQueued;
    /** Agents whose offer of this task ended in the current step without a refusal. */
    final Set<String> withdrawnThisStep = new LinkedHashSet<>();
    /** The idempotent create this task came from, if it had a key: replayed by {@link Action.Replay}. */
    Map<String, Object> createRequest;
    String idempotencyKey;

    TaskModel(String label, String id, String service, DistributionPriority priority, List<Pref> preferred) {
      this.label = label;
      this.id = id;
      this.service = service;
      this.priority = priority;
      this.preferred = List.copyOf(preferred);
    }

    boolean isWaiting() {
      return state == TaskState.InWorkflow || state == TaskState.Queued || state == TaskState.Offered;
    }

    /** Who holds the task: the offered agents, or the agent connected or in after-work. */
    List<String> holders() {
      return state == TaskState.Offered ? offeredTo : agent != null && state.holdsAgent() ? List.of(agent) : List.of();
    }

    /** The preference of the user (1 = most preferred), or empty when the user is not preferred. */
    Optional<Integer> preferenceOf(String upn) {
      return preferred.stream().filter(p -> p.upn().equalsIgnoreCase(upn)).map(Pref::priority).min(Integer::compare);
    }
  }

  // ------------------------------------------------------------------ building the world

  AgentModel addAgent(String upn, int capacity) {
    var agent = new AgentModel(agents.size(), upn, capacity);
    agent.idleTick = ++tick;
    agents.add(agent);
    agentsByUpn.put(upn, agent);
    return agent;
  }

  ServiceModel addService(String upn, int acwSeconds, int ronaTimeoutSeconds, int maxConcurrentTasks, Settings settings, List<String> members) {
    var service = new ServiceModel(services.size(), upn, acwSeconds, ronaTimeoutSeconds, maxConcurrentTasks, settings);
    service.setMembers(members);
    services.add(service);
    servicesByUpn.put(upn, service);
    return service;
  }

  TaskModel addTask(String label, String id, String serviceUpn, DistributionPriority priority, List<Pref> preferred) {
    var task = new TaskModel(label, id, serviceUpn, priority, preferred);
    tasks.put(id, task);
    byLabel.put(label, task);
    return task;
  }

  AgentModel agent(String upn) {
    return agentsByUpn.get(upn);
  }

  ServiceModel service(String upn) {
    return servicesByUpn.get(upn);
  }

  TaskModel task(String id) {
    return tasks.get(id);
  }

  MemberModel member(String serviceUpn, String agentUpn) {
    ServiceModel s = service(serviceUpn);
    return s == null ? null : s.members.get(agentUpn);
  }

  /** A short name for messages: a3, s1, t7 (lists of agents too). */
  String nameOf(String upnOrId) {
    if (upnOrId == null) {
      return "-";
    }
    if (upnOrId.contains(",")) {
      return String.join(",", Stream.of(upnOrId.split(",")).map(this::nameOf).toList());
    }
    if (agentsByUpn.containsKey(upnOrId)) {
      return agentsByUpn.get(upnOrId).name();
    }
    if (servicesByUpn.containsKey(upnOrId)) {
      return servicesByUpn.get(upnOrId).name();
    }
    if (tasks.containsKey(upnOrId)) {
      return tasks.get(upnOrId).label;
    }
    return upnOrId;
  }

  Stream<TaskModel> tasksIn(TaskState... states) {
    Set<TaskState> wanted = Set.of(states);
    return tasks.values().stream().filter(t -> wanted.contains(t.state));
  }

  // ------------------------------------------------------------------ changes the test makes

  void presenceChanged(AgentModel agent, Presence presence) {
    if (presence == Presence.Available && agent.presence != Presence.Available) {
      agent.idleTick = ++tick;
    }
    agent.presence = presence;
    agent.awayForMissedOffer = false;
    if (presence == Presence.Offline) {
      // going Offline resets persistent RONA flags, and ends windows that waited only for this user
      services.forEach(s -> Optional.ofNullable(s.members.get(agent.upn)).ifPresent(m -> m.ronaFlagged = false));
      preferredUserGone(agent);
    }
  }

  void dutyChanged(AgentModel agent, ServiceModel service, boolean onDuty) {
    MemberModel m = service.members.get(agent.upn);
    m.onDuty = onDuty;
    if (!onDuty) {
      m.ronaFlagged = false;
      preferredUserGone(agent);
    }
  }

  void membersChanged(ServiceModel service, List<String> upns) {
    service.setMembers(upns);
    widenWindows(service);
  }

  /** New preferred users: a queued task's window is worked out again, as on enqueue. */
  void preferredUsersChanged(TaskModel task, List<Pref> preferred) {
    task.preferred = List.copyOf(preferred);
    if (task.state == TaskState.Queued) {
      task.preferredChangedWhileQueued = true;
      task.window = opensWindow(task);
    }
  }

  /** A user went Offline or off duty: in each of their services, windows no preferred user could use end. */
  private void preferredUserGone(AgentModel agent) {
    services.stream().filter(s -> s.members.containsKey(agent.upn)).forEach(this::widenWindows);
  }

  /**
   * Cumulus's widening of windows (QueueStore.widenWindows): a window ends when none of the task's
   * preferred users is a member on duty, not Offline, who has not refused the task.
   */
  private void widenWindows(ServiceModel service) {
    for (TaskModel t : tasks.values()) {
      if (t.state == TaskState.Queued && t.window && t.service.equals(service.upn)) {
        boolean someoneCould =
            t.preferred.stream()
                .map(p -> agent(p.upn()))
                .anyMatch(a -> a != null && isOnDuty(a, t.service) && isThere(a) && !hasRefused(a, t));
        if (!someoneCould) {
          t.window = false;
        }
      }
    }
  }

  void ronaReset(AgentModel agent, ServiceModel onlyIn) {
    services.stream()
        .filter(s -> onlyIn == null || s == onlyIn)
        .forEach(s -> Optional.ofNullable(s.members.get(agent.upn)).ifPresent(m -> m.ronaFlagged = false));
  }

  // ------------------------------------------------------------------ routing rules

  /** Queue order: Strict, High, Normal, Low; then the oldest enqueued; then creation order. */
  static final Comparator<TaskModel> QUEUE_ORDER =
      Comparator.comparingInt((TaskModel t) -> -t.priority.rank())
          .thenComparing(t -> t.enqueuedAt, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparingLong(t -> t.seq);

  boolean isMember(AgentModel agent, String serviceUpn) {
    return member(serviceUpn, agent.upn) != null;
  }

  boolean isOnDuty(AgentModel agent, String serviceUpn) {
    MemberModel m = member(serviceUpn, agent.upn);
    return m != null && m.onDuty;
  }

  boolean isRonaFlagged(AgentModel agent, String serviceUpn) {
    MemberModel m = member(serviceUpn, agent.upn);
    return m != null && m.ronaFlagged;
  }

  /** Available; Busy or Away where the service opts in; never Away for a missed offer. */
  boolean acceptsPresence(AgentModel agent, String serviceUpn) {
    ServiceModel s = service(serviceUpn);
    return s != null && !agent.awayForMissedOffer && s.settings.acceptsPresence(agent.presence);
  }

  /** Not Offline, and not Away for a missed offer (docs/distribution.md: such an agent is routed as Offline). */
  boolean isThere(AgentModel agent) {
    return agent.presence != Presence.Offline && !agent.awayForMissedOffer;
  }

  boolean hasRoom(AgentModel agent) {
    return agent.load < agent.capacity;
  }

  boolean hasRefused(AgentModel agent, TaskModel task) {
    return task.refusedBy.contains(agent.upn);
  }

  boolean keptOutByWindow(AgentModel agent, TaskModel task) {
    return task.window && task.preferenceOf(agent.upn).isEmpty();
  }

  /**
   * May the agent be offered this task now (Direct and Broadcast services)? docs/distribution.md:
   * on duty, present, not RONA-flagged, no recent refusal, room, and preferred while the window is open.
   */
  boolean mayTake(AgentModel agent, TaskModel task) {
    return isMember(agent, task.service) && isOnDuty(agent, task.service) && acceptsPresence(agent, task.service)
        && !isRonaFlagged(agent, task.service) && !hasRefused(agent, task) && hasRoom(agent) && !keptOutByWindow(agent, task);
  }

  /**
   * The agents who may take the task now. For Broadcast, not those for whom a queued task ahead of it
   * waits that they may take (docs/distribution.md, "Distribution types": a round never takes an agent past their
   * best task).
   */
  List<AgentModel> eligibleFor(TaskModel task) {
    boolean broadcast = service(task.service).settings.type() == DistributionType.Broadcast;
    return agents.stream().filter(a -> mayTake(a, task) && !(broadcast && betterTaskFor(a, task).isPresent())).toList();
  }

  /** The highest-ordered queued task ahead of this one that the agent may take (Direct and Broadcast services). */
  Optional<TaskModel> betterTaskFor(AgentModel agent, TaskModel task) {
    return tasks.values().stream()
        .filter(q -> q != task && q.state == TaskState.Queued && service(q.service).settings.type() != DistributionType.Pickup && mayTake(agent, q))
        .filter(q -> QUEUE_ORDER.compare(q, task) < 0)
        .min(QUEUE_ORDER);
  }

  /** Who comes first among eligible agents: preferred users (1 first), then the service's policy, then the UPN. */
  Comparator<AgentModel> selectionOrder(TaskModel task) {
    ServiceModel s = service(task.service);
    Comparator<AgentModel> preferred = Comparator.comparingInt(a -> task.preferenceOf(a.upn).orElse(Integer.MAX_VALUE));
    Comparator<AgentModel> idle = Comparator.comparingLong(a -> a.idleTick);
    Comparator<AgentModel> policy =
        switch (s.settings.policy()) {
          case LongestIdle -> idle;
          case RoundRobin -> Comparator.<AgentModel>comparingLong(a -> s.members.get(a.upn).lastOfferedTick).thenComparing(idle);
          case LeastBusy -> Comparator.<AgentModel>comparingInt(a -> a.handled).thenComparing(idle);
        };
    return preferred.thenComparing(policy).thenComparing(a -> a.upn);
  }

  /** Could this preferred user take the task soon (docs/distribution.md: a member on duty, not Offline, who has not refused it)? */
  boolean couldSoonTake(AgentModel agent, TaskModel task) {
    return task.preferenceOf(agent.upn).isPresent() && isOnDuty(agent, task.service) && isThere(agent) && !hasRefused(agent, task);
  }

  /** Whether a task queued now opens its preferred-user window. */
  boolean opensWindow(TaskModel task) {
    ServiceModel s = service(task.service);
    return !task.preferred.isEmpty() && s.settings.preferredWaitSeconds() > 0 && agents.stream().anyMatch(a -> couldSoonTake(a, task));
  }

  // ------------------------------------------------------------------ replaying the system's events

  /** Applies one recorded event to the model. The caller checked that it was allowed. */
  void apply(Invariants.EventRow e) {
    TaskModel t = task(e.taskId());
    switch (e.event()) {
      case "Created" -> {
        t.createdEvents++;
        adjustOpen(t.service, +1);
      }
      case "Queued" -> enqueue(t);
      case "Offered" -> {
        t.state = TaskState.Offered;
        if (!Offer.RULE_BROADCAST_JOINED.equals(e.detail("rule"))) {
          // a new offer round; an agent who joins a running Broadcast round adds to it
          t.offeredTo.clear();
        }
        long offeredAt = ++tick; // one moment for everyone a Broadcast reaches
        for (String upn : users(e)) {
          t.offeredTo.add(upn);
          AgentModel a = agent(upn);
          if (a != null) {
            a.load++;
          }
          MemberModel m = member(t.service, upn);
          if (m != null) {
            m.lastOfferedTick = offeredAt;
          }
        }
      }
      case "Accepted" -> {
        String upn = e.detail("userUpn");
        for (String other : byUpn(t.offeredTo)) {
          if (!other.equals(upn)) {
            withdraw(t, other);
          }
        }
        t.offeredTo.clear();
        t.agent = upn;
        t.state = TaskState.Connected;
      }
      case "Declined" -> {
        String upn = e.detail("userUpn");
        refuse(t, upn);
        t.offeredTo.remove(upn);
        if (t.offeredTo.isEmpty()) {
          enqueue(t);
        }
      }
      case "Rona" -> {
        if ("true".equals(e.detail("broadcast"))) {
          byUpn(t.offeredTo).forEach(upn -> withdraw(t, upn));
        } else {
          t.offeredTo.forEach(upn -> refuse(t, upn));
          if (e.detail("presenceReason") != null) {
            // docs/distribution.md: the agent who missed a Direct offer is set Away (missedOffer); windows waiting only for them open
            AgentModel a = agent(e.detail("userUpn"));
            if (a != null) {
              a.presence = Presence.Away;
              a.awayForMissedOffer = true;
              preferredUserGone(a);
            }
          }
        }
        t.offeredTo.clear();
        enqueue(t);
      }
      case "Transferred" -> {
        boolean waiting = t.state == TaskState.Offered || t.state == TaskState.Queued;
        byUpn(t.offeredTo).forEach(upn -> withdraw(t, upn));
        t.offeredTo.clear();
        adjustOpen(t.service, -1);
        t.service = e.detail("to");
        adjustOpen(t.service, +1);
        if (waiting) {
          enqueue(t);
        }
      }
      case "PriorityChanged" -> t.priority = DistributionPriority.valueOf(e.detail("to"));
      case "AfterWorkStarted" -> t.state = TaskState.AfterWork;
      case "AfterWorkExtended" -> t.afterWorkExtended = true;
      case "Completed" -> {
        release(t.agent);
        AgentModel a = agent(t.agent);
        if (a != null) {
          a.handled++;
        }
        finish(t, TaskState.Completed, Outcome.Handled);
      }
      case "Cancelled" -> {
        boolean connected = t.state == TaskState.Connected || t.state == TaskState.AfterWork;
        byUpn(t.holders()).forEach(this::release);
        finish(t, TaskState.Cancelled, connected ? Outcome.Abandoned : Outcome.Cancelled);
      }
      case "Expired" -> {
        byUpn(t.offeredTo).forEach(this::release);
        finish(t, TaskState.Expired, Outcome.Expired);
      }
      default -> {
        // Updated: customer, parameters, preferred users (the action that changed them updated the model)
      }
    }
    lastEventId = Math.max(lastEventId, e.id());
  }

  /** Cumulus ends several offers in the order of the agents' UPNs (offers.usersOffered). */
  private static List<String> byUpn(List<String> upns) {
    return upns.stream().sorted().toList();
  }

  /** An offer ended without a refusal (transfer, Broadcast round end, another agent accepted): remembered for this step. */
  private void withdraw(TaskModel t, String upn) {
    release(upn);
    t.withdrawnThisStep.add(upn);
  }

  /** A new step begins: forget what was withdrawn in the last one. */
  void stepStarts() {
    tasks.values().forEach(t -> t.withdrawnThisStep.clear());
    agents.forEach(a -> a.freedThisStep = false);
  }

  static List<String> users(Invariants.EventRow e) {
    String users = e.detail("userUpn");
    return users == null ? List.of() : List.of(users.split(","));
  }

  /** Into the queue (or back): the window opens when a preferred user could take the task soon. */
  private void enqueue(TaskModel t) {
    t.state = TaskState.Queued;
    t.preferredChangedWhileQueued = false;
    t.offeredTo.clear();
    t.window = opensWindow(t);
  }

  /** A declined or missed offer: the slot back, a refusal, and a RONA flag where the service keeps them. */
  private void refuse(TaskModel t, String upn) {
    release(upn);
    t.refusedBy.add(upn);
    ServiceModel s = service(t.service);
    MemberModel m = member(t.service, upn);
    if (s != null && s.settings.persistentRona() && m != null) {
      m.ronaFlagged = true;
    }
  }

  private void release(String upn) {
    AgentModel a = agent(upn);
    if (a != null) {
      a.load--;
      a.idleTick = ++tick;
      a.freedThisStep = true;
    }
  }

  /** The task is the agent's now: offered to them, or connected to them or in their after-work. */
  boolean holds(TaskModel t, String agentUpn) {
    return t.state == TaskState.Offered ? t.offeredTo.contains(agentUpn)
        : (t.state == TaskState.Connected || t.state == TaskState.AfterWork) && agentUpn.equals(t.agent);
  }

  private void finish(TaskModel t, TaskState state, Outcome outcome) {
    adjustOpen(t.service, -1);
    t.state = state;
    t.outcome = outcome;
    t.offeredTo.clear();
    t.agent = null;
    t.window = false;
    t.terminalEvents++;
  }

  private void adjustOpen(String serviceUpn, int delta) {
    ServiceModel s = service(serviceUpn);
    if (s != null) {
      s.openTasks += delta;
    }
  }

  /** The model in a few lines, for failure reports. */
  String describe() {
    var sb = new StringBuilder();
    for (AgentModel a : agents) {
      sb.append(String.format("  %s cap=%d %s%s load=%d handled=%d idleTick=%d%n", a.name(), a.capacity, a.presence,
          a.awayForMissedOffer ? " (missedOffer)" : "", a.load, a.handled, a.idleTick));
    }
    for (ServiceModel s : services) {
      var members = new ArrayList<String>();
      s.members.forEach(
          (u, m) -> members.add(nameOf(u) + (m.onDuty ? "" : " offDuty") + (m.ronaFlagged ? " RONA-flagged" : "")
              + (m.lastOfferedTick > 0 ? " lastOffer@" + m.lastOfferedTick : "")));
      sb.append(String.format("  %s %s acw=%ds max=%d open=%d members=%s%n", s.name(), s.settings.describe(), s.acwSeconds, s.maxConcurrentTasks,
          s.openTasks, members));
    }
    for (TaskModel t : tasks.values()) {
      sb.append(String.format("  %s %s %s %s offeredTo=%s agent=%s preferred=%s%s refusedBy=%s enqueuedAt=%s seq=%d%n", t.label, nameOf(t.service),
          t.state, t.priority, t.offeredTo.stream().map(this::nameOf).toList(), nameOf(t.agent),
          t.preferred.stream().map(p -> nameOf(p.upn()) + ":" + p.priority()).toList(), t.window ? " (window open)" : "",
          t.refusedBy.stream().map(this::nameOf).toList(), t.enqueuedAt, t.seq));
    }
    return sb.toString();
  }
}
