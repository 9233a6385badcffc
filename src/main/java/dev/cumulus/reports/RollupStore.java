package dev.cumulus.reports;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.BiPredicate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** report_interval (the figures per 15 minutes) and report_presence (each agent's current presence span). */
@Component
class RollupStore {

  private static final List<String> COLUMNS = Tally.columnNames();
  private static final String UPDATE =
      "update report_interval set " + String.join(" = ?, ", COLUMNS) + " = ? where service_upn = ? and agent_upn = ? and bucket_start = ?";
  private static final String INSERT =
      "insert into report_interval (" + String.join(", ", COLUMNS) + ", service_upn, agent_upn, bucket_start) values ("
          + "?, ".repeat(COLUMNS.size()) + "?, ?, ?)";
  private static final String SELECT = "select " + String.join(", ", COLUMNS) + ", service_upn, agent_upn, bucket_start from report_interval";

  private final JdbcTemplate jdbc;

  RollupStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Adds figures to their rows; the caller holds the feed's lock, so no other node writes them
   * meanwhile. The rows of each interval touched are read in one query.
   */
  void add(Map<RowKey, Tally> figures) {
    var stored = new java.util.HashMap<RowKey, Tally>();
    var buckets = figures.keySet().stream().map(RowKey::bucket).distinct().toList();
    for (int i = 0; i < buckets.size(); i += 100) {
      var chunk = buckets.subList(i, Math.min(buckets.size(), i + 100));
      jdbc.query(
          SELECT + " where bucket_start in (" + placeholders(chunk.size()) + ")",
          rs -> {
            var key = new RowKey(time(rs, "bucket_start"), rs.getString("service_upn"), rs.getString("agent_upn"));
            if (figures.containsKey(key)) {
              stored.put(key, Tally.read(rs));
            }
          },
          chunk.stream().map(RollupStore::utc).toArray());
    }
    var updates = new ArrayList<Object[]>();
    var inserts = new ArrayList<Object[]>();
    for (var entry : figures.entrySet()) {
      RowKey key = entry.getKey();
      Tally total = stored.get(key);
      if (total != null) {
        total.addAll(entry.getValue());
      }
      var values = new ArrayList<>((total == null ? entry.getValue() : total).columnValues());
      values.addAll(List.of(key.service(), key.agent(), utc(key.bucket())));
      (total == null ? inserts : updates).add(values.toArray());
    }
    if (!updates.isEmpty()) {
      jdbc.batchUpdate(UPDATE, updates);
    }
    if (!inserts.isEmpty()) {
      jdbc.batchUpdate(INSERT, inserts);
    }
  }

  /**
   * The rows of the 15-minute intervals from {@code from} (inclusive) to {@code to} (exclusive): the
   * service rows of the given services, or the agent rows (in the given services, or every service
   * when null) with the agents' presence rows; agents null means every agent. Each row is added
   * into the tally {@code into} names for it (null: not wanted).
   */
  void read(Instant from, Instant to, boolean agentRows, Collection<String> services, Collection<String> agents, Function<RowKey, Tally> into) {
    if (services != null && services.isEmpty() || agents != null && agents.isEmpty()) {
      return;
    }
    var sql = new StringBuilder(SELECT).append(" where bucket_start >= ? and bucket_start < ?");
    var args = new ArrayList<Object>(List.of(utc(from), utc(to)));
    sql.append(agentRows ? " and agent_upn <> ''" : " and agent_upn = ''");
    if (agentRows && agents != null) {
      sql.append(" and agent_upn in (").append(placeholders(agents.size())).append(")");
      args.addAll(agents);
    }
    if (services != null) {
      sql.append(agentRows ? " and (service_upn = '' or service_upn in (" : " and (service_upn in (").append(placeholders(services.size())).append("))");
      args.addAll(services);
    }
    jdbc.query(sql.toString(), rs -> {
      Tally target = into.apply(new RowKey(time(rs, "bucket_start"), rs.getString("service_upn"), rs.getString("agent_upn")));
      if (target != null) {
        // straight from the row: its histograms are merged without being built first
        target.addRow(rs);
      }
    }, args.toArray());
  }

  /**
   * The service rows, or the agent rows (agent in a service, and presence rows: service ""), in the
   * order of their intervals (not within one), handed to {@code each} until it answers false; the
   * database sends them a fetch at a time. True when every row was handed over.
   */
  boolean scan(TimeRange time, boolean agentRows, Collection<String> services, Collection<String> agents, BiPredicate<RowKey, Tally> each) {
    var args = new ArrayList<Object>();
    String where = where(time, agentRows, services, agents, args);
    if (where == null) {
      return true;
    }
    return Scans.inOrder(jdbc, SELECT + where + " order by bucket_start", args, rs ->
        each.test(new RowKey(time(rs, "bucket_start"), rs.getString("service_upn"), rs.getString("agent_upn")), Tally.read(rs)));
  }

  /** How many rows {@link #scan} would hand over. */
  long count(TimeRange time, boolean agentRows, Collection<String> services, Collection<String> agents) {
    var args = new ArrayList<Object>();
    String where = where(time, agentRows, services, agents, args);
    return where == null ? 0 : jdbc.queryForObject("select count(*) from report_interval" + where, Long.class, args.toArray());
  }

  /** The where clause of service or agent rows (services and agents null: any; empty: none), or null when none can match. */
  private static String where(TimeRange time, boolean agentRows, Collection<String> services, Collection<String> agents, List<Object> args) {
    if (services != null && services.isEmpty() || agents != null && agents.isEmpty() || time.isEmpty()) {
      return null;
    }
    var sql = new StringBuilder(agentRows ? " where agent_upn <> ''" : " where agent_upn = ''");
    time.where("bucket_start", sql, args);
    Scans.in("agent_upn", agents, sql, args);
    Scans.in("service_upn", services, sql, args);
    return sql.toString();
  }

  /** Each agent's presence span that has not ended yet. */
  record Span(String agent, String presence, Instant since) {}

  Optional<Span> presence(String agent) {
    return jdbc.query("select agent_upn, presence, since from report_presence where agent_upn = ?", this::span, agent).stream().findFirst();
  }

  List<Span> presences(Collection<String> agents) {
    if (agents != null && agents.isEmpty()) {
      return List.of();
    }
    String sql = "select agent_upn, presence, since from report_presence";
    if (agents == null) {
      return jdbc.query(sql, this::span);
    }
    return jdbc.query(sql + " where agent_upn in (" + placeholders(agents.size()) + ")", this::span, agents.toArray());
  }

  void setPresence(Span span) {
    if (jdbc.update("update report_presence set presence = ?, since = ? where agent_upn = ?", span.presence(), utc(span.since()), span.agent()) == 0) {
      jdbc.update("insert into report_presence (agent_upn, presence, since) values (?, ?, ?)", span.agent(), span.presence(), utc(span.since()));
    }
  }

  /** Figures older than the retention go (docs/reports.md, "Retention"). */
  int forgetBefore(Instant before) {
    return jdbc.update("delete from report_interval where bucket_start < ?", utc(before));
  }

  private Span span(ResultSet rs, int i) throws SQLException {
    return new Span(rs.getString("agent_upn"), rs.getString("presence"), time(rs, "since"));
  }

  static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(Math.max(n, 1), "?"));
  }

  static OffsetDateTime utc(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }

  static Instant time(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
