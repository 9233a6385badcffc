package dev.cumulus.distribution;

import dev.cumulus.externaltask.TaskStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** The agent table: routing state of users. */
@Repository
public class AgentStore {

  private static final String COLUMNS =
      "a.upn, a.display_name, a.capacity, a.presence, a.presence_changed_at, a.idle_since, a.active_tasks";

  private final JdbcTemplate jdbc;
  private final RowMapper<Agent> mapper = AgentStore::map;

  public AgentStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public void upsert(String upn, String displayName, int capacity, OffsetDateTime now) {
    int updated =
        jdbc.update(
            "update agent set display_name = ?, capacity = ?, updated_at = ? where upn = ?",
            displayName,
            capacity,
            now,
            upn);
    if (updated == 0) {
      jdbc.update(
          "insert into agent (upn, display_name, capacity, presence, presence_changed_at, idle_since, active_tasks,"
              + " created_at, updated_at) values (?,?,?,?,?,?,0,?,?)",
          upn,
          displayName,
          capacity,
          Presence.Offline.name(),
          now,
          now,
          now,
          now);
    }
  }

  public Optional<Agent> find(String upn) {
    return jdbc.query("select " + COLUMNS + " from agent a where a.upn = ?", mapper, upn).stream().findFirst();
  }

  public Optional<Agent> lock(String upn) {
    return jdbc.query("select " + COLUMNS + " from agent a where a.upn = ? for update", mapper, upn)
        .stream()
        .findFirst();
  }

  public List<Agent> all() {
    return jdbc.query("select " + COLUMNS + " from agent a order by a.upn", mapper);
  }

  public boolean exists(String upn) {
    Integer n = jdbc.queryForObject("select count(*) from agent where upn = ?", Integer.class, upn);
    return n != null && n > 0;
  }

  public List<String> existing(List<String> upns) {
    if (upns.isEmpty()) {
      return List.of();
    }
    String marks = String.join(",", upns.stream().map(u -> "?").toList());
    return jdbc.queryForList("select upn from agent where upn in (" + marks + ")", String.class, upns.toArray());
  }

  public void setPresence(String upn, Presence presence, OffsetDateTime now, boolean becameAvailable) {
    jdbc.update(
        "update agent set presence = ?, presence_changed_at = ?, idle_since = case when ? then ? else idle_since end,"
            + " updated_at = ? where upn = ?",
        presence.name(),
        now,
        becameAvailable,
        now,
        now,
        upn);
  }

  public void taskTaken(String upn) {
    jdbc.update("update agent set active_tasks = active_tasks + 1 where upn = ?", upn);
  }

  /** A task left the agent: one slot is free again, and the agent counts as idle from now on. */
  public void taskReleased(String upn, OffsetDateTime now) {
    jdbc.update(
        "update agent set active_tasks = case when active_tasks > 0 then active_tasks - 1 else 0 end,"
            + " idle_since = ? where upn = ?",
        now,
        upn);
  }

  /** Agents of a service who could take a task now, longest idle first, without those who refused it lately. */
  public List<Agent> eligibleFor(String serviceUpn, String taskId, OffsetDateTime refusedAfter) {
    return jdbc.query(
        "select "
            + COLUMNS
            + " from agent a join service_member m on m.user_upn = a.upn"
            + " where m.service_upn = ? and a.presence = 'Available' and a.active_tasks < a.capacity"
            + " and not exists (select 1 from task_refusal r where r.task_id = ? and r.user_upn = a.upn"
            + " and r.refused_at > ?)"
            + " order by a.idle_since, a.upn",
        mapper,
        serviceUpn,
        taskId,
        refusedAfter);
  }

  public boolean anyFree(String serviceUpn) {
    Integer n =
        jdbc.queryForObject(
            "select count(*) from agent a join service_member m on m.user_upn = a.upn"
                + " where m.service_upn = ? and a.presence = 'Available' and a.active_tasks < a.capacity",
            Integer.class,
            serviceUpn);
    return n != null && n > 0;
  }

  public List<String> servicesOf(String upn) {
    return jdbc.queryForList(
        "select service_upn from service_member where user_upn = ? order by service_upn", String.class, upn);
  }

  private static Agent map(ResultSet rs, int row) throws SQLException {
    return new Agent(
        rs.getString("upn"),
        rs.getString("display_name"),
        rs.getInt("capacity"),
        Presence.valueOf(rs.getString("presence")),
        TaskStore.time(rs, "presence_changed_at"),
        TaskStore.time(rs, "idle_since"),
        rs.getInt("active_tasks"));
  }
}
