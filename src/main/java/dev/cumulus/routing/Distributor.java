package dev.cumulus.routing;

import dev.cumulus.directory.AvailabilityListener;
import dev.cumulus.directory.DistributionType;
import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.externaltask.ExternalTask;
import java.time.OffsetDateTime;
import org.springframework.stereotype.Component;

/**
 * Decides who gets which task ({@link Eligibility} holds the rules) and writes the outcome.
 *
 * <p>Two phases. A change of a task or an agent (queued, declined, freed, ...) commits holding only
 * task and agent row locks, and asks for matching with {@link #requestMatch}, {@link #agentFreed} or
 * {@link #serviceChanged}. Right after that commit, on the same thread, matching runs in short
 * transactions of its own, one offer each, that lock only what the offer changes: the task row, then
 * the agent rows (in UPN order), each re-checked under its lock. No lock serializes a service: matches
 * of one service run side by side on every node. No wake-up is lost: a matching transaction starts
 * after its change committed, so of a task and an agent that change at the same moment, the one
 * committed last sees the other; and it waits for (rather than skips) a task row that another match
 * holds, then looks again. Holding one task and then its agents, never an agent before a task, no lock
 * cycle can form.
 *
 * <p>The one door to routing for the rest of Cumulus; the work is done by job: {@link QueueKeeper}
 * (the queue: enqueue, windows, aging), {@link Matcher} (who gets which task, one offer at a time),
 * {@link AfterCommitMatching} (phase two: what runs after a commit, in which transactions) and
 * {@link OfferWriter} (what an offer made or ended writes, the agents' load included).
 */
@Component
public class Distributor implements AvailabilityListener {

  private final QueueKeeper keeper;
  private final Matcher matcher;
  private final AfterCommitMatching afterCommit;
  private final OfferWriter writer;
  private final TaskRoutingOverrides overrides;
  private final AfterWorkStore afterWork;

  Distributor(
      QueueKeeper keeper, Matcher matcher, AfterCommitMatching afterCommit, OfferWriter writer, TaskRoutingOverrides overrides,
      AfterWorkStore afterWork) {
    this.keeper = keeper;
    this.matcher = matcher;
    this.afterCommit = afterCommit;
    this.writer = writer;
    this.overrides = overrides;
    this.afterWork = afterWork;
  }

  // ---------------------------------------------------------------- phase two: matching after commit

  /**
   * After this transaction commits, offer the task to the best agent free then.
   *
   * @param trigger what caused it, for the routing trace
   */
  public void requestMatch(String taskId, String trigger) {
    afterCommit.requestMatch(taskId, trigger);
  }

  /** After this transaction commits, offer the agent the best tasks it may take. */
  @Override
  public void agentFreed(String userUpn) {
    afterCommit.agentFreed(userUpn);
  }

  // ---------------------------------------------------------------- the queue

  /**
   * Puts a task into its service's queue (or back, keeping its age), with its effective priority
   * after aging and its preferred-user window.
   */
  public void enqueue(ExternalTask task) {
    keeper.enqueue(task);
  }

  /** The task's own priority changed: its place in the queue follows, aging included. */
  public void reprioritize(ExternalTask task) {
    keeper.reprioritize(task);
  }

  /**
   * The task's preferred users changed: its window is worked out again (as on enqueue, from its first
   * queueing), and it is matched again after commit.
   */
  public void preferredUsersChanged(ExternalTask task) {
    if (keeper.preferredUsersChanged(task)) {
      afterCommit.requestMatch(task.id(), "preferredUsersChanged");
    }
  }

  /** The service's settings or members changed: windows waiting only for users who left open now, and it is matched after commit. */
  @Override
  public void serviceChanged(String serviceUpn) {
    keeper.widenWindows(serviceUpn);
    afterCommit.requestServiceMatch(serviceUpn);
  }

  /** A user can no longer take tasks soon (Offline, off duty, Away for a missed offer): windows waiting only for them open now. */
  @Override
  public void agentGone(String userUpn) {
    keeper.preferredUserGone(userUpn).forEach(afterCommit::requestServiceMatch);
  }

  /** The task leaves its queue (it ended). */
  public void dequeue(String taskId) {
    keeper.dequeue(taskId);
  }

  /** The 1-based skill level of a queued task now, or null when its service requires no skills. */
  public Integer levelOf(String taskId, ServiceDefinition service) {
    return keeper.levelOf(taskId, service);
  }

  // ---------------------------------------------------------------- matching asked for now

  /** The task's service with the distribution type and offer timeout its workflow chose for it. */
  public ServiceDefinition serviceFor(ExternalTask task) {
    return matcher.serviceFor(task);
  }

  /**
   * An agent picks a waiting task of a Pickup service: offered to them, for the caller to connect at
   * once. Returns null when done, or why the agent may not take it.
   */
  public Verdict pickUp(ExternalTask task, ServiceDefinition service, String userUpn) {
    return matcher.pickUp(task, service, userUpn);
  }

  /** Who would get the task now, and why; writes nothing. */
  public Eligibility.Decision preview(ExternalTask task, ServiceDefinition service) {
    return matcher.preview(task, service);
  }

  // ---------------------------------------------------------------- offers ending, the agents' load

  /**
   * Ends one agent's offer of the task; the agent's slot is free again (matched after commit). A
   * refusal (decline, no answer) keeps the task from that agent for the refusal cooldown, and with
   * persistent RONA flags the agent in that service until the reset. The caller holds the task's row
   * lock.
   */
  public void endOffer(ExternalTask task, String userUpn, boolean refused) {
    writer.endOffer(task, userUpn, refused);
    afterCommit.agentFreed(userUpn);
  }

  /** An agent took the task: its offer rows go; the agent who took it keeps the slot. */
  public void offerAccepted(String taskId) {
    writer.offerAccepted(taskId);
  }

  /** A task left the agent (cancelled while they had it): one slot is free again, matched after commit. */
  public void released(String userUpn) {
    writer.released(userUpn);
    afterCommit.agentFreed(userUpn);
  }

  /** The agent is done with a task: released, and counted for "least busy". */
  public void handled(String userUpn) {
    writer.handled(userUpn);
    afterCommit.agentFreed(userUpn);
  }

  /**
   * Last in a change that freed the agent (a completion): their next offer in this transaction when
   * that is the plain case, so the change commits once; otherwise after the commit as usual.
   */
  public void offerNextNow(String userUpn) {
    if (matcher.offerNextInline(userUpn)) {
      afterCommit.agentSettled(userUpn);
    }
  }

  /** A repair counted the agent's offers and tasks anew: their load is set to that, and matched after commit when it went down. */
  public void loadRecounted(String userUpn, int stored, int actual) {
    writer.loadRecounted(userUpn, actual);
    if (actual < stored) {
      afterCommit.agentFreed(userUpn);
    }
  }

  // ---------------------------------------------------------------- a task's own choices, after-work

  /** The task's own distribution type and offer timeout, as its workflow chose them; null keeps the service's. */
  public void setTaskRouting(String taskId, DistributionType distributionType, Integer offerTimeoutSeconds) {
    overrides.set(taskId, distributionType, offerTimeoutSeconds);
  }

  /** The task's own distribution choices end (it moved to another service). */
  public void clearTaskRouting(String taskId) {
    overrides.clear(taskId);
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
}
