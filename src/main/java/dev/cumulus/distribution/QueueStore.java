package dev.cumulus.distribution;

import dev.cumulus.externaltask.ExternalTask;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The queue: one row per waiting task, indexed in queue order (service, priority descending, age,
 * creation order) so that "next task" and "position" are answered from the index.
 */
@Repository
public class QueueStore {

  private final JdbcTemplate jdbc;

  public QueueStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Puts the task in its service's queue with its original age. */
  public void enqueue(ExternalTask task, OffsetDateTime enqueuedAt) {
    jdbc.update("delete from queue_entry where task_id = ?", task.id());
    jdbc.update(
        "insert into queue_entry (task_id, service_upn, priority, enqueued_at, seq) values (?,?,?,?,?)",
        task.id(),
        task.serviceUpn(),
        task.priority().rank(),
        enqueuedAt,
        task.seq());
  }

  public void remove(String taskId) {
    jdbc.update("delete from queue_entry where task_id = ?", taskId);
  }

  public void move(String taskId, String serviceUpn) {
    jdbc.update("update queue_entry set service_upn = ? where task_id = ?", serviceUpn, taskId);
  }

  public void reprioritize(String taskId, int rank) {
    jdbc.update("update queue_entry set priority = ? where task_id = ?", rank, taskId);
  }

  /** 1 = next; empty when the task is not in a queue. */
  public Optional<Long> position(String taskId) {
    var entry =
        jdbc.queryForList(
            "select service_upn, priority, enqueued_at, seq from queue_entry where task_id = ?", taskId);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    var e = entry.get(0);
    Object enqueuedAt = e.get("enqueued_at");
    Long ahead =
        jdbc.queryForObject(
            "select count(*) from queue_entry where service_upn = ? and (priority > ? or (priority = ? and"
                + " (enqueued_at < ? or (enqueued_at = ? and seq < ?))))",
            Long.class,
            e.get("service_upn"),
            e.get("priority"),
            e.get("priority"),
            enqueuedAt,
            enqueuedAt,
            e.get("seq"));
    return Optional.of((ahead == null ? 0 : ahead) + 1);
  }

  public long size(String serviceUpn) {
    Long n = jdbc.queryForObject("select count(*) from queue_entry where service_upn = ?", Long.class, serviceUpn);
    return n == null ? 0 : n;
  }

  /** The first tasks of a service's queue, in queue order. */
  public List<String> head(String serviceUpn, int limit) {
    return jdbc.queryForList(
        "select task_id from queue_entry where service_upn = ? order by priority desc, enqueued_at, seq limit ?",
        String.class,
        serviceUpn,
        limit);
  }

  /** The highest-ordered task, over all the agent's services, that the agent may take now. */
  public Optional<String> nextFor(String userUpn, OffsetDateTime refusedAfter, String excludedTaskId) {
    return jdbc.queryForList(
            "select q.task_id from queue_entry q"
                + " join service_member m on m.service_upn = q.service_upn and m.user_upn = ?"
                + " where q.task_id <> ? and not exists (select 1 from task_refusal r where r.task_id = q.task_id"
                + " and r.user_upn = ? and r.refused_at > ?)"
                + " order by q.priority desc, q.enqueued_at, q.seq limit 1",
            String.class,
            userUpn,
            excludedTaskId == null ? "" : excludedTaskId,
            userUpn,
            refusedAfter)
        .stream()
        .findFirst();
  }

  public List<String> servicesWithQueuedTasks() {
    return jdbc.queryForList("select distinct service_upn from queue_entry order by service_upn", String.class);
  }
}
