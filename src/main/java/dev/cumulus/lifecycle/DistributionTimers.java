package dev.cumulus.lifecycle;

import dev.cumulus.directory.Agent;
import dev.cumulus.directory.Presence;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import dev.cumulus.routing.AfterWorkStore;
import dev.cumulus.routing.Distributor;
import dev.cumulus.routing.OfferStore;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Distribution's timers: an offer that times out unanswered (RONA, or the end of a Broadcast round)
 * and the end of after-work. They are due times in Cumulus's rows ({@code offer.due_at},
 * {@code after_work.due_at}); every node looks for due rows every half second (at most about a second
 * late), and acts on each task in a transaction of its own that takes the task's row with
 * {@code SKIP LOCKED}: one node at a time, and a task that is changing right now (an agent answering)
 * waits for the next round. Nothing is lost when a node dies: the due rows stay until acted on.
 */
@Component
public class DistributionTimers {

  private static final Logger log = LoggerFactory.getLogger(DistributionTimers.class);
  private static final int BATCH = 200;

  private final TaskStore tasks;
  private final TaskEvents events;
  private final OfferStore offers;
  private final AfterWorkStore afterWork;
  private final Distributor distributor;
  private final TaskTransitions transitions;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final boolean enabled;

  DistributionTimers(
      TaskStore tasks, TaskEvents events, OfferStore offers, AfterWorkStore afterWork, Distributor distributor, TaskTransitions transitions,
      TransactionTemplate transaction, Clock clock, @Value("${cumulus.distribution.timers-enabled:true}") boolean enabled) {
    this.tasks = tasks;
    this.events = events;
    this.offers = offers;
    this.afterWork = afterWork;
    this.distributor = distributor;
    this.transitions = transitions;
    this.transaction = transaction;
    this.clock = clock;
    this.enabled = enabled;
  }

  @Scheduled(fixedDelayString = "${cumulus.distribution.timer-interval:PT0.5S}", initialDelayString = "${cumulus.distribution.timer-interval:PT0.5S}")
  void poll() {
    if (enabled) {
      runDue();
    }
  }

  /** Acts on every timer due now; returns how many tasks changed. */
  public int runDue() {
    OffsetDateTime now = OffsetDateTime.now(clock);
    int changed = 0;
    for (String taskId : offers.dueTasks(now, BATCH)) {
      changed += each(taskId, () -> offerTimedOut(taskId, now));
    }
    for (String taskId : afterWork.due(now, BATCH)) {
      changed += each(taskId, () -> afterWorkOver(taskId, now));
    }
    return changed;
  }

  private int each(String taskId, java.util.function.BooleanSupplier act) {
    try {
      return Boolean.TRUE.equals(transaction.execute(status -> act.getAsBoolean())) ? 1 : 0;
    } catch (RuntimeException e) {
      // the row stays due: the next round (on this node or another) tries again
      log.warn("distribution timer of task {} failed, the next round tries again: {}", taskId, e.toString());
      return 0;
    }
  }

  /**
   * The task's offer timed out. A Direct offer is a RONA: a refusal by the agent, who is set Away
   * unless the service keeps them as they are, and the task goes back to the queue. A Broadcast
   * round that ends goes back to the queue for everyone, without RONA for anybody.
   */
  boolean offerTimedOut(String taskId, OffsetDateTime now) {
    Optional<ExternalTask> locked = tasks.tryLock(taskId);
    if (locked.isEmpty() || locked.get().state() != TaskState.Offered) {
      return false;
    }
    return timedOut(locked.get(), offers.usersDue(taskId, now));
  }

  /**
   * The offer of the task to this agent (to every agent offered it when null) times out now, whatever
   * its due time; nothing happens when the task is not offered to them (any more). For tests, and for
   * tools that must act at once.
   */
  public boolean fireOfferTimeout(String taskId, String userUpn) {
    return Boolean.TRUE.equals(transaction.execute(status -> {
      ExternalTask task = tasks.lock(taskId).orElse(null);
      if (task == null || task.state() != TaskState.Offered) {
        return false;
      }
      List<String> offered = offers.usersOffered(taskId);
      return timedOut(task, userUpn == null ? offered : offered.stream().filter(userUpn::equalsIgnoreCase).toList());
    }));
  }

  /** The after-work time of the task ends now, whatever its due time; nothing happens when it is not in after-work. */
  public boolean fireAfterWorkEnd(String taskId) {
    return Boolean.TRUE.equals(transaction.execute(status -> {
      ExternalTask task = tasks.lock(taskId).orElse(null);
      if (task == null || task.state() != TaskState.AfterWork) {
        return false;
      }
      transitions.close(task);
      return true;
    }));
  }

  private boolean timedOut(ExternalTask task, List<String> due) {
    String taskId = task.id();
    if (due.isEmpty()) {
      return false;
    }
    if (offers.isBroadcast(taskId)) {
      var everyone = String.join(",", offers.usersOffered(taskId));
      transitions.endOffer(task, false);
      transitions.offerEnded(taskId);
      events.record(taskId, TaskEventType.Rona, TaskEvent.SYSTEM, Map.of("userUpn", everyone, "broadcast", "true"));
      return true;
    }
    var missed = new java.util.LinkedHashMap<String, Boolean>();
    for (String user : due) {
      missed.put(user, transitions.missOffer(task, user));
    }
    if (offers.usersOffered(taskId).isEmpty()) {
      transitions.offerEnded(taskId);
    }
    missed.forEach((user, setAway) -> events.record(
        taskId, TaskEventType.Rona, TaskEvent.SYSTEM,
        setAway ? Map.of("userUpn", user, "presence", Presence.Away.name(), "presenceReason", Agent.MISSED_OFFER) : Map.of("userUpn", user)));
    return true;
  }

  /** The after-work time is over: the task is completed and the agent free again. */
  boolean afterWorkOver(String taskId, OffsetDateTime now) {
    Optional<ExternalTask> locked = tasks.tryLock(taskId);
    if (locked.isEmpty()) {
      return false;
    }
    ExternalTask task = locked.get();
    Optional<OffsetDateTime> dueAt = afterWork.dueAt(taskId);
    if (dueAt.isEmpty() || dueAt.get().isAfter(now)) {
      return false;
    }
    if (task.state() != TaskState.AfterWork) {
      distributor.endAfterWork(taskId);
      return false;
    }
    transitions.close(task);
    return true;
  }
}
