package dev.cumulus.externaltask;

import com.fasterxml.jackson.core.type.TypeReference;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;

/** Appends task events and hands each one to every {@link TaskEventListener}. */
@Component
public class TaskEvents {

  private final JdbcTemplate jdbc;
  private final TaskStore tasks;
  private final Json json;
  private final Clock clock;
  private final ObjectProvider<TaskEventListener> listeners;

  public TaskEvents(
      JdbcTemplate jdbc, TaskStore tasks, Json json, Clock clock, ObjectProvider<TaskEventListener> listeners) {
    this.jdbc = jdbc;
    this.tasks = tasks;
    this.json = json;
    this.clock = clock;
    this.listeners = listeners;
  }

  /** Records the event against the task as it now stands (after the caller's change). */
  public TaskEvent record(String taskId, TaskEventType type, String actor, Map<String, String> detail) {
    ExternalTask task = tasks.find(taskId).orElseThrow(() -> new IllegalStateException("no task " + taskId));
    // as stored (PostgreSQL and H2 keep microseconds): listeners, such as the webhook payload, see the time a read shows
    OffsetDateTime now = OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
    Map<String, String> details = detail == null ? Map.of() : new LinkedHashMap<>(detail);
    var keys = new GeneratedKeyHolder();
    jdbc.update(
        con -> {
          var ps =
              con.prepareStatement(
                  "insert into task_event (task_id, event, state, occurred_at, actor, detail, service_upn, user_upn)"
                      + " values (?,?,?,?,?,?,?,?)",
                  new String[] {"id"});
          ps.setString(1, taskId);
          ps.setString(2, type.name());
          ps.setString(3, task.state().name());
          ps.setObject(4, now);
          ps.setString(5, actor);
          ps.setString(6, details.isEmpty() ? null : json.write(details));
          ps.setString(7, task.serviceUpn());
          ps.setString(8, concerned(details, task));
          return ps;
        },
        keys);
    var event = new TaskEvent(keys.getKey().longValue(), taskId, type, task.state(), now, actor, details);
    listeners.orderedStream().forEach(l -> l.onTaskEvent(event, task));
    return event;
  }

  /** The one agent the event concerns (offered to, accepted by, ...), or null: reports count it for them. */
  private static String concerned(Map<String, String> detail, ExternalTask task) {
    String user = detail.getOrDefault("userUpn", task.assignedUserUpn());
    return user == null || user.contains(",") ? null : user;
  }

  public TaskEvent record(String taskId, TaskEventType type, String actor) {
    return record(taskId, type, actor, Map.of());
  }

  /**
   * Forgets, a chunk at a time, the events of tasks that ended before {@code endedBefore} whose ids are
   * at most {@code upToId} (what reports have counted). Returns how many went.
   */
  public int forgetEndedBefore(OffsetDateTime endedBefore, long upToId, int chunk) {
    return jdbc.update(
        "delete from task_event where id in (select e.id from task_event e join external_task t on t.id = e.task_id"
            + " where e.id <= ? and t.terminated_at < ? fetch first " + Math.max(1, chunk) + " rows only)",
        upToId,
        endedBefore);
  }

  public List<TaskEvent> of(String taskId) {
    return jdbc.query(
        "select id, task_id, event, state, occurred_at, actor, detail from task_event where task_id = ? order by id",
        (rs, i) ->
            new TaskEvent(
                rs.getLong("id"),
                rs.getString("task_id"),
                TaskEventType.valueOf(rs.getString("event")),
                TaskState.valueOf(rs.getString("state")),
                TaskStore.time(rs, "occurred_at"),
                rs.getString("actor"),
                detail(rs.getString("detail"))),
        taskId);
  }

  private Map<String, String> detail(String stored) {
    Map<String, String> d = json.read(stored, new TypeReference<Map<String, String>>() {});
    return d == null ? Map.of() : d;
  }
}
