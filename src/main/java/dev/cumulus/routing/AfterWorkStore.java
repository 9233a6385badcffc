package dev.cumulus.routing;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Tasks in after-work and when their after-work time is over (a distribution timer). Only routing
 * writes them ({@link Distributor#startAfterWork} and the like); the public reads serve the timers.
 */
@Repository
public class AfterWorkStore {

  private final JdbcTemplate jdbc;

  AfterWorkStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  void start(String taskId, String userUpn, OffsetDateTime dueAt) {
    jdbc.update("insert into after_work (task_id, user_upn, due_at) values (?,?,?)", taskId, userUpn, dueAt);
  }

  /** Moves the end of a running after-work time; false when the task is not in after-work. */
  boolean reschedule(String taskId, OffsetDateTime dueAt) {
    return jdbc.update("update after_work set due_at = ? where task_id = ?", dueAt, taskId) > 0;
  }

  public Optional<OffsetDateTime> dueAt(String taskId) {
    return jdbc.queryForList("select due_at from after_work where task_id = ?", OffsetDateTime.class, taskId).stream().findFirst();
  }

  void end(String taskId) {
    jdbc.update("delete from after_work where task_id = ?", taskId);
  }

  /** Tasks whose after-work time is over at {@code now}, the longest overdue first. */
  public List<String> due(OffsetDateTime now, int limit) {
    return jdbc.queryForList(
        "select task_id from after_work where due_at <= ? order by due_at fetch first " + limit + " rows only", String.class, now);
  }
}
