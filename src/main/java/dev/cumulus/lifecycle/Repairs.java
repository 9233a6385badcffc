package dev.cumulus.lifecycle;

import dev.cumulus.externaltask.Canceller;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import dev.cumulus.externaltask.TaskWorkflow;
import dev.cumulus.routing.DistributionProperties;
import dev.cumulus.routing.Distributor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Checks the routing invariants in the database on every node and repairs what breaks them, each
 * repair in its own transaction under the same locks as normal routing, each one visible: a task
 * event {@code Repaired} (or {@code Cancelled}) and the counter {@code cumulus_repairs_total{kind}}.
 *
 * <ul>
 *   <li>an offer standing well past its due time (the timers missed it): the task goes back to the
 *       queue and is offered again;
 *   <li>an agent's or service's counters that disagree with the tasks (an agent "busy" without a task):
 *       recounted;
 *   <li>an open task without a running process instance: cancelled.
 * </ul>
 */
@Component
class Repairs {

  private static final Logger log = LoggerFactory.getLogger(Repairs.class);

  private final JdbcTemplate jdbc;
  private final TaskStore tasks;
  private final TaskEvents events;
  private final TaskTransitions transitions;
  private final Distributor distributor;
  private final ServiceStore services;
  private final TaskWorkflow workflow;
  private final DistributionProperties properties;
  private final TransactionTemplate transaction;
  private final MeterRegistry meters;
  private final Clock clock;

  Repairs(
      JdbcTemplate jdbc, TaskStore tasks, TaskEvents events, TaskTransitions transitions, Distributor distributor,
      ServiceStore services, TaskWorkflow workflow, DistributionProperties properties, TransactionTemplate transaction, MeterRegistry meters, Clock clock) {
    this.jdbc = jdbc;
    this.tasks = tasks;
    this.events = events;
    this.transitions = transitions;
    this.distributor = distributor;
    this.services = services;
    this.workflow = workflow;
    this.properties = properties;
    this.transaction = transaction;
    this.meters = meters;
    this.clock = clock;
  }

  @Scheduled(fixedDelayString = "${cumulus.distribution.repair-interval:PT1M}", initialDelayString = "${cumulus.distribution.repair-interval:PT1M}")
  void run() {
    repairAll();
  }

  /** One round over every check; returns how many repairs were made. */
  int repairAll() {
    int repaired = 0;
    repaired += each("staleOffer", staleOffers(), this::repairStaleOffer);
    repaired += each("agentLoad", miscountedAgents(), this::recountAgent);
    repaired += each("openTasks", miscountedServices(), this::recountService);
    repaired += each("orphanTask", orphanTasks(), this::cancelOrphan);
    return repaired;
  }

  /** Offers standing past their due time by more than the grace: the timers missed them. */
  private List<String> staleOffers() {
    return jdbc.queryForList(
        "select distinct task_id from offer where due_at < ?", String.class, OffsetDateTime.now(clock).minus(properties.repairGrace()));
  }

  private boolean repairStaleOffer(String taskId) {
    ExternalTask task = tasks.lock(taskId).orElse(null);
    if (task == null || task.state() != TaskState.Offered) {
      return false;
    }
    String offered = String.join(",", jdbc.queryForList("select user_upn from offer where task_id = ? order by user_upn", String.class, taskId));
    // unanswered past its timeout: like RONA, the agent is not offered this task again right away
    transitions.endOffer(task, true);
    transitions.offerEnded(taskId);
    events.record(taskId, TaskEventType.Repaired, TaskEvent.SYSTEM, Map.of("kind", "staleOffer", "userUpn", offered));
    return true;
  }

  private static final String AGENT_LOAD =
      "(select count(*) from offer o where o.user_upn = a.upn) + (select count(*) from external_task t"
          + " where t.assigned_user_upn = a.upn and t.state in ('Connected','AfterWork'))";

  private List<String> miscountedAgents() {
    return jdbc.queryForList("select a.upn from agent a where a.active_tasks <> " + AGENT_LOAD, String.class);
  }

  private boolean recountAgent(String upn) {
    Map<String, Object> row = jdbc.queryForMap("select a.active_tasks, " + AGENT_LOAD + " as actual from agent a where a.upn = ? for update", upn);
    int stored = ((Number) row.get("active_tasks")).intValue();
    int actual = ((Number) row.get("actual")).intValue();
    if (stored == actual) {
      return false;
    }
    distributor.loadRecounted(upn, stored, actual);
    log.warn("repaired agent {}: counted {} tasks but holds {}", upn, stored, actual);
    return true;
  }

  private static final String OPEN_TASKS =
      "(select count(*) from external_task t where t.service_upn = s.upn and t.state in ('InWorkflow','Queued','Offered','Connected','AfterWork'))";

  private List<String> miscountedServices() {
    return jdbc.queryForList("select s.upn from cumulus_service s where s.open_tasks <> " + OPEN_TASKS, String.class);
  }

  private boolean recountService(String upn) {
    Map<String, Object> row =
        jdbc.queryForMap("select s.open_tasks, " + OPEN_TASKS + " as actual from cumulus_service s where s.upn = ? for update", upn);
    int stored = ((Number) row.get("open_tasks")).intValue();
    int actual = ((Number) row.get("actual")).intValue();
    if (stored == actual) {
      return false;
    }
    services.setOpenTasks(upn, actual);
    log.warn("repaired service {}: counted {} open tasks but has {}", upn, stored, actual);
    return true;
  }

  private List<String> orphanTasks() {
    OffsetDateTime settled = OffsetDateTime.now(clock).minus(properties.repairGrace());
    List<Map<String, Object>> open =
        jdbc.queryForList(
            "select id, process_instance_id from external_task where state in ('InWorkflow','Queued','Offered','Connected','AfterWork')"
                + " and created_at < ? order by created_at",
            settled);
    var orphans = new java.util.ArrayList<String>();
    for (int i = 0; i < open.size(); i += 500) {
      var batch = open.subList(i, Math.min(open.size(), i + 500));
      var byInstance = new HashMap<String, String>();
      for (var row : batch) {
        String instance = (String) row.get("process_instance_id");
        if (instance == null) {
          orphans.add((String) row.get("id"));
        } else {
          byInstance.put(instance, (String) row.get("id"));
        }
      }
      Set<String> running = workflow.running(byInstance.keySet());
      byInstance.forEach((instance, id) -> {
        if (!running.contains(instance)) {
          orphans.add(id);
        }
      });
    }
    return orphans;
  }

  private boolean cancelOrphan(String taskId) {
    ExternalTask task = tasks.lock(taskId).orElse(null);
    if (task == null || task.state().isTerminal()) {
      return false;
    }
    if (task.processInstanceId() != null && !workflow.running(List.of(task.processInstanceId())).isEmpty()) {
      return false;
    }
    // the instance is gone: nothing may be written to it any more
    tasks.setProcessInstance(taskId, null);
    transitions.cancel(tasks.find(taskId).orElseThrow(), TaskEvent.SYSTEM, Canceller.system, "repair: the task's process instance no longer runs");
    return true;
  }

  private int each(String kind, List<String> ids, java.util.function.Predicate<String> repair) {
    int done = 0;
    for (String id : ids) {
      try {
        Boolean repaired = transaction.execute(status -> repair.test(id));
        if (Boolean.TRUE.equals(repaired)) {
          done++;
          meters.counter("cumulus.repairs", "kind", kind).increment();
        }
      } catch (RuntimeException e) {
        log.warn("repair {} of {} failed, the next round tries again: {}", kind, id, e.getMessage());
      }
    }
    return done;
  }
}
