package dev.cumulus.routing;

import dev.cumulus.directory.AgentStore;
import dev.cumulus.directory.DistributionSettings;
import dev.cumulus.directory.Member;
import dev.cumulus.directory.Presence;
import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * The queue keeper: puts a task into its service's queue or back (keeping its age) with its effective
 * priority after aging and its preferred-user window, and keeps both current as tasks wait and people
 * come and go. It writes queue rows only, in the caller's transaction; who gets a task is {@link
 * Matcher}'s.
 */
@Component
class QueueKeeper {

  private final TaskStore tasks;
  private final AgentStore agents;
  private final ServiceStore services;
  private final QueueStore queue;
  private final DistributionProperties properties;
  private final Clock clock;

  QueueKeeper(TaskStore tasks, AgentStore agents, ServiceStore services, QueueStore queue, DistributionProperties properties, Clock clock) {
    this.tasks = tasks;
    this.agents = agents;
    this.services = services;
    this.queue = queue;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * Puts a task into its service's queue (or back, keeping its age), with its effective priority
   * after aging and its preferred-user window.
   */
  void enqueue(ExternalTask task) {
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
  OffsetDateTime windowEnd(ExternalTask task, ServiceDefinition service, OffsetDateTime queuedAt, OffsetDateTime now) {
    int wait = service.settings().preferredWaitSeconds();
    if (task.preferredUsers().isEmpty() || wait <= 0) {
      return null;
    }
    OffsetDateTime end = queuedAt.plusSeconds(wait);
    return end.isAfter(now) && aPreferredUserCouldSoonTake(task, service.upn()) ? end : null;
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
   * The task's preferred users changed: a queued task's window is worked out again (as on enqueue, from
   * its first queueing). Returns whether the task is queued, to be matched again after commit.
   */
  boolean preferredUsersChanged(ExternalTask task) {
    if (queue.entry(task.id()).isEmpty()) {
      return false;
    }
    ExternalTask withAge = tasks.find(task.id()).orElseThrow();
    enqueue(withAge);
    return true;
  }

  /** The service's settings or members changed: windows waiting only for users who left open now. */
  void widenWindows(String serviceUpn) {
    queue.widenWindows(serviceUpn, now(), refusedAfter());
  }

  /**
   * A user can no longer take tasks soon (Offline, off duty, Away for a missed offer): windows waiting
   * only for them open now. Returns the user's services, to be matched again after commit.
   */
  List<String> preferredUserGone(String userUpn) {
    OffsetDateTime now = now();
    List<String> memberOf = agents.servicesOf(userUpn);
    for (String serviceUpn : memberOf) {
      queue.widenWindows(serviceUpn, now, now.minus(properties.refusalCooldown()));
    }
    return memberOf;
  }

  /** The task's own priority changed: its place in the queue follows, aging included. */
  void reprioritize(ExternalTask task) {
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

  /** Aging and preferred-user windows: raises long-waiting tasks, opens windows nobody can use. */
  int refreshQueue(String serviceUpn) {
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

  /** The 1-based skill level of a queued task now, or null when its service requires no skills. */
  Integer levelOf(String taskId, ServiceDefinition service) {
    return queue.entry(taskId).map(e -> service.settings().levelNumberAfter(Math.max(0, Duration.between(e.enqueuedAt(), now()).getSeconds()))).orElse(null);
  }

  /** The task leaves its queue (it ended). */
  void dequeue(String taskId) {
    queue.remove(taskId);
  }

  private OffsetDateTime refusedAfter() {
    return now().minus(properties.refusalCooldown());
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock);
  }
}
