package dev.cumulus.invariants;

import dev.cumulus.directory.DistributionType;
import dev.cumulus.directory.Presence;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.Outcome;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.invariants.Action.Expect;
import dev.cumulus.invariants.Db.AgentRow;
import dev.cumulus.invariants.Db.QueueRow;
import dev.cumulus.invariants.Db.TaskRow;
import dev.cumulus.invariants.Driver.Result;
import dev.cumulus.invariants.World.AgentModel;
import dev.cumulus.invariants.World.TaskModel;
import dev.cumulus.routing.Offer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The routing invariants, each a small method. Three kinds:
 *
 * <ul>
 *   <li>offer-time checks ({@link #onEvent}): run for every recorded event against the model as it
 *       stood just before that event, so an {@code Offered} event is judged by who was present, on
 *       duty, free, unflagged and without a refusal at that very moment;
 *   <li>after-step checks ({@link #afterStep}): the database after every step, read with JDBC,
 *       compared with itself (counters, offers, queue, windows), with the model, and with the
 *       workflow; and invariant 5 from scratch at the end of a stream;
 *   <li>answer checks ({@link #answer}, {@link #unchanged}): each call answers what the model
 *       expects; a refused request is a 4xx problem and changes nothing.
 * </ul>
 *
 * Add a rule by adding a method and calling it from one of the entry points. Violations are
 * collected, not thrown, so one step can report several. Each carries the name of its invariant
 * (the constants below), which {@code -Dinvariants.tolerate} accepts.
 */
final class Invariants {

  static final String ONE_OFFER = "1 one offer per task";
  static final String CAPACITY_PRESENCE = "2 capacity and presence";
  static final String QUEUE_ORDER = "3 queue order and work conservation";
  static final String PREFERRED_FIRST = "4 preferred users first";
  static final String ENDS_ONCE = "5 every task ends exactly once";
  static final String COUNTERS = "counters";
  static final String SELECTION = "selection policy";
  static final String WINDOW = "preferred-user window";
  static final String ASSIGNED = "assigned agent holds the task";
  static final String REOFFER = "3 queue order: a withdrawn offer goes back first";
  static final String BROADCAST_SWEEPS = "3 queue order: a Broadcast takes freed agents past their best task";
  static final String PREFERRED_FREED = "4 preferred users first: a freed agent takes the task from a better preferred user";
  static final String NEW_PREFERRED = "3 work conservation: new preferred users wait for the sweeper";
  static final String MODEL = "model and database agree";
  static final String WORKFLOW = "workflow mirrors the task";
  static final String ANSWER = "answers as expected";
  static final String REFUSAL_CHANGES_NOTHING = "a refused or idempotent request changes nothing";

  /** An invariant's name from its constant's name (WINDOW) or the name itself. */
  static String named(String constantOrName) {
    try {
      return (String) Invariants.class.getDeclaredField(constantOrName).get(null);
    } catch (ReflectiveOperationException | ClassCastException e) {
      return constantOrName;
    }
  }

  /** One event row of task_event. */
  record EventRow(long id, String taskId, String event, String state, OffsetDateTime at, String actor, Map<String, String> detail) {
    String detail(String key) {
      return detail.get(key);
    }
  }

  record Violation(String invariant, String message) {
    @Override
    public String toString() {
      return "[" + invariant + "] " + message;
    }
  }

  private final Duration refusalCooldown;
  private final Db db;
  final List<Violation> found = new ArrayList<>();
  private World w;

  Invariants(Duration refusalCooldown, Db db) {
    this.refusalCooldown = refusalCooldown;
    this.db = db;
  }

  private void fail(String invariant, String format, Object... args) {
    found.add(new Violation(invariant, String.format(format, args)));
  }

  private String n(String upnOrId) {
    return w.nameOf(upnOrId);
  }

  // =================================================================== answers

  /** The call answered what the model expected; a refusal is a 4xx problem. */
  void answer(World world, Action action, Expect expected, Result result) {
    this.w = world;
    if (result instanceof Result.Crashed c) {
      fail(ANSWER, "%s failed with %s (the API would answer 500)", action.describe(w), c.error());
      return;
    }
    if (result instanceof Result.Refused r && (r.status() < 400 || r.status() > 499)) {
      fail(ANSWER, "%s was refused with %d, not a 4xx", action.describe(w), r.status());
    }
    if (result instanceof Result.Ok ok && ok.problem() != null) {
      fail(ok.problem().startsWith("no ") ? WORKFLOW : ENDS_ONCE, "%s: %s", action.describe(w), ok.problem());
    }
    switch (expected.kind()) {
      case CHANGE, NOOP -> {
        if (!(result instanceof Result.Ok)) {
          fail(ANSWER, "%s: expected %s, got %s", action.describe(w), expected, result);
        }
      }
      case REFUSED -> {
        if (!(result instanceof Result.Refused r) || r.status() != expected.status()) {
          fail(ANSWER, "%s: expected %s, got %s", action.describe(w), expected, result);
        }
      }
      case SKIP -> {}
    }
  }

  /** A refused request (or one that must do nothing) left the stream's rows and workflows as they were. */
  void unchanged(World world, Action action, String before, String after) {
    this.w = world;
    if (!before.equals(after)) {
      fail(REFUSAL_CHANGES_NOTHING, "%s changed the database:%n%s", action.describe(w), firstDifference(before, after));
    }
  }

  private static String firstDifference(String before, String after) {
    String[] a = before.split("\n");
    String[] b = after.split("\n");
    var sb = new StringBuilder();
    for (int i = 0; i < Math.max(a.length, b.length) && sb.length() < 2000; i++) {
      String x = i < a.length ? a[i] : "(none)";
      String y = i < b.length ? b[i] : "(none)";
      if (!x.equals(y)) {
        sb.append("    before: ").append(x).append("\n    after:  ").append(y).append('\n');
      }
    }
    return sb.toString();
  }

  // =================================================================== offer-time checks

  /** Checks one recorded event against the model as it stood just before, then applies it. */
  void onEvent(World world, EventRow e) {
    this.w = world;
    TaskModel t = w.task(e.taskId());
    if (t == null) {
      fail(ENDS_ONCE, "event #%d %s for task %s, which this stream never created (a duplicate?)", e.id(), e.event(), e.taskId());
      w.lastEventId = e.id();
      return;
    }
    if (!followsTheLifecycle(t, e)) {
      w.lastEventId = e.id();
      return;
    }
    if (e.event().equals("Offered")) {
      offerChecks(t, e);
    }
    w.apply(e);
    eventRecordsTheNewState(t, e);
  }

  private static final Set<String> KNOWN_EVENTS =
      Set.of("Created", "Queued", "Offered", "Accepted", "Declined", "Rona", "Transferred", "PriorityChanged", "Updated", "AfterWorkStarted",
          "AfterWorkExtended", "Completed", "Cancelled", "Expired");

  /** Each event may only follow the states the task's life allows, by the agents who hold it; nothing follows its end. */
  private boolean followsTheLifecycle(TaskModel t, EventRow e) {
    if (t.state.isTerminal()) {
      fail(ENDS_ONCE, "%s: event #%d %s after the task already ended as %s", t.label, e.id(), e.event(), t.state);
      return false;
    }
    if (!KNOWN_EVENTS.contains(e.event())) {
      fail(MODEL, "%s: unexpected event #%d %s %s (nothing in the stream should cause it)", t.label, e.id(), e.event(), e.detail());
      return false;
    }
    Set<TaskState> allowed =
        switch (e.event()) {
          case "Created" -> t.createdEvents == 0 ? Set.of(TaskState.InWorkflow) : Set.of();
          case "Queued" -> Set.of(TaskState.InWorkflow);
          case "Offered" -> Offer.RULE_BROADCAST_JOINED.equals(e.detail("rule")) ? Set.of(TaskState.Offered) : Set.of(TaskState.Queued);
          case "Accepted", "Declined", "Rona" -> Set.of(TaskState.Offered);
          case "Transferred", "Expired" -> Set.of(TaskState.InWorkflow, TaskState.Queued, TaskState.Offered);
          case "AfterWorkStarted" -> Set.of(TaskState.Connected);
          case "AfterWorkExtended" -> Set.of(TaskState.AfterWork);
          case "Completed" -> Set.of(TaskState.Connected, TaskState.AfterWork);
          default -> TaskState.OPEN; // Cancelled, PriorityChanged, Updated
        };
    String rule = e.event().equals("Offered") ? ONE_OFFER : ENDS_ONCE;
    if (!allowed.contains(t.state)) {
      fail(rule, "%s: event #%d %s while the task was %s (allowed from %s)", t.label, e.id(), e.event(), t.state, allowed);
      return e.event().equals("Offered"); // an Offered event is checked further and applied, to judge what follows
    }
    switch (e.event()) {
      case "Accepted", "Declined" -> {
        if (!t.offeredTo.contains(e.detail("userUpn"))) {
          fail(ENDS_ONCE, "%s: %s by %s, but it is offered to %s", t.label, e.event(), n(e.detail("userUpn")), names(t.offeredTo));
        }
      }
      case "Rona" -> {
        if (!new TreeSet<>(World.users(e)).equals(new TreeSet<>(t.offeredTo))) {
          fail(ENDS_ONCE, "%s: RONA for %s, but it is offered to %s", t.label, n(e.detail("userUpn")), names(t.offeredTo));
        }
        missedOfferSetsTheAgentAway(t, e);
      }
      case "Completed" -> {
        if (!Objects.equals(e.detail("userUpn"), t.agent)) {
          fail(ENDS_ONCE, "%s: completed by %s, but %s is on it", t.label, n(e.detail("userUpn")), n(t.agent));
        }
      }
      default -> {}
    }
    return true;
  }

  /**
   * docs/distribution.md: a missed Direct offer sets the agent Away (reason missedOffer) where the service says so,
   * unless they are Offline or already Away for a missed offer; a Broadcast round's end never does.
   */
  private void missedOfferSetsTheAgentAway(TaskModel t, EventRow e) {
    AgentModel a = "true".equals(e.detail("broadcast")) ? null : w.agent(e.detail("userUpn"));
    boolean expected = a != null && w.service(t.service).settings.awayOnMissedOffer() && a.presence != Presence.Offline && !a.awayForMissedOffer;
    boolean recorded = "missedOffer".equals(e.detail("presenceReason")) && "Away".equals(e.detail("presence"));
    if (expected != recorded) {
      fail(CAPACITY_PRESENCE, "%s: RONA of %s %s the agent Away (event detail %s), the rule in docs/distribution.md says it %s", t.label, n(e.detail("userUpn")),
          recorded ? "set" : "did not set", e.detail(), expected ? "must" : "must not");
    }
  }

  private void eventRecordsTheNewState(TaskModel t, EventRow e) {
    if (!t.state.name().equals(e.state())) {
      fail(MODEL, "%s: event #%d %s recorded state %s, the model says %s", t.label, e.id(), e.event(), e.state(), t.state);
    }
  }

  private String names(List<String> upns) {
    return upns.stream().map(this::n).toList().toString();
  }

  private void offerChecks(TaskModel t, EventRow e) {
    String rule = e.detail("rule");
    List<String> users = World.users(e);
    World.ServiceModel service = w.service(t.service);
    offerReachesTheRightNumberOfAgents(t, service, users, rule);
    var agents = new ArrayList<AgentModel>();
    for (String upn : users) {
      AgentModel a = w.agent(upn);
      if (a == null) {
        fail(CAPACITY_PRESENCE, "%s offered to %s, who is no agent of this stream", t.label, upn);
        return;
      }
      agents.add(a);
      offeredAgentIsAMemberOnDuty(t, a);
      offeredAgentIsPresent(t, a);
      offeredAgentHasRoom(t, a);
      if (!Offer.RULE_PICKUP.equals(rule)) {
        // an agent who picks a task chooses it: refusals, RONA flags, windows and queue order do not apply
        offeredAgentIsNotRonaFlagged(t, a);
        offeredAgentHasNotRefused(t, a);
        offeredAgentIsPreferredWhileTheWindowIsOpen(t, a, rule);
        offeredTaskIsTheAgentsBest(t, a, rule);
      }
    }
    boolean joined = Offer.RULE_BROADCAST_JOINED.equals(rule);
    if (!Offer.RULE_PICKUP.equals(rule) && !Offer.RULE_AGENT_FREED.equals(rule) && !joined) {
      chosenAreTheFirstInSelectionOrder(t, service, agents, rule);
    }
    if (!Offer.RULE_PICKUP.equals(rule) && !joined) {
      preferredUsersComeFirst(t, agents, rule);
    }
  }

  /** Direct offers to one agent at a time; Broadcast to at most broadcastSize; Pickup only by picking. */
  private void offerReachesTheRightNumberOfAgents(TaskModel t, World.ServiceModel s, List<String> users, String rule) {
    DistributionType type = s.settings.type();
    boolean ok =
        switch (type) {
          case Direct -> users.size() == 1 && !Offer.RULE_BROADCAST.equals(rule) && !Offer.RULE_PICKUP.equals(rule);
          case Broadcast ->
              Offer.RULE_BROADCAST_JOINED.equals(rule)
                  // one agent joins a running round that has room, and holds no offer of it yet
                  ? users.size() == 1 && t.state == TaskState.Offered && t.offeredTo.size() < s.settings.broadcastSize()
                      && !t.offeredTo.contains(users.get(0))
                  : !users.isEmpty() && users.size() <= s.settings.broadcastSize() && Offer.RULE_BROADCAST.equals(rule);
          case Pickup -> users.size() == 1 && Offer.RULE_PICKUP.equals(rule);
        };
    if (!ok || new TreeSet<>(users).size() != users.size()) {
      fail(ONE_OFFER, "%s (%s service %s) offered to %s with rule %s", t.label, type, s.name(), names(users), rule);
    }
  }

  private void offeredAgentIsAMemberOnDuty(TaskModel t, AgentModel a) {
    if (!w.isMember(a, t.service)) {
      fail(CAPACITY_PRESENCE, "%s (in %s) offered to %s, who is no member of %s", t.label, n(t.service), a.name(), n(t.service));
    } else if (!w.isOnDuty(a, t.service)) {
      fail(CAPACITY_PRESENCE, "%s offered to %s, who is off duty in %s", t.label, a.name(), n(t.service));
    }
  }

  private void offeredAgentIsPresent(TaskModel t, AgentModel a) {
    if (!w.acceptsPresence(a, t.service)) {
      fail(CAPACITY_PRESENCE, "%s offered to %s, who was %s at that moment (%s takes %s)", t.label, a.name(), a.presence, n(t.service),
          w.service(t.service).settings.describe());
    }
  }

  private void offeredAgentHasRoom(TaskModel t, AgentModel a) {
    if (!w.hasRoom(a)) {
      fail(CAPACITY_PRESENCE, "%s offered to %s, who already held %d of %d", t.label, a.name(), a.load, a.capacity);
    }
  }

  private void offeredAgentIsNotRonaFlagged(TaskModel t, AgentModel a) {
    if (w.isRonaFlagged(a, t.service)) {
      fail(CAPACITY_PRESENCE, "%s offered to %s, who is RONA-flagged in %s", t.label, a.name(), n(t.service));
    }
  }

  private void offeredAgentHasNotRefused(TaskModel t, AgentModel a) {
    if (w.hasRefused(a, t)) {
      fail(QUEUE_ORDER, "%s offered to %s, who declined it or let it time out within the refusal cooldown", t.label, a.name());
    }
  }

  private void offeredAgentIsPreferredWhileTheWindowIsOpen(TaskModel t, AgentModel a, String rule) {
    // an agent joining a running round meets the window as it stands now (docs/distribution.md: it closes at once when
    // no preferred user could take the task soon, for example when its preferred users were removed)
    boolean keptOut = Offer.RULE_BROADCAST_JOINED.equals(rule) ? w.opensWindow(t) && t.preferenceOf(a.upn).isEmpty() : w.keptOutByWindow(a, t);
    if (keptOut) {
      fail(PREFERRED_FIRST, "%s offered to %s, who is not preferred, while its preferred-user window is open (preferred %s)", t.label, a.name(),
          t.preferred.stream().map(p -> n(p.upn()) + ":" + p.priority()).toList());
    }
  }

  /** The agent gets the highest-ordered queued task they may take (over all their services). */
  private void offeredTaskIsTheAgentsBest(TaskModel t, AgentModel a, String rule) {
    w.betterTaskFor(a, t)
        .ifPresent(
            better ->
                fail(Offer.RULE_BROADCAST.equals(rule) && a.freedThisStep ? BROADCAST_SWEEPS
                        : t.withdrawnThisStep.contains(a.upn) ? REOFFER
                        : better.preferredChangedWhileQueued && better.preferenceOf(a.upn).isPresent() ? NEW_PREFERRED : QUEUE_ORDER,
                    "%s offered %s (%s, %s, enqueued %s, rule %s%s) while %s (%s, %s, enqueued %s), ahead in queue order, waited for them",
                    a.name(), t.label, t.priority, n(t.service), t.enqueuedAt, rule,
                    t.withdrawnThisStep.contains(a.upn) ? "; its offer of this very task was withdrawn in this step" : "", better.label,
                    better.priority, n(better.service), better.enqueuedAt));
  }

  /** When one of the task's preferred users may take it, it goes to the best-priority such user (for Broadcast: among others). */
  private void preferredUsersComeFirst(TaskModel t, List<AgentModel> chosen, String rule) {
    var preferredEligible = new LinkedHashMap<String, Integer>();
    boolean freed = Offer.RULE_AGENT_FREED.equals(rule);
    for (AgentModel x : w.eligibleFor(t)) {
      // docs/distribution.md: a freed agent leaves a task to a preferred user only while it is that user's best task
      if (!(freed && w.betterTaskFor(x, t).isPresent())) {
        t.preferenceOf(x.upn).ifPresent(p -> preferredEligible.put(x.name(), p));
      }
    }
    if (preferredEligible.isEmpty()) {
      return;
    }
    int best = preferredEligible.values().stream().min(Integer::compare).orElseThrow();
    boolean served = chosen.stream().anyMatch(a -> t.preferenceOf(a.upn).map(p -> p == best).orElse(false));
    boolean direct = chosen.size() == 1;
    if (!served || direct && t.preferenceOf(chosen.get(0).upn).isEmpty()) {
      // a freed agent is served the best task it may take, without asking whether a better preferred user could take it
      fail(Offer.RULE_AGENT_FREED.equals(rule) ? PREFERRED_FREED : PREFERRED_FIRST, "%s offered to %s (rule %s) although preferred users %s could take it", t.label,
          chosen.stream().map(a -> a.name() + t.preferenceOf(a.upn).map(p -> " preferred " + p).orElse(" not preferred")).toList(), rule,
          preferredEligible);
    }
  }

  /**
   * The service's own choice (offerTask): the first eligible agent in selection order (preferred users,
   * then the policy); for Broadcast the first broadcastSize of them. The rule names how it was chosen.
   */
  private void chosenAreTheFirstInSelectionOrder(TaskModel t, World.ServiceModel s, List<AgentModel> chosen, String rule) {
    List<AgentModel> order = w.eligibleFor(t).stream().sorted(w.selectionOrder(t)).toList();
    int wanted = s.settings.type() == DistributionType.Broadcast ? s.settings.broadcastSize() : 1;
    var expected = new TreeSet<String>();
    order.stream().limit(wanted).forEach(a -> expected.add(a.name()));
    var actual = new TreeSet<String>();
    chosen.forEach(a -> actual.add(a.name()));
    if (!expected.equals(actual)) {
      fail(SELECTION, "%s offered to %s (rule %s), but by %s the first %d eligible are %s (in order %s)", t.label, actual, rule, s.settings.policy(),
          wanted, expected, order.stream().map(a -> describeCandidate(t, s, a)).toList());
      return;
    }
    String expectedRule =
        s.settings.type() == DistributionType.Broadcast
            ? Offer.RULE_BROADCAST
            : t.preferenceOf(chosen.get(0).upn).isPresent()
                ? Offer.RULE_PREFERRED
                : switch (s.settings.policy()) {
                  case LongestIdle -> Offer.RULE_LONGEST_IDLE;
                  case RoundRobin -> Offer.RULE_ROUND_ROBIN;
                  case LeastBusy -> Offer.RULE_LEAST_BUSY;
                };
    if (!expectedRule.equals(rule)) {
      fail(SELECTION, "%s offered to %s with rule %s, expected %s", t.label, actual, rule, expectedRule);
    }
  }

  private String describeCandidate(TaskModel t, World.ServiceModel s, AgentModel a) {
    return a.name() + t.preferenceOf(a.upn).map(p -> " pref " + p).orElse("") + " idle@" + a.idleTick + " lastOffer@"
        + s.members.get(a.upn).lastOfferedTick + " handled " + a.handled;
  }

  // =================================================================== after-step checks

  /** Learns what only the database knows (queue age, creation order, instance), then replays the step's events. */
  void replay(World world, Db.State s) {
    this.w = world;
    for (TaskRow row : s.tasks().values()) {
      TaskModel t = w.task(row.id());
      if (t == null) {
        continue;
      }
      if (t.enqueuedAt != null && row.enqueuedAt() != null && !t.enqueuedAt.isEqual(row.enqueuedAt())) {
        fail(QUEUE_ORDER, "%s lost its age: enqueued_at %s became %s", t.label, t.enqueuedAt, row.enqueuedAt());
      }
      if (row.enqueuedAt() != null) {
        t.enqueuedAt = row.enqueuedAt();
      }
      t.seq = row.seq();
      t.processInstanceId = row.processInstanceId();
    }
    for (EventRow e : s.newEvents()) {
      onEvent(w, e);
    }
  }

  void afterStep(World world, Db.State s, OffsetDateTime stepStart) {
    this.w = world;
    nothingUnknownNothingMissing(s);
    modelMatchesTheDatabase(s, stepStart);
    offersMatchOfferedTasks(s);
    queueHoldsExactlyTheQueuedTasks(s);
    windowsAreSetAsTheRuleSays(s, stepStart);
    windowClosesWhenNoPreferredUserCouldTakeTheTask(s, stepStart);
    nobodyOverCapacity(s);
    activeTasksCountsHeldTasks(s);
    openTasksCountsOpenTasks(s);
    noFreeAgentCouldTakeAQueuedTask(s, stepStart);
    freedAgentsGotTheirBestTask(s, stepStart);
    workflowMirrorsEachTask(s);
  }

  /** Nothing duplicated, nothing lost: the stream's services hold exactly the tasks the stream created. */
  private void nothingUnknownNothingMissing(Db.State s) {
    for (TaskRow row : s.tasks().values()) {
      if (w.task(row.id()) == null) {
        fail(ENDS_ONCE, "task %s (%s in %s) exists, but this stream never created it", row.id(), row.state(), n(row.service()));
      }
    }
    for (TaskModel t : w.tasks.values()) {
      if (!s.tasks().containsKey(t.id)) {
        fail(ENDS_ONCE, "%s is gone from the database (or left the stream's services)", t.label);
      }
    }
  }

  private void modelMatchesTheDatabase(Db.State s, OffsetDateTime stepStart) {
    var offersByTask = new HashMap<String, TreeSet<String>>();
    s.offers().forEach(o -> offersByTask.computeIfAbsent(o.taskId(), k -> new TreeSet<>()).add(o.user()));
    for (TaskModel t : w.tasks.values()) {
      TaskRow row = s.tasks().get(t.id);
      if (row == null) {
        continue;
      }
      String agent = t.state == TaskState.Connected || t.state == TaskState.AfterWork ? t.agent : null;
      String dbAgent = row.state().equals("Connected") || row.state().equals("AfterWork") ? row.assigned() : null;
      if (!row.state().equals(t.state.name()) || !row.service().equals(t.service) || !row.priority().equals(t.priority.name())
          || !Objects.equals(dbAgent, agent) || !Objects.equals(row.outcome(), t.outcome == null ? null : t.outcome.name())) {
        fail(MODEL, "%s: database %s/%s/%s agent=%s outcome=%s, model (from the events) %s/%s/%s agent=%s outcome=%s", t.label, row.state(),
            n(row.service()), row.priority(), n(dbAgent), row.outcome(), t.state, n(t.service), t.priority, n(agent), t.outcome);
      }
      var offered = offersByTask.getOrDefault(t.id, new TreeSet<>());
      if (!offered.equals(new TreeSet<>(t.offeredTo))) {
        fail(MODEL, "%s: offers to %s in the database, to %s from the events", t.label, names(new ArrayList<>(offered)), names(t.offeredTo));
      }
      var preferred = new TreeSet<>(row.preferred().stream().map(p -> p.upn() + ":" + p.priority()).toList());
      var expected = new TreeSet<>(t.preferred.stream().map(p -> p.upn() + ":" + p.priority()).toList());
      if (!preferred.equals(expected)) {
        fail(MODEL, "%s: preferred users %s in the database, %s set by the test", t.label, preferred, expected);
      }
      if (t.state.isTerminal() && (row.terminatedAt() == null || row.assigned() != null)) {
        fail(ENDS_ONCE, "%s is %s but terminated_at=%s assigned=%s", t.label, t.state, row.terminatedAt(), n(row.assigned()));
      }
    }
    for (AgentModel a : w.agents) {
      AgentRow row = s.agents().get(a.upn);
      if (row == null) {
        fail(MODEL, "agent %s is missing", a.name());
        continue;
      }
      if (!row.presence().equals(a.presence.name()) || (row.presenceReason() != null) != a.awayForMissedOffer
          || row.activeTasks() != a.load || row.capacity() != a.capacity
          || row.handledToday() != null && row.handledToday() != a.handled) {
        fail(MODEL, "%s: database %s (reason %s) active=%d capacity=%d handled today=%s, model %s%s load=%d capacity=%d handled=%d", a.name(),
            row.presence(), row.presenceReason(), row.activeTasks(), row.capacity(), row.handledToday(), a.presence,
            a.awayForMissedOffer ? " (missedOffer)" : "", a.load, a.capacity, a.handled);
      }
    }
    for (World.ServiceModel sm : w.services) {
      var members = new TreeMap<String, String>();
      s.members().stream()
          .filter(m -> m.service().equals(sm.upn))
          .forEach(m -> members.put(n(m.user()), (m.onDuty() ? "on" : "off") + (m.ronaUntil() != null && m.ronaUntil().isAfter(stepStart) ? "+flag" : "")));
      var modelled = new TreeMap<String, String>();
      sm.members.forEach((u, m) -> modelled.put(n(u), (m.onDuty ? "on" : "off") + (m.ronaFlagged ? "+flag" : "")));
      if (!members.equals(modelled)) {
        fail(MODEL, "%s: members (duty, RONA flag) %s in the database, %s in the model", sm.name(), members, modelled);
      }
      Db.ServiceRow row = s.services().get(sm.upn);
      if (row != null && row.openTasks() != sm.openTasks) {
        fail(COUNTERS, "%s: open_tasks is %d, the events say %d", sm.name(), row.openTasks(), sm.openTasks);
      }
    }
    var refusals = new TreeSet<String>();
    s.refusals().forEach(r -> refusals.add(n(r.taskId()) + " by " + n(r.user())));
    var modelRefusals = new TreeSet<String>();
    w.tasks.values().forEach(t -> t.refusedBy.forEach(u -> modelRefusals.add(t.label + " by " + n(u))));
    if (!refusals.equals(modelRefusals)) {
      fail(MODEL, "refusals %s in the database, %s from the events (Declined, Rona)", refusals, modelRefusals);
    }
  }

  /**
   * Offer rows belong to Offered tasks only: exactly one for Direct distribution, at most
   * broadcastSize for Broadcast; the task's assigned agent is one of them.
   */
  private void offersMatchOfferedTasks(Db.State s) {
    var byTask = new LinkedHashMap<String, List<String>>();
    s.offers().forEach(o -> byTask.computeIfAbsent(o.taskId(), k -> new ArrayList<>()).add(o.user()));
    byTask.forEach(
        (taskId, users) -> {
          TaskRow row = s.tasks().get(taskId);
          if (row == null) {
            fail(ONE_OFFER, "offer rows %s for task %s outside the stream", names(users), taskId);
            return;
          }
          Db.ServiceRow service = s.services().get(row.service());
          int most = service != null && service.distributionType().equals("Broadcast") ? service.broadcastSize() : 1;
          if (users.size() > most) {
            fail(ONE_OFFER, "%s (%s) is offered to %d agents at once: %s", n(taskId), service == null ? "?" : service.distributionType(), users.size(),
                names(users));
          }
          if (!row.state().equals("Offered")) {
            fail(ONE_OFFER, "%s has offers to %s but is %s", n(taskId), names(users), row.state());
          } else if (!users.contains(row.assigned())) {
            fail(ASSIGNED, "%s is Offered with assigned_user_upn %s, who holds no offer for it (offers: %s)", n(taskId), n(row.assigned()),
                names(users));
          }
        });
    s.tasks().values().stream()
        .filter(row -> row.state().equals("Offered") && !byTask.containsKey(row.id()))
        .forEach(row -> fail(ONE_OFFER, "%s is Offered (to %s) without an offer row", n(row.id()), n(row.assigned())));
  }

  private void queueHoldsExactlyTheQueuedTasks(Db.State s) {
    for (TaskRow row : s.tasks().values()) {
      QueueRow q = s.queue().get(row.id());
      boolean queued = row.state().equals("Queued");
      if (queued && q == null) {
        fail(QUEUE_ORDER, "%s is Queued but not in any queue (lost)", n(row.id()));
      } else if (!queued && q != null) {
        fail(QUEUE_ORDER, "%s is %s but still in the queue of %s", n(row.id()), row.state(), n(q.service()));
      } else if (q != null) {
        int rank = DistributionPriority.valueOf(row.priority()).rank();
        if (!q.service().equals(row.service()) || q.priority() != rank || q.seq() != row.seq() || !q.enqueuedAt().isEqual(row.enqueuedAt())) {
          fail(QUEUE_ORDER, "%s: queue entry (%s, priority %d, %s, seq %d) does not match the task (%s, %s, %s, seq %d)", n(row.id()),
              n(q.service()), q.priority(), q.enqueuedAt(), q.seq(), n(row.service()), row.priority(), row.enqueuedAt(), row.seq());
        }
      }
    }
    s.queue().values().stream()
        .filter(q -> !s.tasks().containsKey(q.taskId()))
        .forEach(q -> fail(QUEUE_ORDER, "queue entry %s in %s for a task outside the stream", q.taskId(), n(q.service())));
  }

  /** A queued task's window is open exactly when, at its (re-)queueing, a preferred user could take it soon. */
  private void windowsAreSetAsTheRuleSays(Db.State s, OffsetDateTime stepStart) {
    for (QueueRow q : s.queue().values()) {
      TaskModel t = w.task(q.taskId());
      if (t == null || t.state != TaskState.Queued) {
        continue;
      }
      boolean open = q.preferredUntil() != null && q.preferredUntil().isAfter(stepStart);
      if (open != t.window) {
        fail(WINDOW, "%s: preferred-user window %s in the database (preferred_until %s), %s by the rule when it was queued (preferred %s)", t.label,
            open ? "open" : "closed", q.preferredUntil(), t.window ? "open" : "closed", t.preferred.stream().map(p -> n(p.upn())).toList());
      }
    }
  }

  /** docs/distribution.md: the window "closes at once when no preferred user could take the task soon" (a member on duty, not Offline, who has not refused it). */
  private void windowClosesWhenNoPreferredUserCouldTakeTheTask(Db.State s, OffsetDateTime stepStart) {
    for (QueueRow q : s.queue().values()) {
      TaskModel t = w.task(q.taskId());
      if (t == null || q.preferredUntil() == null || !q.preferredUntil().isAfter(stepStart)
          || w.service(t.service).settings.type() == DistributionType.Pickup) {
        continue; // (an agent who picks a task up is not bound by windows)
      }
      if (w.agents.stream().noneMatch(a -> w.couldSoonTake(a, t))) {
        var why = new ArrayList<String>();
        for (World.Pref p : t.preferred) {
          AgentModel a = w.agent(p.upn());
          why.add(n(p.upn()) + ": " + (a == null ? "unknown" : !w.isMember(a, t.service) ? "no member" : !w.isOnDuty(a, t.service) ? "off duty"
              : !w.isThere(a) ? a.presence + (a.awayForMissedOffer ? " (missed offer)" : "") : w.hasRefused(a, t) ? "refused it" : "?"));
        }
        fail(WINDOW, "%s waits in %s with its preferred-user window open until %s, though no preferred user could take it soon (%s)", t.label,
            n(t.service), q.preferredUntil(), why);
      }
    }
  }

  private void nobodyOverCapacity(Db.State s) {
    for (AgentRow a : s.agents().values()) {
      long held = heldBy(s, a.upn());
      if (a.activeTasks() > a.capacity() || held > a.capacity()) {
        fail(CAPACITY_PRESENCE, "%s holds %d tasks (active_tasks %d) with capacity %d", n(a.upn()), held, a.activeTasks(), a.capacity());
      }
    }
  }

  private void activeTasksCountsHeldTasks(Db.State s) {
    for (AgentRow a : s.agents().values()) {
      long held = heldBy(s, a.upn());
      if (held != a.activeTasks()) {
        fail(COUNTERS, "%s: active_tasks is %d but they hold %d (offers, Connected, AfterWork)", n(a.upn()), a.activeTasks(), held);
      }
    }
  }

  /** Offers to the agent plus the tasks they are connected to or in after-work on. */
  private static long heldBy(Db.State s, String upn) {
    long offers = s.offers().stream().filter(o -> o.user().equals(upn)).count();
    long handling =
        s.tasks().values().stream().filter(t -> upn.equals(t.assigned()) && (t.state().equals("Connected") || t.state().equals("AfterWork"))).count();
    return offers + handling;
  }

  private void openTasksCountsOpenTasks(Db.State s) {
    for (Db.ServiceRow sr : s.services().values()) {
      long open = s.tasks().values().stream().filter(t -> t.service().equals(sr.upn()) && !TaskState.valueOf(t.state()).isTerminal()).count();
      if (open != sr.openTasks()) {
        fail(COUNTERS, "%s: open_tasks is %d but it has %d non-terminal tasks", n(sr.upn()), sr.openTasks(), open);
      }
    }
  }

  /**
   * Work conservation, from the database alone: no agent with room, present for the service, could
   * take a queued task of a Direct or Broadcast service they are on duty in.
   */
  private void noFreeAgentCouldTakeAQueuedTask(Db.State s, OffsetDateTime stepStart) {
    for (AgentRow a : s.agents().values()) {
      if (a.activeTasks() >= a.capacity()) {
        continue;
      }
      s.queue().values().stream()
          .filter(q -> mayTakeFromDatabase(s, a.upn(), q, stepStart))
          .min(Comparator.comparingInt((QueueRow q) -> -q.priority()).thenComparing(QueueRow::enqueuedAt).thenComparingLong(QueueRow::seq))
          .ifPresent(
              q -> {
                TaskModel t = w.task(q.taskId());
                boolean newlyPreferred = t != null && t.preferredChangedWhileQueued && t.preferenceOf(a.upn()).isPresent();
                fail(newlyPreferred ? NEW_PREFERRED : QUEUE_ORDER, "%s is %s with %d of %d tasks, yet %s waits in %s, which they may take%s", n(a.upn()),
                    a.presence(), a.activeTasks(), a.capacity(), n(q.taskId()), n(q.service()),
                    newlyPreferred ? " (they became a preferred user while it waited in its window)" : "");
              });
    }
  }

  /**
   * After a {@code nextForFreedAgent} offer, no task ahead of the offered one that the agent may take
   * is still queued.
   */
  private void freedAgentsGotTheirBestTask(Db.State s, OffsetDateTime stepStart) {
    for (EventRow e : s.newEvents()) {
      if (!e.event().equals("Offered") || !Offer.RULE_AGENT_FREED.equals(e.detail("rule"))) {
        continue;
      }
      TaskRow offered = s.tasks().get(e.taskId());
      if (offered == null || offered.enqueuedAt() == null) {
        continue;
      }
      String agent = e.detail("userUpn");
      int rank = DistributionPriority.valueOf(offered.priority()).rank();
      s.queue().values().stream()
          .filter(q -> mayTakeFromDatabase(s, agent, q, stepStart))
          .filter(
              q ->
                  q.priority() > rank
                      || q.priority() == rank
                          && (q.enqueuedAt().isBefore(offered.enqueuedAt()) || q.enqueuedAt().isEqual(offered.enqueuedAt()) && q.seq() < offered.seq()))
          .findFirst()
          .ifPresent(
              q ->
                  fail(QUEUE_ORDER, "%s was freed and offered %s (%s), but %s (priority rank %d, enqueued %s) ahead of it is still queued",
                      n(agent), n(offered.id()), offered.priority(), n(q.taskId()), q.priority(), q.enqueuedAt()));
    }
  }

  /**
   * May the agent take the queued task, judged from the database alone: the service distributes
   * (not Pickup) and accepts the agent's presence; a member on duty without a RONA flag; no refusal
   * within the cooldown; preferred while the window is open. Room is the caller's business. Refusals,
   * flags and windows are judged at the step's start, so an edge case counts as "may not".
   */
  private boolean mayTakeFromDatabase(Db.State s, String agent, QueueRow q, OffsetDateTime stepStart) {
    Db.ServiceRow service = s.services().get(q.service());
    AgentRow a = s.agents().get(agent);
    if (service == null || a == null || service.distributionType().equals("Pickup") || a.presenceReason() != null
        || !service.acceptsPresence(a.presence())) {
      return false;
    }
    boolean member =
        s.members().stream()
            .anyMatch(
                m -> m.user().equals(agent) && m.service().equals(q.service()) && m.onDuty()
                    && (m.ronaUntil() == null || !m.ronaUntil().isAfter(stepStart)));
    if (!member) {
      return false;
    }
    OffsetDateTime activeAfter = stepStart.minus(refusalCooldown);
    if (s.refusals().stream().anyMatch(r -> r.taskId().equals(q.taskId()) && r.user().equals(agent) && r.refusedAt().isAfter(activeAfter))) {
      return false;
    }
    if (q.preferredUntil() != null && q.preferredUntil().isAfter(stepStart.minusSeconds(1))) {
      TaskRow task = s.tasks().get(q.taskId());
      return task != null && task.preferred().stream().anyMatch(p -> p.upn().equalsIgnoreCase(agent));
    }
    return true;
  }

  /**
   * What each state looks like: the default workflow's lifetime timer while the instance waits with
   * the agents (nothing fires it in a stream once an agent has the task), and distribution's own due
   * times beside it. No state has a user task: the engine is not involved in distribution.
   */
  private static final Map<String, Set<String>> TIMERS =
      Map.of(
          "Queued", Set.of(Driver.EXPIRY_TIMER),
          "Offered", Set.of(Driver.EXPIRY_TIMER, Driver.OFFER_DUE),
          "Connected", Set.of(Driver.EXPIRY_TIMER),
          "AfterWork", Set.of(Driver.EXPIRY_TIMER, Driver.AFTER_WORK_DUE));

  private static final Map<String, String> USER_TASK = Map.of();

  /**
   * The process instance is where the task's state says: the right timers, the user task assigned to
   * the agent (for an offer: to one of the agents offered); ended when the task did.
   */
  private void workflowMirrorsEachTask(Db.State s) {
    var offered = new HashMap<String, List<String>>();
    s.offers().forEach(o -> offered.computeIfAbsent(o.taskId(), k -> new ArrayList<>()).add(o.user()));
    for (TaskRow row : s.tasks().values()) {
      Db.Instance instance = row.processInstanceId() == null ? null : s.instances().get(row.processInstanceId());
      TaskState state = TaskState.valueOf(row.state());
      if (state.isTerminal()) {
        if (instance != null) {
          fail(WORKFLOW, "%s is %s but its process instance still runs (timers %s, user tasks %s)", n(row.id()), state, instance.timers(),
              instance.userTasks());
        }
        continue;
      }
      if (instance == null || instance.id().endsWith("(ended!)")) {
        fail(WORKFLOW, "%s is %s but its process instance %s is gone", n(row.id()), state, row.processInstanceId());
        continue;
      }
      Set<String> timers = TIMERS.get(row.state());
      if (timers == null) {
        fail(WORKFLOW, "%s rests in state %s after a step", n(row.id()), state);
        continue;
      }
      List<String> holders = state == TaskState.Offered ? offered.getOrDefault(row.id(), List.of()) : List.of(String.valueOf(row.assigned()));
      String expectedTask = USER_TASK.get(row.state());
      boolean userTaskOk =
          expectedTask == null
              ? instance.userTasks().isEmpty()
              : instance.userTasks().size() == 1 && holders.stream().anyMatch(h -> instance.userTasks().get(0).equals(expectedTask + "@" + h));
      if (instance.timers().equals(timers) && !userTaskOk && expectedTask != null && instance.userTasks().size() == 1
          && instance.userTasks().get(0).startsWith(expectedTask + "@")) {
        fail(ASSIGNED, "%s is %s (held by %s) but its %s is assigned to %s", n(row.id()), state, names(holders), expectedTask,
            userTaskNames(instance.userTasks().get(0)));
      } else if (!instance.timers().equals(timers) || !userTaskOk) {
        fail(WORKFLOW, "%s is %s (held by %s) but its instance has timers %s and user tasks %s (expected %s and %s for one of them)", n(row.id()),
            state, names(holders), instance.timers(), instance.userTasks().stream().map(this::userTaskNames).toList(), timers,
            expectedTask == null ? "none" : expectedTask);
      }
    }
  }

  private String userTaskNames(String userTask) {
    int at = userTask.indexOf('@');
    return at < 0 ? userTask : userTask.substring(0, at + 1) + n(userTask.substring(at + 1));
  }

  // =================================================================== end of a stream

  /**
   * Invariant 5 from scratch, from the events alone: every task has one Created event first and
   * exactly one terminal event last; its state and outcome match that event; nothing is held or queued.
   */
  void everyTaskEndedExactlyOnce(World world, Db.State s) {
    this.w = world;
    var events = new LinkedHashMap<String, List<EventRow>>();
    w.tasks.keySet().forEach(id -> events.put(id, new ArrayList<>()));
    for (EventRow e : db.eventsOf(w.tasks.keySet())) {
      events.get(e.taskId()).add(e);
    }
    events.forEach(
        (id, list) -> {
          TaskRow row = s.tasks().get(id);
          String label = n(id);
          List<String> names = list.stream().map(EventRow::event).toList();
          if (list.isEmpty() || !names.get(0).equals("Created") || names.stream().filter("Created"::equals).count() != 1) {
            fail(ENDS_ONCE, "%s: events %s do not start with exactly one Created", label, names);
          }
          List<EventRow> ends = list.stream().filter(e -> Set.of("Completed", "Cancelled", "Expired").contains(e.event())).toList();
          if (ends.size() != 1) {
            fail(ENDS_ONCE, "%s ended %d times: %s", label, ends.size(), names);
            return;
          }
          EventRow end = ends.get(0);
          if (list.get(list.size() - 1) != end) {
            fail(ENDS_ONCE, "%s: events after its end: %s", label, names);
          }
          String outcome =
              switch (end.event()) {
                case "Completed" -> Outcome.Handled.name();
                case "Expired" -> Outcome.Expired.name();
                default -> end.detail("outcome");
              };
          if (row == null || !row.state().equals(end.event()) || !Objects.equals(row.outcome(), outcome) || row.assigned() != null) {
            fail(ENDS_ONCE, "%s: last event %s (outcome %s) but the task is %s", label, end.event(), outcome,
                row == null ? "missing" : row.state() + " outcome " + row.outcome() + " assigned " + n(row.assigned()));
          }
        });
    s.agents().values().stream()
        .filter(a -> a.activeTasks() != 0)
        .forEach(a -> fail(COUNTERS, "%s still counts %d active tasks after every task ended", n(a.upn()), a.activeTasks()));
    s.services().values().stream()
        .filter(sr -> sr.openTasks() != 0)
        .forEach(sr -> fail(COUNTERS, "%s still counts %d open tasks after every task ended", n(sr.upn()), sr.openTasks()));
    if (!s.queue().isEmpty() || !s.offers().isEmpty()) {
      fail(ENDS_ONCE, "after every task ended: queue %s, offers %s", s.queue().keySet().stream().map(this::n).toList(),
          s.offers().stream().map(o -> n(o.taskId()) + "->" + n(o.user())).toList());
    }
  }
}
