package dev.cumulus.directory;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cumulus.externaltask.Json;
import dev.cumulus.externaltask.TaskStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** The agent table: routing state of users. */
@Repository
public class AgentStore {

  static final String COLUMNS =
      "a.upn, a.display_name, a.capacity, a.presence, a.presence_changed_at, a.idle_since, a.active_tasks, a.skills,"
          + " a.handled_day, a.handled_count, a.presence_reason";

  private final JdbcTemplate jdbc;
  private final Json json;
  private final Clock clock;
  private final RowMapper<Agent> mapper = this::map;

  public AgentStore(JdbcTemplate jdbc, Json json, Clock clock) {
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
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

  /** The presence the agent (or a supervisor) set: any reason Cumulus had set goes. */
  public void setPresence(String upn, Presence presence, OffsetDateTime now, boolean becameAvailable) {
    jdbc.update(
        "update agent set presence = ?, presence_reason = null, presence_changed_at = ?,"
            + " idle_since = case when ? then ? else idle_since end, updated_at = ? where upn = ?",
        presence.name(),
        now,
        becameAvailable,
        now,
        now,
        upn);
  }

  /** Cumulus sets the agent Away, for the given reason (see {@link Agent#routingPresence()}). */
  public void setAwayFor(String upn, String reason, OffsetDateTime now) {
    jdbc.update(
        "update agent set presence = ?, presence_reason = ?, presence_changed_at = ?, updated_at = ? where upn = ?",
        Presence.Away.name(), reason, now, now, upn);
  }

  /**
   * Appends an agent's own change (presence, duty, RONA reset, profile) to agent_change, which the
   * live pages of every node read to learn what changed. Append-only: no row is contended.
   */
  public void recordChange(String upn, String kind, OffsetDateTime at) {
    jdbc.update("insert into agent_change (user_upn, kind, occurred_at) values (?, ?, ?)", upn, kind, at);
  }

  /** A presence change, with the presence the agent went to: reports count time per presence from these. */
  public void recordPresence(String upn, Presence presence, OffsetDateTime at) {
    jdbc.update(
        "insert into agent_change (user_upn, kind, occurred_at, presence) values (?, 'presence', ?, ?)", upn, at, presence.name());
  }

  /*
   * The agent's load (active_tasks, and idle_since and the handled count as a task leaves them) is
   * routing's to change: it calls these as it makes and ends offers (PackageRulesTest).
   */

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

  /** A repair's recount of the agent's load. */
  public void setActiveTasks(String upn, int activeTasks) {
    jdbc.update("update agent set active_tasks = ? where upn = ?", activeTasks, upn);
  }

  /** Old agent_change rows are only needed while live pages may still be behind them. */
  public void forgetChangesBefore(OffsetDateTime before) {
    jdbc.update("delete from agent_change where occurred_at < ?", before);
  }

  /** Whether a member on duty, present as the service allows, has free capacity (skills and flags aside). */
  public boolean anyFree(String serviceUpn) {
    return countFree(serviceUpn) > 0;
  }

  /** Members on duty with room for a task and a presence the service distributes to. */
  public int countFree(String serviceUpn) {
    Integer n =
        jdbc.queryForObject(
            "select count(*) from agent a join service_member m on m.user_upn = a.upn join cumulus_service s on s.upn = m.service_upn"
                + " where m.service_upn = ? and m.on_duty and a.active_tasks < a.capacity and a.presence_reason is null"
                + " and (a.presence = 'Available' or (a.presence = 'Busy' and s.distribute_when_busy)"
                + " or (a.presence = 'Away' and s.distribute_when_away))",
            Integer.class,
            serviceUpn);
    return n == null ? 0 : n;
  }

  /** Members on duty who are not Offline (nor Away for a missed offer), whatever their load. */
  public int countOnDuty(String serviceUpn) {
    Integer n =
        jdbc.queryForObject(
            "select count(*) from agent a join service_member m on m.user_upn = a.upn"
                + " where m.service_upn = ? and m.on_duty and a.presence <> 'Offline' and a.presence_reason is null",
            Integer.class,
            serviceUpn);
    return n == null ? 0 : n;
  }


  public List<String> servicesOf(String upn) {
    return jdbc.queryForList(
        "select service_upn from service_member where user_upn = ? order by service_upn", String.class, upn);
  }

  Agent map(ResultSet rs, int row) throws SQLException {
    LocalDate day = rs.getObject("handled_day", LocalDate.class);
    List<String> skills = json.read(rs.getString("skills"), new TypeReference<List<String>>() {});
    return new Agent(
        rs.getString("upn"),
        rs.getString("display_name"),
        rs.getInt("capacity"),
        Presence.valueOf(rs.getString("presence")),
        TaskStore.time(rs, "presence_changed_at"),
        TaskStore.time(rs, "idle_since"),
        rs.getInt("active_tasks"),
        skills == null ? List.of() : skills,
        LocalDate.now(clock.withZone(ZoneOffset.UTC)).equals(day) ? rs.getInt("handled_count") : 0,
        rs.getString("presence_reason"));
  }

  public void setSkills(String upn, List<String> skills) {
    jdbc.update("update agent set skills = ? where upn = ?", skills == null || skills.isEmpty() ? null : json.write(skills), upn);
  }

  /** Counts a handled task for "least busy"; the count starts again every day (UTC). */
  public void handled(String upn) {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    jdbc.update(
        "update agent set handled_count = case when handled_day = ? then handled_count + 1 else 1 end, handled_day = ? where upn = ?",
        today,
        today,
        upn);
  }

  /** The members of a service with their state there, and when each last refused the given task. */
  public List<Member> members(String serviceUpn, String taskId) {
    return jdbc.query(
        "select "
            + COLUMNS
            + ", m.on_duty, m.rona_until, m.last_offered_at,"
            + " (select max(r.refused_at) from task_refusal r where r.task_id = ? and r.user_upn = a.upn) as refused_at"
            + " from agent a join service_member m on m.user_upn = a.upn where m.service_upn = ? order by a.upn",
        (rs, i) ->
            new Member(
                map(rs, i),
                rs.getBoolean("on_duty"),
                TaskStore.time(rs, "rona_until"),
                TaskStore.time(rs, "last_offered_at"),
                TaskStore.time(rs, "refused_at")),
        taskId,
        serviceUpn);
  }
}
