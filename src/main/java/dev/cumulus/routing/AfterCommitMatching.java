package dev.cumulus.routing;

import dev.cumulus.directory.AgentStore;
import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * When, and in which transactions, matching runs (the two phases of {@link Distributor}). A change asks,
 * inside its transaction, for a task, an agent or a service to be matched; right after it commits, on
 * the same thread, what it asked for runs here in short transactions of its own, one offer each
 * ({@link Matcher} does one step in each). A freed agent's row is so never held while another task's
 * row is locked.
 */
@Component
class AfterCommitMatching {

  private static final Logger log = LoggerFactory.getLogger(AfterCommitMatching.class);

  private static final Object PENDING = new Object();

  /** What a committed change asked to match. */
  private static final class Pending {
    final Map<String, String> tasks = new LinkedHashMap<>();
    final Set<String> agents = new LinkedHashSet<>();
    final Set<String> services = new LinkedHashSet<>();

    boolean isEmpty() {
      return tasks.isEmpty() && agents.isEmpty() && services.isEmpty();
    }
  }

  private final TaskStore tasks;
  private final AgentStore agents;
  private final QueueStore queue;
  private final Matcher matcher;
  private final TransactionTemplate ownTransaction;

  AfterCommitMatching(TaskStore tasks, AgentStore agents, QueueStore queue, Matcher matcher, PlatformTransactionManager transactions) {
    this.tasks = tasks;
    this.agents = agents;
    this.queue = queue;
    this.matcher = matcher;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  /**
   * After this transaction commits, offer the task to the best agent free then.
   *
   * @param trigger what caused it, for the routing trace
   */
  void requestMatch(String taskId, String trigger) {
    pending().tasks.putIfAbsent(taskId, trigger);
  }

  /** After this transaction commits, offer the agent the best tasks it may take. */
  void agentFreed(String userUpn) {
    pending().agents.add(userUpn);
  }

  /** The agent's matching was done in this transaction: nothing left for after the commit. */
  void agentSettled(String userUpn) {
    pending().agents.remove(userUpn);
  }

  /** After this transaction commits, match the whole service (its settings or members changed). */
  void requestServiceMatch(String serviceUpn) {
    pending().services.add(serviceUpn);
  }

  /**
   * Runs what committed changes asked for, one offer per short transaction. Freed
   * agents go first, so each gets the highest-ordered task of all its services (a task that went back
   * to the queue in the same change does not jump ahead of older or higher ones); then whole services,
   * together in one queue order (a change that opened tasks to more agents, such as a window that
   * closed, serves those tasks before a task of lower order takes one of these agents); then the
   * single tasks that are still queued.
   */
  private void runPending(Pending work) {
    for (String upn : work.agents) {
      offerToAgent(upn);
    }
    if (!work.services.isEmpty()) {
      matchServices(work.services, work.tasks, "serviceChanged");
    }
    work.tasks.forEach((taskId, trigger) ->
        matchInOwnTransaction("task " + taskId, () -> {
          Optional<ExternalTask> task = tasks.lock(taskId);
          if (task.isPresent() && task.get().state() == TaskState.Queued) {
            matcher.offerTask(taskId, trigger);
          }
        }));
  }

  private void matchInOwnTransaction(String what, Runnable match) {
    matchInOwnTransaction(what, () -> {
      match.run();
      return Boolean.FALSE;
    });
  }

  /** One matching step in a transaction of its own; false when it failed (the sweeper retries). */
  private <T> T matchInOwnTransaction(String what, java.util.function.Supplier<T> match) {
    try {
      return ownTransaction.execute(status -> match.get());
    } catch (RuntimeException e) {
      // the change itself is committed; the sweeper matches within its interval
      log.warn("matching {} after commit failed, the sweeper retries: {}", what, e.toString());
      return null;
    }
  }

  /**
   * Offers the agent the best tasks it may take, one after another while it has room. A task ahead of
   * them that is left for a better preferred user who could take it now is offered to that user first
   * (they may have freed up in the same change, and be matched after this agent): so no agent is
   * ever offered a task while one ahead of it, which they could take, still waits.
   */
  private void offerToAgent(String userUpn) {
    Map<String, ServiceDefinition> seen = new HashMap<>();
    Set<String> servedFirst = new HashSet<>();
    for (int offered = 0; offered < 100; offered++) {
      // one offer per transaction: the agent's row is never held while another task row is locked
      if (matchInOwnTransaction("agent " + userUpn, () -> matcher.offerNextToAgent(userUpn, seen, servedFirst)) != Matcher.Step.AGAIN) {
        return;
      }
    }
  }

  /**
   * Matches a whole service: every free member gets the best tasks it may take, one offer per
   * transaction. Returns how many offers were made.
   */
  int matchService(String serviceUpn, String trigger) {
    return matchServices(List.of(serviceUpn), Map.of(), trigger);
  }

  /**
   * Matches several services at once: the heads of their queues are offered in one queue order
   * (effective priority, age, creation), so a task of one service never takes an agent past a
   * higher-ordered task of another of these services that the agent may take. Each offer is a
   * transaction of its own.
   *
   * @param triggers the trigger of tasks a change asked to match by name; the others get {@code trigger}
   */
  private int matchServices(Collection<String> serviceUpns, Map<String, String> triggers, String trigger) {
    int made = 0;
    boolean progress = true;
    while (progress && anyFree(serviceUpns)) {
      progress = false;
      var heads = new ArrayList<QueueStore.Entry>();
      serviceUpns.forEach(s -> heads.addAll(queue.headEntries(s, 200)));
      heads.sort(QueueStore.ORDER);
      for (QueueStore.Entry head : heads) {
        Boolean offered = matchInOwnTransaction("task " + head.taskId(),
            () -> matcher.offerTask(head.taskId(), triggers.getOrDefault(head.taskId(), trigger)).isPresent());
        if (Boolean.TRUE.equals(offered)) {
          made++;
          progress = true;
        }
        if (!anyFree(serviceUpns)) {
          break;
        }
      }
    }
    return made;
  }

  private boolean anyFree(Collection<String> serviceUpns) {
    return serviceUpns.stream().anyMatch(agents::anyFree);
  }

  private Pending pending() {
    var work = (Pending) TransactionSynchronizationManager.getResource(PENDING);
    if (work == null) {
      if (!TransactionSynchronizationManager.isSynchronizationActive()) {
        throw new IllegalStateException("distribution runs inside a transaction");
      }
      var fresh = new Pending();
      TransactionSynchronizationManager.bindResource(PENDING, fresh);
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              TransactionSynchronizationManager.unbindResourceIfPossible(PENDING);
              if (status == STATUS_COMMITTED && !fresh.isEmpty()) {
                runPending(fresh);
              }
            }
          });
      work = fresh;
    }
    return work;
  }
}
