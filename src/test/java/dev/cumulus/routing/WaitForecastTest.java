package dev.cumulus.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cumulus.routing.WaitForecast.Facts;
import dev.cumulus.routing.WaitForecast.Hold;
import dev.cumulus.routing.WaitForecast.Method;
import dev.cumulus.routing.WaitForecast.Outlook;
import dev.cumulus.routing.WaitForecast.Slot;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The wait estimate as a pure function: hand-made facts, and synthetic histories of a simulated service. */
class WaitForecastTest {

  static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

  static Instant at(double seconds) {
    return T0.plusNanos((long) (seconds * 1e9));
  }

  /** Facts with defaults: a service created an hour before T0, nothing queued, no history. */
  record FactsBuilder(
      Instant now, Instant created, Instant staffingChanged, Instant queuedSince, List<Hold> holds, List<Instant> accepts, List<Slot> slots) {

    static FactsBuilder atT(double seconds) {
      return new FactsBuilder(at(seconds), T0.minusSeconds(3600), null, null, List.of(), List.of(), List.of());
    }

    FactsBuilder created(Instant t) {
      return new FactsBuilder(now, t, staffingChanged, queuedSince, holds, accepts, slots);
    }

    FactsBuilder staffingChanged(Instant t) {
      return new FactsBuilder(now, created, t, queuedSince, holds, accepts, slots);
    }

    FactsBuilder queuedSince(Instant t) {
      return new FactsBuilder(now, created, staffingChanged, t, holds, accepts, slots);
    }

    FactsBuilder holds(List<Hold> h) {
      return new FactsBuilder(now, created, staffingChanged, queuedSince, h, accepts, slots);
    }

    FactsBuilder accepts(List<Instant> a) {
      return new FactsBuilder(now, created, staffingChanged, queuedSince, holds, a, slots);
    }

    FactsBuilder slots(Slot... s) {
      return new FactsBuilder(now, created, staffingChanged, queuedSince, holds, accepts, List.of(s));
    }

    Facts build() {
      return new Facts(now, created, staffingChanged, queuedSince, holds, true, accepts, true, slots);
    }

    Outlook outlook() {
      return WaitForecast.outlook(build());
    }
  }

  /**
   * Slots busy since the given times, each having served tasks of {@code hold} seconds back to back
   * for the ten minutes before: a consistent steady history.
   */
  static FactsBuilder busy(double now, double hold, double... heldSince) {
    var holds = new ArrayList<Hold>();
    var slots = new ArrayList<Slot>();
    for (double since : heldSince) {
      slots.add(Slot.heldSince(at(since)));
      for (double end = since; end > now - 600; end -= hold) {
        holds.add(new Hold(at(end - hold), at(end)));
      }
    }
    return FactsBuilder.atT(now).holds(holds).slots(slots.toArray(Slot[]::new));
  }

  /** Completed tasks back to back, each holding its slot {@code seconds}, the last ending at {@code lastEnd}. */
  static List<Hold> holdsEnding(double lastEnd, double seconds, int count, int slots) {
    var holds = new ArrayList<Hold>();
    for (int i = 0; i < count; i++) {
      double end = lastEnd - (i / slots) * seconds - (i % slots) * (seconds / slots);
      holds.add(new Hold(at(end - seconds), at(end)));
    }
    return holds;
  }

  @Nested
  class ByHand {

    @Test
    void steadyServiceCountsTheSlotsFreeingInOrder() {
      // two agents, every task holds its slot 1.3 s; one slot busy for 0.3 s, the other for 1.0 s
      Outlook outlook = busy(100, 1.3, 99.7, 99).outlook();

      assertThat(outlook.method()).isEqualTo(Method.slots);
      assertThat(outlook.holdSeconds()).isCloseTo(1.3, within(0.05));
      assertThat(outlook.secondsFor(1, at(100)).getAsDouble()).isCloseTo(0.3, within(0.05));
      assertThat(outlook.secondsFor(2, at(100)).getAsDouble()).isCloseTo(1.0, within(0.05));
      assertThat(outlook.secondsFor(3, at(100)).getAsDouble()).isCloseTo(1.6, within(0.1));
      assertThat(outlook.secondsFor(10, at(100)).getAsDouble()).isCloseTo(1.0 + 4 * 1.3, within(0.3));
      assertThat(outlook.secondsFor(10, at(100)).getAsDouble()).as("not a fixed window's multiple").isLessThan(15);
      assertThat(outlook.wholeSecondsFor(10, at(100))).isEqualTo(7L);
    }

