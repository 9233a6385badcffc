package dev.cumulus.reports;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** report_task: the task history, one row per task. */
@Component
class TaskHistoryStore {

  static final String COLUMNS =
      "task_id, service_upn, agent_upn, customer_identifier, state, outcome, cancelled_by, created_at, first_queued_at,"
          + " first_offered_at, accepted_at, handled_at, ended_at, offers, declines, ronas, transfers, wait_ms, handle_ms, acw_ms,"
          + " last_event_id";
  private static final String UPDATE =
      "update report_task set service_upn = ?, agent_upn = ?, customer_identifier = ?, state = ?, outcome = ?, cancelled_by = ?,"
          + " created_at = ?, first_queued_at = ?, first_offered_at = ?, accepted_at = ?, handled_at = ?, ended_at = ?, offers = ?,"
          + " declines = ?, ronas = ?, transfers = ?, wait_ms = ?, handle_ms = ?, acw_ms = ?, last_event_id = ? where task_id = ?";
  private static final String INSERT =
      "insert into report_task (service_upn, agent_upn, customer_identifier, state, outcome, cancelled_by, created_at, first_queued_at,"
          + " first_offered_at, accepted_at, handled_at, ended_at, offers, declines, ronas, transfers, wait_ms, handle_ms, acw_ms,"
          + " last_event_id, task_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final JdbcTemplate jdbc;

  TaskHistoryStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Merges what a batch learned of each task into its row. */
  void merge(Collection<TaskFact> facts) {
    if (facts.isEmpty()) {
      return;
    }
    var ids = facts.stream().map(f -> f.taskId).toList();
    Map<String, TaskFact> stored = new HashMap<>();
    for (int i = 0; i < ids.size(); i += 500) {
      var chunk = ids.subList(i, Math.min(ids.size(), i + 500));
      jdbc.query(
          "select " + COLUMNS + " from report_task where task_id in (" + RollupStore.placeholders(chunk.size()) + ")",
          rs -> {
            TaskFact f = read(rs);
            stored.put(f.taskId, f);
          },
          chunk.toArray());
    }
    var updates = new ArrayList<Object[]>();
    var inserts = new ArrayList<Object[]>();
    for (TaskFact fact : facts) {
      TaskFact row = stored.get(fact.taskId);
      if (row == null) {
        inserts.add(values(fact));
      } else {
        row.merge(fact);
        updates.add(values(row));
      }
    }
    if (!updates.isEmpty()) {
      jdbc.batchUpdate(UPDATE, updates);
    }
    if (!inserts.isEmpty()) {
      jdbc.batchUpdate(INSERT, inserts);
    }
  }

  /**
   * Every task created in [from, to) in the given services (null: all), oldest first, handed to
   * {@code each} one by one as the database sends them: the heap holds one fetch, not the result.
   */
  void stream(Instant from, Instant to, Collection<String> services, Consumer<TaskFact> each) {
    if (services != null && services.isEmpty()) {
      return;
    }
    var sql = new StringBuilder("select " + COLUMNS + " from report_task where created_at >= ? and created_at < ?");
    var args = new ArrayList<Object>(List.of(RollupStore.utc(from), RollupStore.utc(to)));
    if (services != null) {
      sql.append(" and service_upn in (").append(RollupStore.placeholders(services.size())).append(")");
      args.addAll(services);
    }
    sql.append(" order by created_at, task_id");
    var streaming = new JdbcTemplate(jdbc.getDataSource());
    streaming.setFetchSize(500);
    streaming.query(sql.toString(), rs -> {
      each.accept(read(rs));
    }, args.toArray());
  }

  /**
   * The tasks created in the range (services and agents null: any; empty: none), in the order of
   * their creation (not within one moment), handed to {@code each} until it answers false.
   */
  void scan(TimeRange time, Collection<String> services, Collection<String> agents, Predicate<TaskFact> each) {
    var args = new ArrayList<Object>();
    String where = where(time, services, agents, args);
    if (where != null) {
      Scans.inOrder(jdbc, "select " + COLUMNS + " from report_task" + where + " order by created_at", args, rs -> each.test(read(rs)));
    }
  }

  long count(TimeRange time, Collection<String> services, Collection<String> agents) {
    var args = new ArrayList<Object>();
    String where = where(time, services, agents, args);
    return where == null ? 0 : jdbc.queryForObject("select count(*) from report_task" + where, Long.class, args.toArray());
  }

  private static String where(TimeRange time, Collection<String> services, Collection<String> agents, List<Object> args) {
    if (services != null && services.isEmpty() || agents != null && agents.isEmpty() || time.isEmpty()) {
      return null;
    }
    var sql = new StringBuilder(" where created_at is not null");
    time.where("created_at", sql, args);
    Scans.in("service_upn", services, sql, args);
    Scans.in("agent_upn", agents, sql, args);
    return sql.toString();
  }

  int forgetCreatedBefore(Instant before) {
    return jdbc.update("delete from report_task where created_at < ?", RollupStore.utc(before));
  }

  private static Object[] values(TaskFact f) {
    return new Object[] {
      f.service, f.agent, f.customerIdentifier, f.state, f.outcome, f.cancelledBy, RollupStore.utc(f.createdAt),
      RollupStore.utc(f.firstQueuedAt), RollupStore.utc(f.firstOfferedAt), RollupStore.utc(f.acceptedAt), RollupStore.utc(f.handledAt),
      RollupStore.utc(f.endedAt), f.offers, f.declines, f.ronas, f.transfers, f.waitMillis, f.handleMillis, f.afterWorkMillis,
      f.lastEventId, f.taskId
    };
  }

  static TaskFact read(ResultSet rs) throws SQLException {
    var f = new TaskFact(rs.getString("task_id"));
    f.service = rs.getString("service_upn");
    f.agent = rs.getString("agent_upn");
    f.customerIdentifier = rs.getString("customer_identifier");
    f.state = rs.getString("state");
    f.outcome = rs.getString("outcome");
    f.cancelledBy = rs.getString("cancelled_by");
    f.createdAt = RollupStore.time(rs, "created_at");
    f.firstQueuedAt = RollupStore.time(rs, "first_queued_at");
    f.firstOfferedAt = RollupStore.time(rs, "first_offered_at");
    f.acceptedAt = RollupStore.time(rs, "accepted_at");
    f.handledAt = RollupStore.time(rs, "handled_at");
    f.endedAt = RollupStore.time(rs, "ended_at");
    f.offers = rs.getInt("offers");
    f.declines = rs.getInt("declines");
    f.ronas = rs.getInt("ronas");
    f.transfers = rs.getInt("transfers");
    f.waitMillis = (Long) rs.getObject("wait_ms", Long.class);
    f.handleMillis = rs.getObject("handle_ms", Long.class);
    f.afterWorkMillis = rs.getObject("acw_ms", Long.class);
    f.lastEventId = rs.getLong("last_event_id");
    return f;
  }
}
