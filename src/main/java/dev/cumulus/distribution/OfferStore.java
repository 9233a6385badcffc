package dev.cumulus.distribution;

import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Current offers, and the refusals that keep a task from going straight back to who refused it. */
@Repository
public class OfferStore {

  private final JdbcTemplate jdbc;

  public OfferStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public void insert(String taskId, String userUpn, OffsetDateTime at, boolean broadcast) {
    jdbc.update("insert into offer (task_id, user_upn, offered_at, broadcast) values (?,?,?,?)", taskId, userUpn, at, broadcast);
  }

  public void remove(String taskId, String userUpn) {
    jdbc.update("delete from offer where task_id = ? and user_upn = ?", taskId, userUpn);
  }

  public List<String> usersOffered(String taskId) {
    return jdbc.queryForList("select user_upn from offer where task_id = ? order by user_upn", String.class, taskId);
  }

  /** The tasks offered to the user now (a broadcast offer names the user here, not on the task). */
  public List<String> tasksOfferedTo(String userUpn) {
    return jdbc.queryForList("select task_id from offer where user_upn = ? order by offered_at", String.class, userUpn);
  }

  public boolean isBroadcast(String taskId) {
    Integer n = jdbc.queryForObject("select count(*) from offer where task_id = ? and broadcast", Integer.class, taskId);
    return n != null && n > 0;
  }

  public void removeAll(String taskId) {
    jdbc.update("delete from offer where task_id = ?", taskId);
  }

  public void refused(String taskId, String userUpn, OffsetDateTime at) {
    int updated =
        jdbc.update("update task_refusal set refused_at = ? where task_id = ? and user_upn = ?", at, taskId, userUpn);
    if (updated == 0) {
      jdbc.update("insert into task_refusal (task_id, user_upn, refused_at) values (?,?,?)", taskId, userUpn, at);
    }
  }
}
