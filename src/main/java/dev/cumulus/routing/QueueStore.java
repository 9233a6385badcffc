package dev.cumulus.routing;

import dev.cumulus.directory.DistributionType;
import dev.cumulus.directory.Presence;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskStore;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The queue: one row per waiting task, indexed in queue order (service, priority descending, age,
 * creation order) so that "next task" and "position" are answered from the index. Only routing reads and
 * writes it; others read positions through {@link QueuePositions}.
 */
@Repository
class QueueStore {

  private final JdbcTemplate jdbc;

  QueueStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A queued task's place: effective priority (after aging), its own priority, age, window. */
  public record Entry(
      String taskId, String serviceUpn, int priority, int basePriority, OffsetDateTime enqueuedAt, long seq, OffsetDateTime preferredUntil) {}

  /** Puts the task in its service's queue with its original age. */
  public void enqueue(ExternalTask task, OffsetDateTime enqueuedAt, int effectivePriority, OffsetDateTime preferredUntil) {
    jdbc.update("delete from queue_entry where task_id = ?", task.id());
    jdbc.update(
        "insert into queue_entry (task_id, service_upn, priority, base_priority, enqueued_at, seq, preferred_until)"
            + " values (?,?,?,?,?,?,?)",
        task.id(),
        task.serviceUpn(),
        effectivePriority,
        task.priority().rank(),
        enqueuedAt,
        task.seq(),
        preferredUntil);
  }

  public Optional<Entry> entry(String taskId) {
    return jdbc.query(
            "select task_id, service_upn, priority, base_priority, enqueued_at, seq, preferred_until from queue_entry where task_id = ?",
            (rs, i) ->
                new Entry(
                    rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), TaskStore.time(rs, "enqueued_at"), rs.getLong(6),
                    TaskStore.time(rs, "preferred_until")),
            taskId)
        .stream()
        .findFirst();
  }

  /** Aging: raises waiting tasks of one priority to the next once they waited long enough. */
  public int raise(String serviceUpn, int from, int to, OffsetDateTime enqueuedBefore) {
    return jdbc.update(
        "update queue_entry set priority = ? where service_upn = ? and priority = ? and enqueued_at <= ?",
        to,
        serviceUpn,
        from,
        enqueuedBefore);
  }

  /**
   * Opens the queue to everyone for tasks whose window ended, or none of whose preferred users could
   * take them soon any more: a member on duty in the service, not Offline (nor Away for a missed
   * offer), who has not refused the task since {@code refusedAfter}.
   */
  public int widenWindows(String serviceUpn, OffsetDateTime now, OffsetDateTime refusedAfter) {
    return jdbc.update(
        "update queue_entry set preferred_until = null where service_upn = ? and preferred_until is not null and"
            + " (preferred_until <= ? or not exists (select 1 from task_preferred_user p join service_member m"
            + " on m.user_upn = p.user_upn and m.service_upn = queue_entry.service_upn join agent a on a.upn = p.user_upn"
            + " where p.task_id = queue_entry.task_id and m.on_duty and a.presence <> 'Offline' and a.presence_reason is null"
            + " and not exists (select 1 from task_refusal r where r.task_id = p.task_id and r.user_upn = p.user_upn"
            + " and r.refused_at > ?)))",
        serviceUpn,
        now,
        refusedAfter);
  }

  public void remove(String taskId) {
    jdbc.update("delete from queue_entry where task_id = ?", taskId);
  }

  public void reprioritize(String taskId, int basePriority, int effectivePriority) {
    jdbc.update("update queue_entry set priority = ?, base_priority = ? where task_id = ?", effectivePriority, basePriority, taskId);
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

  /** The first {@code limit} entries of the service's queue, in queue order. */
  public List<Entry> headEntries(String serviceUpn, int limit) {
    return jdbc.query(
        "select task_id, service_upn, priority, base_priority, enqueued_at, seq, preferred_until from queue_entry where service_upn = ?"
            + " order by priority desc, enqueued_at, seq limit ?",
        (rs, i) ->
            new Entry(
                rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), TaskStore.time(rs, "enqueued_at"), rs.getLong(6),
                TaskStore.time(rs, "preferred_until")),
        serviceUpn,
        limit);
  }

  /** Queue order: effective priority, then age, then creation order. */
  static final java.util.Comparator<Entry> ORDER =
      java.util.Comparator.comparingInt((Entry e) -> -e.priority()).thenComparing(Entry::enqueuedAt).thenComparingLong(Entry::seq);

  /**
   * The highest-ordered tasks, over all the agent's services, that the agent may take now as far as
   * the database can tell (duty, RONA flag, presence opt-in, refusals, preferred-user windows, not a
   * Pickup task, by its service's setting or its own); skills are checked by the caller.
   *
   * <p>One query per service the agent may take tasks from, each walking that service's queue in index
   * order and stopping after {@code limit} rows, merged here: a join over all services would read every
   * queued row of them to sort (10,000 queued cost tens of milliseconds). In a Pickup service only the
   * tasks whose workflow chose another distribution type count; they are found from their routing row.
   */
  public List<Entry> nextFor(
      String userUpn, Presence presence, OffsetDateTime now, OffsetDateTime refusedAfter, String excludedTaskId, int limit) {
    List<Map<String, Object>> memberships =
        jdbc.queryForList(
            "select m.service_upn, s.distribution_type from service_member m join cumulus_service s on s.upn = m.service_upn"
                + " where m.user_upn = ? and m.on_duty and (m.rona_until is null or m.rona_until <= ?)"
                + " and (? = 'Available' or (? = 'Busy' and s.distribute_when_busy) or (? = 'Away' and s.distribute_when_away))",
            userUpn,
            now,
            presence.name(),
            presence.name(),
            presence.name());
    String eligible =
        " q.service_upn = ? and q.task_id <> ?"
            + " and (q.preferred_until is null or q.preferred_until <= ? or exists (select 1 from task_preferred_user p"
            + " where p.task_id = q.task_id and p.user_upn = ?))"
            + " and not exists (select 1 from task_refusal r where r.task_id = q.task_id and r.user_upn = ? and r.refused_at > ?)"
            + " order by q.priority desc, q.enqueued_at, q.seq limit ?";
    String columns = "select q.task_id, q.service_upn, q.priority, q.base_priority, q.enqueued_at, q.seq, q.preferred_until";
    var merged = new ArrayList<Entry>();
    for (Map<String, Object> membership : memberships) {
      boolean pickup = DistributionType.Pickup.name().equals(membership.get("distribution_type"));
      String sql =
          pickup
              ? columns + " from task_routing tr join queue_entry q on q.task_id = tr.task_id"
                  + " where tr.distribution_type is not null and tr.distribution_type <> 'Pickup' and" + eligible
              : columns + " from queue_entry q left join task_routing tr on tr.task_id = q.task_id"
                  + " where (tr.distribution_type is null or tr.distribution_type <> 'Pickup') and" + eligible;
      merged.addAll(
          jdbc.query(
              sql,
              (rs, i) ->
                  new Entry(
                      rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), TaskStore.time(rs, "enqueued_at"), rs.getLong(6),
                      TaskStore.time(rs, "preferred_until")),
              membership.get("service_upn"),
              excludedTaskId == null ? "" : excludedTaskId,
              now,
              userUpn,
              userUpn,
              refusedAfter,
              limit));
    }
    merged.sort(ORDER);
    return merged.size() > limit ? List.copyOf(merged.subList(0, limit)) : merged;
  }

  public List<String> servicesWithQueuedTasks() {
    return jdbc.queryForList("select distinct service_upn from queue_entry order by service_upn", String.class);
  }
}
