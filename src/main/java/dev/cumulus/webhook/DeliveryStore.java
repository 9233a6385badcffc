package dev.cumulus.webhook;

import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The webhook_delivery table: the transactional outbox of task events. */
@Repository
class DeliveryStore {

  /**
   * One outbox row as the worker needs it: {@code eventId} is the task_event it carries, {@code attempts}
   * the sends so far; {@code live} is false once its trigger was deleted.
   */
  record Delivery(
      long id, String subscriptionId, String taskId, long eventId, String url, String payload, int attempts, boolean live) {}

  /** A new row: one event for one subscription. */
  record NewDelivery(String subscriptionId, String taskId, long eventId, String url, String payload) {}

  /*
   * Due rows, but only the oldest undelivered row of each (subscription, task): a row that failed
   * holds back the task's later events, so each subscriber sees a task's events in order.
   * SKIP LOCKED lets several nodes claim side by side without sending a row twice at once; H2 2.3
   * accepts the same clause, so one statement serves both databases.
   */
  private static final String CLAIM =
      "select d.id, d.subscription_id, d.task_id, d.event_id, d.url, d.payload, d.attempts,"
          + " case when exists (select 1 from webhook_subscription s where s.id = d.subscription_id) then 1 else 0 end as live"
          + " from webhook_delivery d"
          + " where d.delivered_at is null and d.next_attempt_at <= ?"
          + " and not exists (select 1 from webhook_delivery e where e.subscription_id = d.subscription_id"
          + " and e.task_id = d.task_id and e.delivered_at is null and e.id < d.id)"
          + " order by d.id"
          + " limit ?"
          + " for update skip locked";

  private final JdbcTemplate jdbc;

  DeliveryStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  void insert(List<NewDelivery> rows, OffsetDateTime now) {
    jdbc.batchUpdate(
        "insert into webhook_delivery (subscription_id, task_id, event_id, url, payload, created_at, attempts, next_attempt_at)"
            + " values (?,?,?,?,?,?,0,?)",
        rows,
        rows.size(),
        (ps, row) -> {
          ps.setString(1, row.subscriptionId());
          ps.setString(2, row.taskId());
          ps.setLong(3, row.eventId());
          ps.setString(4, row.url());
          ps.setString(5, row.payload());
          ps.setObject(6, now);
          ps.setObject(7, now);
        });
  }

  /** Locks the returned rows until the caller's transaction ends; call it inside one. */
  List<Delivery> claimDue(OffsetDateTime now, int limit) {
    return jdbc.query(
        CLAIM,
        (rs, i) ->
            new Delivery(
                rs.getLong("id"),
                rs.getString("subscription_id"),
                rs.getString("task_id"),
                rs.getLong("event_id"),
                rs.getString("url"),
                rs.getString("payload"),
                rs.getInt("attempts"),
                rs.getInt("live") == 1),
        now,
        limit);
  }

  void markDelivered(long id, int attempts, OffsetDateTime at) {
    jdbc.update("update webhook_delivery set attempts = ?, delivered_at = ?, last_error = null where id = ?", attempts, at, id);
  }

  void markFailed(long id, int attempts, String error, OffsetDateTime nextAttemptAt) {
    jdbc.update(
        "update webhook_delivery set attempts = ?, last_error = ?, next_attempt_at = ? where id = ?",
        attempts,
        error,
        nextAttemptAt,
        id);
  }

  /** Given up rows count as done: they stop holding back the task's later events. */
  void markGaveUp(long id, int attempts, String error, OffsetDateTime at) {
    jdbc.update(
        "update webhook_delivery set attempts = ?, last_error = ?, delivered_at = ? where id = ?", attempts, error, at, id);
  }

  void delete(long id) {
    jdbc.update("delete from webhook_delivery where id = ?", id);
  }

  int deletePending(String subscriptionId) {
    return jdbc.update("delete from webhook_delivery where subscription_id = ? and delivered_at is null", subscriptionId);
  }

  /** Deletes up to {@code limit} rows delivered (or given up) before the cutoff; returns how many. */
  int deleteDoneBefore(OffsetDateTime cutoff, int limit) {
    return jdbc.update(
        "delete from webhook_delivery where id in"
            + " (select id from webhook_delivery where delivered_at < ? order by id limit ?)",
        cutoff,
        limit);
  }
}
