package dev.cumulus.directory;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cumulus.externaltask.Json;
import dev.cumulus.externaltask.TaskStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** The cumulus_service and service_member tables. */
@Repository
public class ServiceStore {

  private static final String COLUMNS =
      "upn, id, display_name, description, rona_timeout_seconds, acw_seconds, max_concurrent_tasks, process_key,"
          + " open_tasks, created_at, updated_at, distribution_type, selection_policy, broadcast_size,"
          + " preferred_wait_seconds, distribute_when_busy, distribute_when_away, persistent_rona, rona_reset_seconds,"
          + " acw_allow_early_end, acw_allow_extension, acw_max_extension_seconds, aging_step_seconds, skill_levels, away_on_missed_offer, service_level_seconds";

  private final JdbcTemplate jdbc;
  private final Json json;

  public ServiceStore(JdbcTemplate jdbc, Json json) {
    this.jdbc = jdbc;
    this.json = json;
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
      jdbc.update("insert into routing_lock (service_upn) values (?)", s.upn());
    }
    DistributionSettings d = s.settings();
    jdbc.update(
        "update cumulus_service set distribution_type = ?, selection_policy = ?, broadcast_size = ?,"
            + " preferred_wait_seconds = ?, distribute_when_busy = ?, distribute_when_away = ?, persistent_rona = ?,"
            + " rona_reset_seconds = ?, acw_allow_early_end = ?, acw_allow_extension = ?, acw_max_extension_seconds = ?,"
            + " aging_step_seconds = ?, skill_levels = ?, away_on_missed_offer = ?, service_level_seconds = ? where upn = ?",
        d.distributionType().name(),
        d.selectionPolicy().name(),
        d.broadcastSize(),
        d.preferredWaitSeconds(),
        d.distributeWhenBusy(),
        d.distributeWhenAway(),
        d.persistentRona(),
        d.ronaResetSeconds(),
        d.acwAllowEarlyEnd(),
        d.acwAllowExtension(),
        d.acwMaxExtensionSeconds(),
        d.agingStepSeconds(),
        d.skillLevels().isEmpty() ? null : json.write(d.skillLevels()),
        d.awayOnMissedOffer(),
        d.serviceLevelSeconds(),
        s.upn());
    // members keep their duty state and RONA flag; those who left lose theirs
    var wanted = new java.util.LinkedHashSet<>(s.members());
    for (String existing : members(s.upn())) {
      if (!wanted.remove(existing)) {
        jdbc.update("delete from service_member where service_upn = ? and user_upn = ?", s.upn(), existing);
      }
    }
    for (String member : wanted) {
      jdbc.update("insert into service_member (service_upn, user_upn) values (?, ?)", s.upn(), member);
    }
    return updated == 0;
  }

  /** The service's settings, without its member list ({@code members()} is null): the hot path needs no more. */
  public Optional<ServiceDefinition> find(String upn) {
    return jdbc.query("select " + COLUMNS + " from cumulus_service where upn = ?", (rs, i) -> map(rs, false), upn)
        .stream()
        .findFirst();
  }

  /** The service with its member list, for the admin API. */
  public Optional<ServiceDefinition> findWithMembers(String upn) {
    return jdbc.query("select " + COLUMNS + " from cumulus_service where upn = ?", (rs, i) -> map(rs, true), upn)
        .stream()
        .findFirst();
  }

  public List<ServiceDefinition> all() {
    return jdbc.query("select " + COLUMNS + " from cumulus_service order by upn", (rs, i) -> map(rs, true));
  }

  public List<String> upns() {
    return jdbc.queryForList("select upn from cumulus_service order by upn", String.class);
  }

  /** Takes the service's routing lock: serializes matching for the service across every node. */
  public boolean lock(String upn) {
    return !jdbc.queryForList("select service_upn from routing_lock where service_upn = ? for update", String.class, upn).isEmpty();
  }

  public void adjustOpenTasks(String upn, int delta) {
    jdbc.update("update cumulus_service set open_tasks = open_tasks + ? where upn = ?", delta, upn);
  }

  /** A repair's recount of the service's open tasks. */
  public void setOpenTasks(String upn, int openTasks) {
    jdbc.update("update cumulus_service set open_tasks = ? where upn = ?", openTasks, upn);
  }

  private static final Object RELEASED = new Object();

  /**
   * One open task fewer, counted right before this transaction commits: the service's row, which
   * every create and end of a task of the service updates, is then locked only for the commit, not
   * across the rest of the change (the workflow's end, events, the outbox). Services in UPN order.
   */
  public void releaseOpenTaskAtCommit(String upn) {
    @SuppressWarnings("unchecked")
    var released = (java.util.Map<String, Integer>) TransactionSynchronizationManager.getResource(RELEASED);
    if (released == null) {
      var fresh = new java.util.TreeMap<String, Integer>();
      TransactionSynchronizationManager.bindResource(RELEASED, fresh);
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void beforeCommit(boolean readOnly) {
          fresh.forEach((service, count) -> adjustOpenTasks(service, -count));
          fresh.clear();
        }

        @Override
        public void afterCompletion(int status) {
          TransactionSynchronizationManager.unbindResourceIfPossible(RELEASED);
        }
      });
      released = fresh;
    }
    released.merge(upn, 1, Integer::sum);
  }

  /**
   * Counts one more open task unless the service is at its maxConcurrentTasks. The row stays locked
   * until commit, so callers do this last.
   */
  public boolean reserveOpenTask(String upn) {
    return jdbc.update("update cumulus_service set open_tasks = open_tasks + 1 where upn = ? and open_tasks < max_concurrent_tasks", upn) == 1;
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

  private ServiceDefinition map(ResultSet rs, boolean withMembers) throws SQLException {
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
        withMembers ? members(upn) : null,
        new DistributionSettings(
            DistributionType.valueOf(rs.getString("distribution_type")),
            SelectionPolicy.valueOf(rs.getString("selection_policy")),
            rs.getInt("broadcast_size"),
            rs.getInt("preferred_wait_seconds"),
            rs.getBoolean("distribute_when_busy"),
            rs.getBoolean("distribute_when_away"),
            rs.getBoolean("persistent_rona"),
            rs.getInt("rona_reset_seconds"),
            rs.getBoolean("acw_allow_early_end"),
            rs.getBoolean("acw_allow_extension"),
            rs.getInt("acw_max_extension_seconds"),
            rs.getInt("aging_step_seconds"),
            json.read(rs.getString("skill_levels"), new TypeReference<List<SkillLevel>>() {}),
            rs.getBoolean("away_on_missed_offer"),
            rs.getInt("service_level_seconds")),
        TaskStore.time(rs, "created_at"),
        TaskStore.time(rs, "updated_at"));
  }

  /** A member's duty state in one service. Returns false when the user is no member. */
  public boolean setDuty(String serviceUpn, String userUpn, boolean onDuty) {
    // going off duty also resets a persistent RONA flag
    return jdbc.update(
            "update service_member set on_duty = ?, rona_until = case when ? then rona_until else null end"
                + " where service_upn = ? and user_upn = ?",
            onDuty,
            onDuty,
            serviceUpn,
            userUpn)
        > 0;
  }

  public void flagRona(String serviceUpn, String userUpn, OffsetDateTime until) {
    jdbc.update("update service_member set rona_until = ? where service_upn = ? and user_upn = ?", until, serviceUpn, userUpn);
  }

  /** Clears the user's RONA flags: in one service, or in all when serviceUpn is null. */
  public int resetRona(String userUpn, String serviceUpn) {
    return serviceUpn == null
        ? jdbc.update("update service_member set rona_until = null where user_upn = ? and rona_until is not null", userUpn)
        : jdbc.update("update service_member set rona_until = null where user_upn = ? and service_upn = ?", userUpn, serviceUpn);
  }

  public void offered(String serviceUpn, String userUpn, OffsetDateTime at) {
    jdbc.update("update service_member set last_offered_at = ? where service_upn = ? and user_upn = ?", at, serviceUpn, userUpn);
  }

  /** A member's state in one service. */
  public record Membership(String serviceUpn, String userUpn, boolean onDuty, OffsetDateTime ronaUntil, OffsetDateTime lastOfferedAt) {}

  public List<Membership> memberships(String userUpn) {
    return jdbc.query(
        "select service_upn, user_upn, on_duty, rona_until, last_offered_at from service_member where user_upn = ? order by service_upn",
        (rs, i) -> new Membership(rs.getString(1), rs.getString(2), rs.getBoolean(3), TaskStore.time(rs, "rona_until"), TaskStore.time(rs, "last_offered_at")),
        userUpn);
  }
}
