package dev.cumulus.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cumulus.support.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the invariants straight from the database the nodes share, through its own JDBC connection.
 * {@link #snapshot()} checks one consistent snapshot (REPEATABLE READ: every statement of the
 * transaction sees the same committed state); {@link #run()} does that every 200 ms until stopped.
 * Breaches are collected, never thrown from the thread, and asserted by the test at the end.
 */
final class InvariantChecker implements Runnable, AutoCloseable {

  static final Set<String> HELD = Set.of("Offered", "Connected", "AfterWork");
  static final Set<String> TERMINAL = Set.of("Completed", "Cancelled", "Expired");
  /** Events that end an offer. */
  static final Set<String> OFFER_ENDS = Set.of("Accepted", "Declined", "Rona", "Transferred", "Cancelled", "Expired", "Repaired");

  /** An agent who was Offline (acknowledged) from {@code from} until it asked to be Available at {@code until}. */
  record OfflineWindow(String agent, Instant from, Instant until) {}

  /** One row of task_event. */
  private record Ev(long id, String event, OffsetDateTime at, String detail) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_KEPT = 50;

  private final Connection connection;
  private final ConcurrentLinkedQueue<String> breaches = new ConcurrentLinkedQueue<>();
  private final AtomicInteger breachCount = new AtomicInteger();
  private final AtomicLong snapshots = new AtomicLong();
  private final AtomicInteger maxHeldAtOnce = new AtomicInteger();
  private final AtomicInteger snapshotErrors = new AtomicInteger();
  private volatile boolean stopped;

  InvariantChecker(PostgresServer.Database db) throws SQLException {
    this.connection = DriverManager.getConnection(db.url(), db.user(), db.password());
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    connection.setReadOnly(true);
  }

  @Override
  public void run() {
    while (!stopped) {
      try {
        snapshot();
      } catch (SQLException e) {
        // a snapshot that could not be read proves nothing either way; the next one is read 200 ms later
        snapshotErrors.incrementAndGet();
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  void stop() {
    stopped = true;
  }

  /** Invariants 1 and 2 on one consistent snapshot of the shared database. */
  synchronized void snapshot() throws SQLException {
    try {
      // invariant 1: at most one offer per task, only for Offered tasks, naming the task's agent
      query(
          "select task_id, count(*) as n, string_agg(user_upn, ',') as users from offer group by task_id having count(*) > 1",
          rs -> breach("inv1: task " + rs.getString("task_id") + " is offered to " + rs.getInt("n") + " agents at once: " + rs.getString("users")));
      query(
          "select o.task_id, o.user_upn, t.state, t.assigned_user_upn from offer o join external_task t on t.id = o.task_id"
              + " where t.state <> 'Offered' or t.assigned_user_upn is null or t.assigned_user_upn <> o.user_upn",
          rs -> breach("inv1: offer row of task " + rs.getString("task_id") + " to " + rs.getString("user_upn")
              + " but the task is " + rs.getString("state") + " assigned to " + rs.getString("assigned_user_upn")));
      query(
          "select t.id, t.assigned_user_upn from external_task t where t.state = 'Offered'"
              + " and not exists (select 1 from offer o where o.task_id = t.id)",
          rs -> breach("inv1: task " + rs.getString("id") + " is Offered to " + rs.getString("assigned_user_upn") + " without an offer row"));
      // invariant 2: nobody who is not Available now got an offer after their presence changed
      query(
          "select o.task_id, o.user_upn, o.offered_at, a.presence, a.presence_changed_at from offer o join agent a on a.upn = o.user_upn"
              + " where a.presence <> 'Available' and o.offered_at > a.presence_changed_at",
          rs -> breach("inv2: task " + rs.getString("task_id") + " offered to " + rs.getString("user_upn") + " at "
              + rs.getObject("offered_at", OffsetDateTime.class) + " although " + rs.getString("presence") + " since "
              + rs.getObject("presence_changed_at", OffsetDateTime.class)));
      // invariant 2: nobody over capacity, and the load counter matches the tasks the agent holds
      int[] held = {0};
      query(
          "select a.upn, a.capacity, a.active_tasks, a.presence,"
              + " (select count(*) from external_task t where t.assigned_user_upn = a.upn"
              + "  and t.state in ('Offered', 'Connected', 'AfterWork')) as holding"
              + " from agent a",
          rs -> {
            int capacity = rs.getInt("capacity");
            int active = rs.getInt("active_tasks");
            int holding = rs.getInt("holding");
            held[0] += holding;
            if (active > capacity || holding > capacity) {
              breach("inv2: agent " + rs.getString("upn") + " over capacity " + capacity + ": active_tasks " + active + ", holds " + holding);
            }
            if (active != holding) {
              breach("inv2: agent " + rs.getString("upn") + " has active_tasks " + active + " but holds " + holding + " tasks");
            }
          });
      maxHeldAtOnce.accumulateAndGet(held[0], Math::max);
      snapshots.incrementAndGet();
    } finally {
      connection.rollback();
    }
  }

  /**
   * Invariant 1 over time (every Offered followed by an end of that offer before the next Offered),
   * invariant 2 for presence (no Offered event to an agent strictly inside one of its Offline
   * windows, shortened by {@code marginMillis} at both ends) and invariant 5 (every task terminal with
   * exactly one terminal event, its last, matching its state). Returns per-event counts.
   */
  synchronized Map<String, Integer> checkHistories(List<OfflineWindow> offline, long marginMillis) throws SQLException {
    var counts = new LinkedHashMap<String, Integer>();
    var tasks = new HashMap<String, String>();
    try {
      query("select id, state from external_task", rs -> tasks.put(rs.getString("id"), rs.getString("state")));
      var histories = new HashMap<String, List<Ev>>();
      query(
          "select id, task_id, event, occurred_at, detail from task_event order by task_id, id",
          rs ->
              histories
                  .computeIfAbsent(rs.getString("task_id"), k -> new ArrayList<>())
                  .add(new Ev(rs.getLong("id"), rs.getString("event"), rs.getObject("occurred_at", OffsetDateTime.class), rs.getString("detail"))));
      for (var task : tasks.entrySet()) {
        String id = task.getKey();
        List<Ev> history = histories.getOrDefault(id, List.of());
        boolean offered = false;
        int terminal = 0;
        for (Ev e : history) {
          counts.merge(e.event(), 1, Integer::sum);
          if (e.event().equals("Offered")) {
            if (offered) {
              breach("inv1: task " + id + " offered again (event " + e.id() + ") before its previous offer ended: " + names(history));
            }
            offered = true;
            String agent = field(e.detail(), "userUpn");
            Instant at = e.at().toInstant();
            for (OfflineWindow w : offline) {
              if (w.agent().equals(agent)
                  && at.isAfter(w.from().plusMillis(marginMillis))
                  && at.isBefore(w.until().minusMillis(marginMillis))) {
                breach("inv2: task " + id + " offered to " + agent + " at " + at + " while Offline from " + w.from() + " to " + w.until());
              }
            }
          } else if (OFFER_ENDS.contains(e.event())) {
            offered = false;
          }
          if (TERMINAL.contains(e.event())) {
            terminal++;
          }
          String reason = field(e.detail(), "reason");
          if (e.event().equals("Cancelled") && reason != null && reason.startsWith("repair:")) {
            // the sweeper found the task open while its process instance had ended: the two disagreed
            breach("inv5: task " + id + " was cancelled by a repair (" + reason + "): " + names(history));
          }
        }
        String state = task.getValue();
        if (!TERMINAL.contains(state)) {
          breach("inv5: task " + id + " ended the run in state " + state + ": " + names(history));
        } else if (terminal != 1) {
          breach("inv5: task " + id + " has " + terminal + " terminal events: " + names(history));
        } else if (!history.get(history.size() - 1).event().equals(state)) {
          breach("inv5: task " + id + " is " + state + " but its last event is not: " + names(history));
        }
      }
      for (String id : histories.keySet()) {
        if (!tasks.containsKey(id)) {
          breach("inv5: events of an unknown task " + id);
        }
      }
    } finally {
      connection.rollback();
    }
    return counts;
  }

  /** A single number from the database. */
  synchronized long number(String sql, Object... args) throws SQLException {
    try (var statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } finally {
      connection.rollback();
    }
  }

  /** The first column of every row. */
  synchronized List<String> strings(String sql, Object... args) throws SQLException {
    var out = new ArrayList<String>();
    try (var statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    } finally {
      connection.rollback();
    }
    return out;
  }

  void breach(String message) {
    if (breachCount.incrementAndGet() <= MAX_KEPT) {
      breaches.add(Instant.now() + " " + message);
    }
  }

  List<String> breaches() {
    return List.copyOf(breaches);
  }

  int breachCount() {
    return breachCount.get();
  }

  long snapshots() {
    return snapshots.get();
  }

  int snapshotErrors() {
    return snapshotErrors.get();
  }

  int maxHeldAtOnce() {
    return maxHeldAtOnce.get();
  }

  @Override
  public void close() throws SQLException {
    stop();
    connection.close();
  }

  private interface Row {
    void accept(ResultSet rs) throws SQLException;
  }

  private void query(String sql, Row row) throws SQLException {
    try (var statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      while (rs.next()) {
        row.accept(rs);
      }
    }
  }

  private static String field(String detail, String name) {
    if (detail == null) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(detail);
      return node.path(name).asText(null);
    } catch (Exception e) {
      return null;
    }
  }

  /** The events of a task as "event#id at time", for a readable report. */
  private static String names(List<Ev> history) {
    return history.stream().map(e -> e.event() + "#" + e.id() + "@" + e.at().toInstant()).toList().toString();
  }
}