    @Test
    void anOutlookAFewHundredMillisecondsOldCarriesTheSlotsOnAsTheyFreeAndRestart() {
      Outlook outlook = busy(100, 1.3, 99.7, 99).outlook();

      // 0.5 s later the first slot (due at +0.3 s) took its next task, due 1.1 s after it
      assertThat(outlook.secondsFor(1, at(100.5)).getAsDouble()).isCloseTo(0.5, within(0.05));
      assertThat(outlook.secondsFor(2, at(100.5)).getAsDouble()).isCloseTo(1.1, within(0.05));
    }

    @Test
    void emptyServiceHasNoEstimate() {
      assertThat(FactsBuilder.atT(0).outlook().isAbsent()).as("no members").isTrue();
      assertThat(FactsBuilder.atT(0).slots(Slot.free(), Slot.free()).outlook().isAbsent()).as("agents, no history").isTrue();
      assertThat(FactsBuilder.atT(100).holds(holdsEnding(99, 1.3, 40, 2)).outlook().isAbsent()).as("history, nobody on duty").isTrue();
      assertThat(FactsBuilder.atT(0).outlook().wholeSecondsFor(3, at(0))).isNull();
    }

    @Test
    void anAcceptedTaskAloneIsNoGroundForAnEstimate() {
      Outlook outlook = FactsBuilder.atT(5).created(at(0)).accepts(List.of(at(1))).slots(Slot.heldSince(at(1))).outlook();

      assertThat(outlook.isAbsent()).isTrue();
    }

    @Test
    void youngServiceGoesByItsFewTasksNotByTheLengthOfAWindow() {
      // created 5 s ago; two tasks completed after 1.2 s each
      var young =
          FactsBuilder.atT(5).created(at(0)).holds(List.of(new Hold(at(1), at(2.2)), new Hold(at(1.5), at(2.7))))
              .slots(Slot.heldSince(at(2.2)), Slot.heldSince(at(2.7)));
      Outlook outlook = young.outlook();
      Outlook older = young.created(T0.minusSeconds(86_400)).outlook();

      assertThat(outlook.method()).isEqualTo(Method.slots);
      // 1.2 s per task, plus the 2.8 + 2.3 s the two running tasks held so far over 2 completions
      assertThat(outlook.holdSeconds()).isCloseTo((1.2 + 1.2 + 2.8 + 2.3) / 2, within(0.01));
      assertThat(outlook.wholeSecondsFor(4, at(5))).isLessThan(10L);
      assertThat(older.wholeSecondsFor(4, at(5))).as("the service's age does not scale the estimate").isEqualTo(outlook.wholeSecondsFor(4, at(5)));
    }

    @Test
    void aSlotOverdueToFreeShowsAsOneSecondNotZero() {
      Outlook outlook = FactsBuilder.atT(100).holds(holdsEnding(99, 1.0, 20, 1)).slots(Slot.heldSince(at(95))).outlook();

      assertThat(outlook.secondsFor(1, at(100)).getAsDouble()).isZero();
      assertThat(outlook.wholeSecondsFor(1, at(100))).isEqualTo(1L);
    }

    @Test
    void agentsLeavingRaiseTheEstimateAtOnceAndComingBackLowersIt() {
      var four = busy(100, 2.0, 99.5, 99, 98.5, 98.1);
      var two = four.slots(Slot.heldSince(at(99.5)), Slot.heldSince(at(99))).staffingChanged(at(99.9));

      double withFour = four.outlook().secondsFor(20, at(100)).getAsDouble();
      double withTwo = two.outlook().secondsFor(20, at(100)).getAsDouble();

      assertThat(withFour).isCloseTo(1.5 + 4 * 2.0, within(0.5));
      assertThat(withTwo).isCloseTo(1.5 + 9 * 2.0, within(0.5));
      assertThat(withTwo / withFour).isBetween(1.8, 2.4);
    }

    @Test
    void handleTimesThatChangeShowFullyWithinAMinute() {
      // 2 agents held each task 1 s for ten minutes, then 5 s from t = 600
      var holds = new ArrayList<>(holdsEnding(600, 1.0, 1200, 2));
      holds.addAll(holdsEnding(660, 5.0, 24, 2));

      double after30 = FactsBuilder.atT(630).holds(holds.stream().filter(h -> !h.end().isAfter(at(630))).toList())
          .slots(Slot.heldSince(at(627)), Slot.heldSince(at(628))).outlook().holdSeconds();
      double after60 = FactsBuilder.atT(660).holds(holds).slots(Slot.heldSince(at(660)), Slot.heldSince(at(657.5))).outlook().holdSeconds();

      // Little's law over the last minute: the many short tasks of its first half still count
      assertThat(after30).as("half a minute in, moving").isBetween(1.5, 5.0);
      assertThat(after60).as("a minute in").isCloseTo(5.0, within(0.6));
    }

