package dev.cumulus.routing;

import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Current offers, and the refusals that keep a task from going straight back to who refused it. Only
 * routing writes them (the writes are package-private); the public reads serve views and timers.
 */
@Repository
public class OfferStore {

  private final JdbcTemplate jdbc;

  OfferStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * @param dueAt when the offer times out unanswered (RONA), or for a Broadcast offer when its round
   *     ends; {@code DistributionTimers} acts on it
   */
  void insert(String taskId, String userUpn, OffsetDateTime at, boolean broadcast, OffsetDateTime dueAt) {
    jdbc.update(
        "insert into offer (task_id, user_upn, offered_at, broadcast, due_at) values (?,?,?,?,?)", taskId, userUpn, at, broadcast, dueAt);
  }

  /** Tasks with an offer due (timed out) at {@code now}, the longest overdue first. */
  public List<String> dueTasks(OffsetDateTime now, int limit) {
    return jdbc.queryForList(
        "select task_id from offer where due_at <= ? group by task_id order by min(due_at) fetch first " + limit + " rows only",
        String.class, now);
  }

  /** The agents whose offer of the task is due at {@code now}. */
  public List<String> usersDue(String taskId, OffsetDateTime now) {
    return jdbc.queryForList("select user_upn from offer where task_id = ? and due_at <= ? order by user_upn", String.class, taskId, now);
  }

  /** When the task's current Broadcast round ends (a joined offer ends with it). */
  OffsetDateTime roundDueAt(String taskId) {
    return jdbc.queryForObject("select min(due_at) from offer where task_id = ?", OffsetDateTime.class, taskId);
  }

  void remove(String taskId, String userUpn) {
    jdbc.update("delete from offer where task_id = ? and user_upn = ?", taskId, userUpn);
  }

  public List<String> usersOffered(String taskId) {
    return jdbc.queryForList("select user_upn from offer where task_id = ? order by user_upn", String.class, taskId);
  }

  /** The tasks offered to the user now (a broadcast offer names the user here, not on the task). */
  public List<String> tasksOfferedTo(String userUpn) {
    return jdbc.queryForList("select task_id from offer where user_upn = ? order by offered_at", String.class, userUpn);
  }

  /**
   * Broadcast rounds running now in the user's services with room for more agents (fewer offers than
   * the service's broadcast size), oldest round first, that the user is not part of and did not
   * refuse since {@code refusedAfter}. Duty, RONA flags and presence opt-in are checked here; the
   * caller checks the rest.
   */
  List<String> joinableRounds(String userUpn, String presence, OffsetDateTime now, OffsetDateTime refusedAfter) {
    return jdbc.queryForList(
        "select o.task_id from offer o join external_task t on t.id = o.task_id"
            + " join cumulus_service s on s.upn = t.service_upn"
            + " join service_member m on m.service_upn = t.service_upn and m.user_upn = ?"
            + " where o.broadcast and t.state = 'Offered' and m.on_duty and (m.rona_until is null or m.rona_until <= ?)"
            + " and (? = 'Available' or (? = 'Busy' and s.distribute_when_busy) or (? = 'Away' and s.distribute_when_away))"
            + " and not exists (select 1 from offer mine where mine.task_id = o.task_id and mine.user_upn = ?)"
            + " and not exists (select 1 from task_refusal r where r.task_id = o.task_id and r.user_upn = ? and r.refused_at > ?)"
            + " group by o.task_id, s.broadcast_size having count(*) < s.broadcast_size order by min(o.offered_at), o.task_id",
        String.class,
        userUpn,
        now,
        presence,
        presence,
        presence,
        userUpn,
        userUpn,
        refusedAfter);
  }

  /** When the task's current Broadcast round began (its earliest standing offer). */
  OffsetDateTime roundStartedAt(String taskId) {
    return jdbc.queryForObject("select min(offered_at) from offer where task_id = ?", OffsetDateTime.class, taskId);
  }

  public boolean isBroadcast(String taskId) {
    Integer n = jdbc.queryForObject("select count(*) from offer where task_id = ? and broadcast", Integer.class, taskId);
    return n != null && n > 0;
  }

  void removeAll(String taskId) {
    jdbc.update("delete from offer where task_id = ?", taskId);
  }

  void refused(String taskId, String userUpn, OffsetDateTime at) {
    int updated =
        jdbc.update("update task_refusal set refused_at = ? where task_id = ? and user_upn = ?", at, taskId, userUpn);
    if (updated == 0) {
      jdbc.update("insert into task_refusal (task_id, user_upn, refused_at) values (?,?,?)", taskId, userUpn, at);
    }
  }
}
