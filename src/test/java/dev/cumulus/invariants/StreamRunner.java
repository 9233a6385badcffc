package dev.cumulus.invariants;

import dev.cumulus.invariants.Action.Expect;
import dev.cumulus.invariants.Driver.Result;
import dev.cumulus.invariants.Invariants.Violation;
import dev.cumulus.invariants.StreamGenerator.ServiceSpec;
import dev.cumulus.invariants.StreamGenerator.WorldSpec;
import dev.cumulus.routing.Offer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Runs one stream: builds its world, does its steps one by one, checks every invariant after every
 * step, then cancels whatever is left and checks that every task ended exactly once. Stops at the
 * first step that breaks an invariant and keeps what is needed to report and replay it.
 */
final class StreamRunner {

  private final Driver driver;
  private final Db db;
  private final Duration refusalCooldown;
  private final Set<String> tolerated;

  /**
   * @param tolerated invariants whose violations are only counted (known, reported bugs): the stream
   *     goes on, and they do not fail the test
   */
  StreamRunner(Driver driver, Db db, Duration refusalCooldown, Set<String> tolerated) {
    this.driver = driver;
    this.db = db;
    this.refusalCooldown = refusalCooldown;
    this.tolerated = tolerated;
  }

  /** One step as it happened. */
  record Step(int number, String description, Expect expected, Result result) {
    @Override
    public String toString() {
      String answer =
          result instanceof Result.Ok ok ? "ok" + (ok.note().isEmpty() ? "" : " " + ok.note())
              : result instanceof Result.Refused r ? r.status() + " " + r.detail()
              : result instanceof Result.Skipped s ? "skipped: " + s.why()
              : "CRASHED " + ((Result.Crashed) result).error();
      return String.format("%3d. %-70s -> %s", number, description, answer);
    }
  }

  /** What a stream did, and the first violations, if any, with the world and the database at that moment. */
  record Run(World world, List<Action> actions, List<Step> steps, List<Violation> violations, String modelAtFailure, String databaseAtFailure,
      int offers, int joins, int refused, long actionNanos, long checkNanos, List<Violation> toleratedViolations) {

    boolean failed() {
      return !violations.isEmpty();
    }

    Set<String> invariants() {
      return violations.stream().map(Violation::invariant).collect(Collectors.toCollection(java.util.TreeSet::new));
    }
  }

  /**
   * Runs a stream. {@code next} gives the step to do (given the world and the step number), or null
   * when the stream's own steps are over; then every open task is removed.
   */
  Run run(String tag, WorldSpec spec, BiFunction<World, Integer, Action> next) {
    World w = build(tag, spec);
    var invariants = new Invariants(refusalCooldown, db);
    var actions = new ArrayList<Action>();
    var steps = new ArrayList<Step>();
    int offers = 0;
    int joins = 0;
    int refused = 0;
    var toleratedViolations = new ArrayList<Violation>();
    long actionNanos = 0;
    long checkNanos = 0;
    boolean cleaning = false;
    for (int i = 0; ; i++) {
      Action action = cleaning ? null : next.apply(w, i);
      if (action == null) {
        cleaning = true;
        action = w.tasks.values().stream().filter(t -> !t.state.isTerminal()).findFirst().map(t -> (Action) new Action.Remove(t.label, false)).orElse(null);
        if (action == null) {
          break;
        }
      }
      actions.add(action);
      Expect expected = action.expect(w);
      String description = action.describe(w);
      if (expected.kind() == Expect.Kind.SKIP) {
        steps.add(new Step(i + 1, description, expected, new Result.Skipped(expected.why())));
        continue;
      }
      long t0 = System.nanoTime();
      boolean mustNotChange = expected.kind() == Expect.Kind.NOOP || expected.kind() == Expect.Kind.REFUSED;
      String before = mustNotChange ? db.snapshot(w) : null;
      OffsetDateTime stepStart = OffsetDateTime.now(ZoneOffset.UTC);
      long t1 = System.nanoTime();
      Result result = action.run(driver, w);
      long t2 = System.nanoTime();
      steps.add(new Step(i + 1, description, expected, result));
      if (result instanceof Result.Refused) {
        refused++;
      }
      invariants.answer(w, action, expected, result);
      if (before != null && !(result instanceof Result.Skipped)) {
        invariants.unchanged(w, action, before, db.snapshot(w));
      }
      Db.State state = db.load(w);
      w.stepStarts();
      offers += (int) state.newEvents().stream().filter(e -> e.event().equals("Offered")).count();
      joins += (int) state.newEvents().stream().filter(e -> e.event().equals("Offered") && Offer.RULE_BROADCAST_JOINED.equals(e.detail("rule"))).count();
      invariants.replay(w, state);
      invariants.afterStep(w, state, stepStart);
      actionNanos += t2 - t1;
      checkNanos += (t1 - t0) + (System.nanoTime() - t2);
      moveTolerated(invariants, toleratedViolations, i + 1);
      if (!invariants.found.isEmpty()) {
        return new Run(w, actions, steps, List.copyOf(invariants.found), w.describe(), db.dumpForReport(w), offers, joins, refused, actionNanos, checkNanos,
            toleratedViolations);
      }
    }
    long t3 = System.nanoTime();
    invariants.everyTaskEndedExactlyOnce(w, db.load(w));
    checkNanos += System.nanoTime() - t3;
    moveTolerated(invariants, toleratedViolations, steps.size());
    if (!invariants.found.isEmpty()) {
      return new Run(w, actions, steps, List.copyOf(invariants.found), w.describe(), db.dumpForReport(w), offers, joins, refused, actionNanos, checkNanos,
          toleratedViolations);
    }
    return new Run(w, actions, steps, List.of(), null, null, offers, joins, refused, actionNanos, checkNanos, toleratedViolations);
  }