    @Test
    void aBacklogServedSlowerThanTheModelSaysIsBelievedWhileTheStaffingHolds() {
      // the agents also serve another service: 2 slots of 1 s per task would serve 2/s, but 0.5/s is seen
      List<Instant> accepts = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        accepts.add(at(100 - 2 * i));
      }
      var facts =
          FactsBuilder.atT(100).holds(holdsEnding(99.5, 1.0, 30, 2)).accepts(accepts).queuedSince(at(60))
              .slots(Slot.heldSince(at(99.5)), Slot.heldElsewhere());

      Outlook outlook = facts.outlook();
      assertThat(outlook.method()).isEqualTo(Method.observedRate);
      assertThat(outlook.holdSeconds()).as("2 slots / (15 accepts in 30 s)").isCloseTo(4.0, within(0.01));

      // a presence change 5 s ago starts the window again: too short to tell, the model holds
      Outlook changed = facts.staffingChanged(at(95)).outlook();
      assertThat(changed.method()).isEqualTo(Method.slots);
      // and with the queue empty for a while, accepts only tell how fast tasks came
      assertThat(facts.queuedSince(at(98)).outlook().method()).isEqualTo(Method.slots);
    }

    @Test
    void aBurstIsServedAtTheServiceRate() {
      Outlook outlook = busy(100, 1.3, 99.8, 99.2).outlook();

      // 30 tasks arrived at once behind two: the last waits for 15 rounds of the two slots
      assertThat(outlook.secondsFor(32, at(100)).getAsDouble()).isCloseTo(0.5 + 15 * 1.3, within(0.6));
    }
  }

  /**
   * A service simulated without a database: agents serve a FIFO queue, each task holding its slot a
   * random 1.0–1.6 s (seeded). At each arrival that must queue at position 2 or later, the estimate
   * from the facts up to then is compared with the wait that followed.
   */
  @Nested
  class SyntheticHistories {

    @Test
    void steadyLoadAfterTheFirstMinuteKeepsItsWord() {
      var sim = new ServiceSim(2, 20261201L);
      sim.run(i -> i < 40 ? 0.6 : 0.66, 150, t -> 2);

      assertThat(sim.samples(60, 150)).as("samples").hasSizeGreaterThan(50);
      assertThat(sim.shareWithin(60, 150)).as("share within ±25 %% or 2 s").isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void aGrowingBacklogIsEstimatedWithinAQuarterNotJustWithinTwoSeconds() {
      var sim = new ServiceSim(2, 99L);
      sim.run(i -> 0.6, 150, t -> 2);

      assertThat(sim.samples(60, 150)).as("samples").hasSizeGreaterThan(50);
      assertThat(sim.meanWait(60, 150)).as("long waits: the 2 s allowance does not carry it").isGreaterThan(6);
      assertThat(sim.medianRelativeError(60, 150)).isLessThan(0.15);
    }

    @Test
    void rampUpFromAFreshServiceGivesEstimatesFromTheFirstCompletedTasks() {
      var sim = new ServiceSim(3, 7L);
      sim.run(i -> i < 10 ? 0.2 : 0.45, 40, t -> 3);

      assertThat(sim.absent).as("estimates before the first completion are absent").isPositive();
      assertThat(sim.samples(5, 40)).isNotEmpty();
      assertThat(sim.shareWithin(5, 40)).isGreaterThanOrEqualTo(0.7);
    }

    @Test
    void anAgentLeavingForTwentySecondsMovesTheEstimateWithinAMinute() {
      var sim = new ServiceSim(2, 42L);
      sim.run(i -> 0.7, 150, t -> t >= 80 && t < 100 ? 1 : 2);

      // while the agent is away each queued task is told the one-agent pace
      assertThat(sim.meanRatio(82, 98)).as("estimate / real wait while away").isBetween(0.6, 1.6);
      assertThat(sim.shareWithin(120, 150)).as("a while after they came back").isGreaterThanOrEqualTo(0.8);
    }
  }

  /** A discrete-event service: FIFO queue, slots that hold each task for a seeded random time. */
  static final class ServiceSim {

    interface Staffing {
      int at(double t);
    }

    interface Gaps {
      double after(int arrival);
    }

    record Sample(double arrivedAt, long position, Double estimate, double[] waited) {}

    private final Random random;
    private final double[] freeAt;
    private final Double[] heldSince;
    private final Deque<double[]> queue = new ArrayDeque<>();
    private final List<Hold> holds = new ArrayList<>();
    private final List<Instant> accepts = new ArrayList<>();
    private final List<Sample> samples = new ArrayList<>();
    private Instant staffingChanged;
    private int onDuty;
    int absent;

    ServiceSim(int slots, long seed) {
      this.random = new Random(seed);
      this.freeAt = new double[slots];
      this.heldSince = new Double[slots];
      this.onDuty = slots;
    }

    void run(Gaps gaps, double until, Staffing staffing) {
      double t = 0;
      for (int i = 0; t < until; i++) {
        advanceTo(t, staffing);
        boolean free = false;
        for (int s = 0; s < onDuty && !free; s++) {
          if (heldSince[s] == null) {
            offer(s, t, new double[1], t);
            free = true;
          }
        }
        if (!free) {
          double[] wait = {Double.NaN};
          queue.add(new double[] {t, samples.size()});
          long position = queue.size();
          Double estimate = null;
          if (position >= 2) {
            var e = WaitForecast.outlook(facts(t)).secondsFor(position, at(t));
            if (e.isPresent()) {
              estimate = e.getAsDouble();
            } else {
              absent++;
            }
          }
          samples.add(new Sample(t, position, estimate, wait));
        }
        t += gaps.after(i) * (0.8 + 0.4 * random.nextDouble());
      }
      advanceTo(until + 1000, t2 -> staffing.at(until));
    }

    private void advanceTo(double t, Staffing staffing) {
      while (true) {
        int next = -1;
        for (int s = 0; s < freeAt.length; s++) {
          if (heldSince[s] != null && freeAt[s] <= t && (next < 0 || freeAt[s] < freeAt[next])) {
            next = s;
          }
        }
        // staffing changes only at arrivals or frees: good enough at this grain
        int duty = staffing.at(next < 0 ? t : freeAt[next]);
        if (duty != onDuty) {
          staffingChanged = at(next < 0 ? t : freeAt[next]);
          onDuty = duty;
        }
        if (next < 0) {
          // slots that came back pick up the queue
          for (int s = 0; s < onDuty && !queue.isEmpty(); s++) {
            if (heldSince[s] == null) {
              double[] task = queue.poll();
              offer(s, t, task, t);
            }
          }
          return;
        }
        double end = freeAt[next];
        holds.add(new Hold(at(heldSince[next]), at(end)));
        heldSince[next] = null;
        if (next < onDuty && !queue.isEmpty()) {
          offer(next, end, queue.poll(), end);
        }
      }
    }

    private void offer(int slot, double t, double[] task, double now) {
      if (task.length == 2) {
        samples.get((int) task[1]).waited()[0] = now - task[0];
      }
      heldSince[slot] = t;
      freeAt[slot] = t + 1.0 + 0.6 * random.nextDouble();
      accepts.add(at(t));
    }

    private Facts facts(double t) {
      var slots = new ArrayList<Slot>();
      for (int s = 0; s < onDuty; s++) {
        slots.add(heldSince[s] == null ? Slot.free() : Slot.heldSince(at(heldSince[s])));
      }
      Instant now = at(t);
      Instant queuedSince = queue.isEmpty() ? null : at(queue.peek()[0]);
      List<Hold> recent = holds.stream().filter(h -> h.end().isAfter(now.minusSeconds(600))).toList();
      List<Instant> recentAccepts = accepts.stream().filter(a -> a.isAfter(now.minusSeconds(30))).toList();
      return new Facts(now, T0, staffingChanged, queuedSince, recent, true, recentAccepts, true, slots);
    }

    List<Sample> samples(double from, double to) {
      return samples.stream()
          .filter(s -> s.arrivedAt() >= from && s.arrivedAt() < to && s.estimate() != null && !Double.isNaN(s.waited()[0]))
          .toList();
    }

    double shareWithin(double from, double to) {
      List<Sample> list = samples(from, to);
      long within = list.stream().filter(s -> Math.abs(s.estimate() - s.waited()[0]) <= Math.max(2.0, 0.25 * s.waited()[0])).count();
      return list.isEmpty() ? 0 : (double) within / list.size();
    }

    double meanWait(double from, double to) {
      return samples(from, to).stream().mapToDouble(s -> s.waited()[0]).average().orElse(Double.NaN);
    }

    double medianRelativeError(double from, double to) {
      double[] errors = samples(from, to).stream().mapToDouble(s -> Math.abs(s.estimate() - s.waited()[0]) / s.waited()[0]).sorted().toArray();
      return errors.length == 0 ? Double.NaN : errors[errors.length / 2];
    }

    double meanRatio(double from, double to) {
      return samples(from, to).stream().mapToDouble(s -> s.estimate() / s.waited()[0]).average().orElse(Double.NaN);
    }
  }
}
