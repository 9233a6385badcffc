package dev.cumulus.externaltask;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Metrics at /actuator/prometheus: {@code cumulus_task_events_total{event=...}} counts committed
 * state changes; {@code cumulus_tasks{state=...}} and {@code cumulus_queue_size{service=...}} are
 * read from the database every few seconds, so every node reports the cluster's numbers.
 */
@Component
class TaskMetrics implements TaskEventListener {

  private final Map<TaskEventType, Counter> counters = new EnumMap<>(TaskEventType.class);
  private final Map<TaskState, AtomicLong> byState = new EnumMap<>(TaskState.class);
  private final MultiGauge queueSize;
  private final JdbcTemplate jdbc;

  TaskMetrics(MeterRegistry registry, JdbcTemplate jdbc) {
    this.jdbc = jdbc;
    for (TaskEventType type : TaskEventType.values()) {
      counters.put(type, Counter.builder("cumulus.task.events").tag("event", type.name()).description("task events").register(registry));
    }
    for (TaskState state : TaskState.OPEN) {
      var value = new AtomicLong();
      byState.put(state, value);
      Gauge.builder("cumulus.tasks", value, AtomicLong::get).tag("state", state.name()).description("open tasks by state").register(registry);
    }
    queueSize = MultiGauge.builder("cumulus.queue.size").description("tasks waiting per service").register(registry);
  }

  @Override
  public void onTaskEvent(TaskEvent event, ExternalTask task) {
    Counter counter = counters.get(event.event());
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              counter.increment();
            }
          });
    } else {
      counter.increment();
    }
  }

  @Scheduled(fixedDelay = 5000, initialDelay = 1000)
  void refresh() {
    byState.values().forEach(v -> v.set(0));
    jdbc.query(
        "select state, count(*) as n from external_task where state in ('InWorkflow','Queued','Offered','Connected','AfterWork') group by state",
        rs -> {
          byState.get(TaskState.valueOf(rs.getString("state"))).set(rs.getLong("n"));
        });
    queueSize.register(
        jdbc.query(
            "select service_upn, count(*) as n from queue_entry group by service_upn",
            (rs, i) -> MultiGauge.Row.of(Tags.of("service", rs.getString("service_upn")), rs.getLong("n"))),
        true);
  }
}
