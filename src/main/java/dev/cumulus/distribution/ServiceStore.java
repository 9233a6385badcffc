package dev.cumulus.distribution;

import dev.cumulus.externaltask.TaskStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The cumulus_service and service_member tables. */
@Repository
public class ServiceStore {

  private static final String COLUMNS =
      "upn, id, display_name, description, rona_timeout_seconds, acw_seconds, max_concurrent_tasks, process_key,"
          + " open_tasks, created_at, updated_at";

  private final JdbcTemplate jdbc;

  public ServiceStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Creates or replaces the settings and members; open_tasks is never overwritten. Returns true if created. */
  public boolean upsert(ServiceDefinition s, OffsetDateTime now) {
    int updated =
        jdbc.update(
            "update cumulus_service set display_name = ?, description = ?, rona_timeout_seconds = ?, acw_seconds = ?,"
                + " max_concurrent_tasks = ?, process_key = ?, updated_at = ? where upn = ?",
            s.displayName(),
            s.description(),
            s.ronaTimeoutSeconds(),
            s.acwSeconds(),
            s.maxConcurrentTasks(),
            s.processKey(),
            now,
            s.upn());
    if (updated == 0) {
      jdbc.update(
          "insert into cumulus_service (upn, id, display_name, description, rona_timeout_seconds, acw_seconds,"
              + " max_concurrent_tasks, process_key, open_tasks, created_at, updated_at)"
              + " values (?,?,?,?,?,?,?,?,0,?,?)",
          s.upn(),
          UUID.randomUUID().toString(),
          s.displayName(),
          s.description(),
          s.ronaTimeoutSeconds(),
          s.acwSeconds(),
          s.maxConcurrentTasks(),
          s.processKey(),
          now,
          now);
    }
    jdbc.update("delete from service_member where service_upn = ?", s.upn());
    for (String member : s.members()) {
      jdbc.update("insert into service_member (service_upn, user_upn) values (?, ?)", s.upn(), member);
    }
    return updated == 0;
  }

  public Optional<ServiceDefinition> find(String upn) {
    return jdbc.query("select " + COLUMNS + " from cumulus_service where upn = ?", (rs, i) -> map(rs), upn)
        .stream()
        .findFirst();
  }

  public List<ServiceDefinition> all() {
    return jdbc.query("select " + COLUMNS + " from cumulus_service order by upn", (rs, i) -> map(rs));
  }

  public List<String> upns() {
    return jdbc.queryForList("select upn from cumulus_service order by upn", String.class);
  }

  /** Locks the service row: serializes matching for the service across every node. */
  public boolean lock(String upn) {
    return !jdbc.queryForList("select upn from cumulus_service where upn = ? for update", String.class, upn).isEmpty();
  }

  public void adjustOpenTasks(String upn, int delta) {
    jdbc.update("update cumulus_service set open_tasks = open_tasks + ? where upn = ?", delta, upn);
  }

  public long totalOpenTasks() {
    Long n = jdbc.queryForObject("select coalesce(sum(open_tasks), 0) from cumulus_service", Long.class);
    return n == null ? 0 : n;
  }

  public List<String> members(String upn) {
    return jdbc.queryForList(
        "select user_upn from service_member where service_upn = ? order by user_upn", String.class, upn);
  }

  public boolean isMember(String serviceUpn, String userUpn) {
    Integer n =
        jdbc.queryForObject(
            "select count(*) from service_member where service_upn = ? and user_upn = ?",
            Integer.class,
            serviceUpn,
            userUpn);
    return n != null && n > 0;
  }

  private ServiceDefinition map(ResultSet rs) throws SQLException {
    String upn = rs.getString("upn");
    return new ServiceDefinition(
        upn,
        rs.getString("id"),
        rs.getString("display_name"),
        rs.getString("description"),
        rs.getInt("rona_timeout_seconds"),
        rs.getInt("acw_seconds"),
        rs.getInt("max_concurrent_tasks"),
        rs.getString("process_key"),
        rs.getInt("open_tasks"),
        members(upn),
        TaskStore.time(rs, "created_at"),
        TaskStore.time(rs, "updated_at"));
  }
}
