package dev.cumulus.distribution;

import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskStore;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * Row locks in one global order, so that routing transactions on several nodes never deadlock:
 * first the service rows (by UPN), then task rows, then agent rows. A transaction that may free an
 * agent also locks every service of that agent, because freeing an agent offers it the best task of
 * any of its services.
 */
@Component
public class RoutingLocks {

  private final ServiceStore services;
  private final AgentStore agents;
  private final TaskStore tasks;

  public RoutingLocks(ServiceStore services, AgentStore agents, TaskStore tasks) {
    this.services = services;
    this.agents = agents;
    this.tasks = tasks;
  }

  public void lockServices(Collection<String> serviceUpns) {
    for (String upn : new TreeSet<>(serviceUpns)) {
      services.lock(upn);
    }
  }

  /** Locks the services of the agent, and any others given, in order. */
  public void lockForAgent(String userUpn, String... moreServices) {
    var all = new TreeSet<>(agents.servicesOf(userUpn));
    all.addAll(List.of(moreServices));
    lockServices(all);
  }

  /**
   * Locks the task's service, its agent's services and any others given, then the task row. Tries
   * again when a concurrent change moved the task to a service it had not locked.
   */
  public Optional<ExternalTask> lockForTask(String taskId, String... moreServices) {
    var locked = new TreeSet<String>();
    for (int attempt = 0; attempt < 5; attempt++) {
      Optional<ExternalTask> seen = tasks.find(taskId);
      if (seen.isEmpty()) {
        return seen;
      }
      var needed = needed(seen.get(), moreServices);
      lockServices(needed.stream().filter(s -> !locked.contains(s)).toList());
      locked.addAll(needed);
      Optional<ExternalTask> task = tasks.lock(taskId);
      if (task.isPresent() && locked.containsAll(needed(task.get(), moreServices))) {
        return task;
      }
    }
    throw new IllegalStateException("task " + taskId + " kept changing while it was being locked");
  }

  private TreeSet<String> needed(ExternalTask task, String... moreServices) {
    var all = new TreeSet<String>(List.of(moreServices));
    all.add(task.serviceUpn());
    if (task.assignedUserUpn() != null) {
      all.addAll(agents.servicesOf(task.assignedUserUpn()));
    }
    return all;
  }
}