  private void moveTolerated(Invariants invariants, List<Violation> into, int step) {
    for (var it = invariants.found.iterator(); it.hasNext(); ) {
      Violation v = it.next();
      if (tolerated.contains(v.invariant())) {
        into.add(new Violation(v.invariant(), "step " + step + ": " + v.message()));
        it.remove();
      }
    }
  }

  /** Replays recorded actions (for shrinking); the removes at the end are added again as needed. */
  Run replay(String tag, WorldSpec spec, List<Action> actions) {
    return run(tag, spec, (w, i) -> i < actions.size() ? actions.get(i) : null);
  }

  private World build(String tag, WorldSpec spec) {
    World w = new World(tag);
    for (int i = 0; i < spec.capacities().size(); i++) {
      World.AgentModel a = w.addAgent("a" + i + "." + tag + "@inv.test", spec.capacities().get(i));
      must(driver.asAdmin(
          () -> {
            driver.users.save(a.upn, driver.request(Action.userBody(a), dev.cumulus.directory.UserAdmin.UserRequest.class));
            return Result.ok();
          }), "create agent " + a.upn);
    }
    for (int i = 0; i < spec.services().size(); i++) {
      ServiceSpec s = spec.services().get(i);
      List<String> members = s.members().stream().map(m -> w.agents.get(m).upn).toList();
      World.ServiceModel sm =
          w.addService("s" + i + "." + tag + "@inv.test", s.acwSeconds(), s.ronaTimeoutSeconds(), s.maxConcurrentTasks(), s.settings(), members);
      must(driver.asAdmin(
          () -> {
            driver.services.save(sm.upn, driver.request(Action.serviceBody(sm, members), dev.cumulus.directory.ServiceAdmin.ServiceRequest.class));
            return Result.ok();
          }), "create service " + sm.upn);
    }
    for (int i = 0; i < spec.presences().size(); i++) {
      World.AgentModel a = w.agents.get(i);
      dev.cumulus.directory.Presence p = spec.presences().get(i);
      must(driver.asAgent(
          a.upn,
          () -> {
            driver.users.setPresence(a.upn, p);
            w.presenceChanged(a, p);
            return Result.ok();
          }), "set the presence of " + a.upn);
    }
    w.lastEventId = db.maxEventId();
    return w;
  }

  private static void must(Result result, String what) {
    if (!(result instanceof Result.Ok)) {
      throw new IllegalStateException("could not " + what + ": " + result);
    }
  }

  /** The world in a line, for reports. */
  static String describe(WorldSpec spec) {
    var sb = new StringBuilder();
    for (int i = 0; i < spec.capacities().size(); i++) {
      sb.append("a").append(i).append(" capacity ").append(spec.capacities().get(i)).append(' ').append(spec.presences().get(i)).append("; ");
    }
    for (int i = 0; i < spec.services().size(); i++) {
      ServiceSpec s = spec.services().get(i);
      sb.append("s").append(i).append(" ").append(s.settings().describe()).append(" acw ").append(s.acwSeconds()).append("s max ")
          .append(s.maxConcurrentTasks()).append(" members ")
          .append(s.members().stream().map(m -> "a" + m).toList()).append("; ");
    }
    return sb.toString();
  }
}
