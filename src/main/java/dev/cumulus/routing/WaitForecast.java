package dev.cumulus.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How long a queued task will likely wait until it is offered: a pure function of what its service
 * shows (docs/distribution.md, "Visibility"). No database and no clock: {@link WaitEstimator} gathers the {@link
 * Facts}, and every time is given.
 *
 * <p>The model: the service serves its queue with <em>slots</em>, one per unit of capacity of each
 * member who could take a task now (on duty, a presence the service distributes to, no RONA flag). A
 * slot is held per task for {@code H} seconds: offer → accept + handle + after-work, measured over the
 * last minute of the service (see {@link #meanHold}). A busy slot frees after {@code H} minus what it
 * has held so far; a free one at once. Slot {@code i} thus frees at {@code r_i, r_i + H, r_i + 2H, …}, and the task at
 * position {@code p} is offered at the {@code p}-th of those moments:
 *
 * <pre>  wait(p) = r[(p − 1) mod c] + floor((p − 1) / c) · H      (r sorted ascending, c slots)</pre>
 *
 * <p>Cross-check: while the queue was never empty and the staffing did not change (the window after
 * the oldest queued task was queued, after the last presence or duty change of a member and after the
 * service's creation, at most {@value #OBSERVE_SECONDS} s), the accepts in that window are the
 * service's real throughput. When that window is at least {@value #MIN_OBSERVED_SECONDS} s long and
 * holds at least {@value #MIN_OBSERVED_ACCEPTS} accepts, and the model's rate {@code c / H} is more
 * than 25 % off it (agents busy in other services, declines, RONA), {@code H} becomes {@code c / rate
 * observed}: method {@link Method#observedRate}. Without a completed task it is the only evidence.
 *
 * <p>Absent ({@link Outlook#absent}) when nobody could take the task now (no slot), or when the
 * service has neither a completed task in the look-back nor a valid observed rate: never a guess from
 * the length of a window.
 */
public final class WaitForecast {

  static final long HOLD_WINDOW_SECONDS = 60;
  static final int MIN_HOLDS = 10;
  static final long HOLD_LOOKBACK_SECONDS = 600;
  static final long OBSERVE_SECONDS = 30;
  static final long MIN_OBSERVED_SECONDS = 10;
  static final int MIN_OBSERVED_ACCEPTS = 5;
  static final double DISAGREEMENT = 0.25;
  /** A hold shorter than this is taken as this (guards the division by H). */
  static final double MIN_HOLD_SECONDS = 0.05;

  private WaitForecast() {}

  /** How the estimate was made. */
  public enum Method {
    /** Slots of agents on duty and the recent mean hold time. */
    slots,
    /** Slots of agents on duty and the throughput observed while the queue was backlogged. */
    observedRate
  }

  /** A unit of capacity of a member who could take a task now. */
  public record Slot(Kind kind, Instant heldSince) {
    public enum Kind { free, heldHere, heldElsewhere }

    public static Slot free() {
      return new Slot(Kind.free, null);
    }

    /** Held by a task of this service, offered at {@code since}. */
    public static Slot heldSince(Instant since) {
      return new Slot(Kind.heldHere, Objects.requireNonNull(since));
    }

    /** Held by a task of another service: how long it has been held is not looked at. */
    public static Slot heldElsewhere() {
      return new Slot(Kind.heldElsewhere, null);
    }
  }

  /** A completed task of the service: it held its slot from its (last) offer to the end of after-work. */
  public record Hold(Instant start, Instant end) {}

  /**
   * What the service shows now.
   *
   * @param serviceCreatedAt the service's creation: no evidence is older
   * @param staffingChangedAt the last presence or duty change of a member, or null
   * @param queuedSince the time its oldest queued task was queued, or null when the queue is empty
   * @param holds the service's tasks completed in the last {@value #HOLD_LOOKBACK_SECONDS} s (any order)
   * @param holdsComplete false when {@code holds} was cut at a maximum (only the span it covers counts)
   * @param accepts recent Accepted events of its tasks (any order)
   * @param acceptsComplete false when {@code accepts} was cut at a maximum (only the span it covers counts)
   * @param slots one per unit of capacity of each member who could take a task now
   */
  public record Facts(
      Instant now,
      Instant serviceCreatedAt,
      Instant staffingChangedAt,
      Instant queuedSince,
      List<Hold> holds,
      boolean holdsComplete,
      List<Instant> accepts,
      boolean acceptsComplete,
      List<Slot> slots) {

    public Facts {
      holds = List.copyOf(holds);
      accepts = List.copyOf(accepts);
      slots = List.copyOf(slots);
    }
  }

  /**
   * The service's outlook at {@code at}: enough to estimate any position in O(1), also a little later.
   *
   * @param residuals when each slot frees next, seconds after {@code at}, ascending; empty when absent
   * @param holdSeconds the time a slot is held per task that the estimate goes by
   * @param reason why it is absent, or how it was made, for logs and tests
   */
  public record Outlook(Instant at, Method method, double[] residuals, double holdSeconds, String reason) {

    static Outlook absent(Instant at, String reason) {
      return new Outlook(at, null, new double[0], Double.NaN, reason);
    }

    public boolean isAbsent() {
      return method == null;
    }

    /**
     * Seconds from {@code now} until the task at this position (1 = next) is likely offered. A slot
     * whose expected end passed since {@code at} is taken to have started its next task then (there
     * is a queue), so the outlook stays usable for a second or two.
     */
    public OptionalDouble secondsFor(long position, Instant now) {
      if (isAbsent() || position < 1) {
        return OptionalDouble.empty();
      }
      double elapsed = Math.max(0, Duration.between(at, now).toNanos() / 1e9);
      int c = residuals.length;
      double[] next = new double[c];
      for (int i = 0; i < c; i++) {
        double r = residuals[i] - elapsed;
        next[i] = r >= 0 ? r : holdSeconds - (-r % holdSeconds);
      }
      Arrays.sort(next);
      long rounds = (position - 1) / c;
      return OptionalDouble.of(next[(int) ((position - 1) % c)] + rounds * holdSeconds);
    }

    /**
     * {@link #secondsFor} in whole seconds, rounded up and at least 1 (a queued task waits: a slot
     * overdue to free shows as 1 s, not 0); null when absent.
     */
    public Long wholeSecondsFor(long position, Instant now) {
      OptionalDouble s = secondsFor(position, now);
      return s.isEmpty() ? null : Math.max(1, (long) Math.ceil(s.getAsDouble() - 1e-9));
    }
  }

  /** The outlook of a service from its facts. */
  public static Outlook outlook(Facts f) {
    int c = f.slots().size();
    if (c == 0) {
      return Outlook.absent(f.now(), "nobody on duty could take a task now");
    }
    OptionalDouble meanHold = meanHold(f);
    OptionalDouble observed = observedRate(f);
    double hold;
    Method method;
    if (meanHold.isPresent()) {
      hold = Math.max(MIN_HOLD_SECONDS, meanHold.getAsDouble());
      method = Method.slots;
      if (observed.isPresent()) {
        double modelRate = c / hold;
        double seen = observed.getAsDouble();
        if (Math.abs(seen - modelRate) > DISAGREEMENT * modelRate) {
          hold = Math.max(MIN_HOLD_SECONDS, c / seen);
          method = Method.observedRate;
        }
      }
    } else if (observed.isPresent()) {
      hold = Math.max(MIN_HOLD_SECONDS, c / observed.getAsDouble());
      method = Method.observedRate;
    } else {
      return Outlook.absent(f.now(), "no completed task and no backlogged window to learn from");
    }
    double[] residuals = new double[c];
    for (int i = 0; i < c; i++) {
      Slot slot = f.slots().get(i);
      residuals[i] =
          switch (slot.kind()) {
            case free -> 0;
            // a slot busy in another service: on average half-way through
            case heldElsewhere -> hold / 2;
            case heldHere -> Math.max(0, hold - seconds(slot.heldSince(), f.now()));
          };
    }
    Arrays.sort(residuals);
    return new Outlook(f.now(), method, residuals, hold, String.format("%s: %d slots, %.2f s per task", method, c, hold));
  }

  /**
   * The mean time a slot is held per task, by Little's law over a recent window: the slot-seconds
   * held in it (completed tasks and tasks held now, each as far as it overlaps the window) divided by
   * the tasks completed in it. The window is the last {@value #HOLD_WINDOW_SECONDS} s, or longer until
   * it holds {@value #MIN_HOLDS} completed tasks, never before the service's creation nor more than
   * the look-back the facts cover. Unlike a mean of the last completed tasks it is not biased toward
   * short tasks (which complete more often), and a change of handle times shows fully within the window.
   * Empty without a completed task.
   */
  static OptionalDouble meanHold(Facts f) {
    List<Hold> done =
        f.holds().stream()
            .filter(h -> !h.end().isAfter(f.now()) && !h.end().isBefore(h.start()))
            .sorted(Comparator.comparing(Hold::end).reversed())
            .toList();
    Instant earliest = latest(f.now().minusSeconds(HOLD_LOOKBACK_SECONDS), f.serviceCreatedAt());
    if (!f.holdsComplete() && !done.isEmpty()) {
      earliest = latest(earliest, done.get(done.size() - 1).end());
    }
    Instant start = latest(f.now().minusSeconds(HOLD_WINDOW_SECONDS), earliest);
    if (done.size() >= MIN_HOLDS && done.get(MIN_HOLDS - 1).end().isBefore(start)) {
      start = latest(done.get(MIN_HOLDS - 1).end(), earliest);
    } else if (done.size() < MIN_HOLDS) {
      start = earliest;
    }
    Instant from = start;
    long completed = done.stream().filter(h -> !h.end().isBefore(from)).count();
    if (completed == 0) {
      return OptionalDouble.empty();
    }
    double held = 0;
    for (Hold h : done) {
      held += overlap(h.start(), h.end(), from, f.now());
    }
    for (Slot slot : f.slots()) {
      if (slot.kind() == Slot.Kind.heldHere) {
        held += overlap(slot.heldSince(), f.now(), from, f.now());
      }
    }
    return OptionalDouble.of(held / completed);
  }

  private static double overlap(Instant start, Instant end, Instant from, Instant to) {
    Instant a = latest(start, from);
    Instant b = end.isBefore(to) ? end : to;
    return b.isAfter(a) ? seconds(a, b) : 0;
  }

  /**
   * Accepts per second over the window in which the queue was never empty and the staffing did not
   * change; empty when that window is too short or holds too few accepts to tell.
   */
  static OptionalDouble observedRate(Facts f) {
    if (f.queuedSince() == null) {
      return OptionalDouble.empty();
    }
    Instant start = latest(f.now().minusSeconds(OBSERVE_SECONDS), f.serviceCreatedAt(), f.staffingChangedAt(), f.queuedSince());
    if (!f.acceptsComplete()) {
      // only the span the list covers is known
      start = latest(start, f.accepts().stream().min(Instant::compareTo).orElse(start));
    }
    Instant from = start;
    long n = f.accepts().stream().filter(t -> !t.isBefore(from) && !t.isAfter(f.now())).count();
    double span = seconds(start, f.now());
    if (span < MIN_OBSERVED_SECONDS || n < MIN_OBSERVED_ACCEPTS) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(n / span);
  }

  private static Instant latest(Instant first, Instant... others) {
    Instant max = first;
    for (Instant t : others) {
      if (t != null && t.isAfter(max)) {
        max = t;
      }
    }
    return max;
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }
}
