package dev.cumulus.invariants;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads one stream's part of the database with plain JDBC: Cumulus's routing tables and, for the
 * workflow checks, Camunda's runtime tables.
 */
final class Db {

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;

  Db(JdbcTemplate jdbc, ObjectMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  // ------------------------------------------------------------------ rows

  record TaskRow(
      String id, long seq, String service, String state, String priority, List<World.Pref> preferred, OffsetDateTime enqueuedAt,
      String assigned, String outcome, OffsetDateTime terminatedAt, String processInstanceId) {}

  record QueueRow(String taskId, String service, int priority, OffsetDateTime enqueuedAt, long seq, OffsetDateTime preferredUntil) {}

  record OfferRow(String taskId, String user, boolean broadcast) {}

  /** handledToday: handled_count when handled_day is today (UTC), 0 when nothing was handled yet, null on another day. */
  record AgentRow(String upn, int capacity, String presence, int activeTasks, OffsetDateTime idleSince, Integer handledToday, String presenceReason) {}

  record MemberRow(String service, String user, boolean onDuty, OffsetDateTime ronaUntil) {}

  record RefusalRow(String taskId, String user, OffsetDateTime refusedAt) {}

  record ServiceRow(
      String upn, int openTasks, int maxConcurrentTasks, String distributionType, int broadcastSize, boolean distributeWhenBusy,
      boolean distributeWhenAway) {

    boolean acceptsPresence(String presence) {
      return presence.equals("Available") || presence.equals("Busy") && distributeWhenBusy || presence.equals("Away") && distributeWhenAway;
    }
  }

  /** A process instance as the engine holds it: its timers (by activity) and open user tasks. */
  record Instance(String id, Set<String> timers, List<String> userTasks) {}

  /** The stream's part of the database after a step. */
  record State(
      Map<String, TaskRow> tasks,
      Map<String, QueueRow> queue,
      List<OfferRow> offers,
      Map<String, AgentRow> agents,
      List<MemberRow> members,
      List<RefusalRow> refusals,
      Map<String, ServiceRow> services,
      Map<String, Instance> instances,
      List<Invariants.EventRow> newEvents) {

  }

  State load(World w) {
    List<String> services = w.services.stream().map(s -> s.upn).toList();
    List<String> agents = w.agents.stream().map(a -> a.upn).toList();

    var tasks = new LinkedHashMap<String, TaskRow>();
    jdbc.query(
        "select id, seq, service_upn, state, distribution_priority, preferred_users, enqueued_at, assigned_user_upn, outcome,"
            + " terminated_at, process_instance_id from external_task where service_upn in (" + marks(services) + ") order by seq",
        rs -> {
          var row =
              new TaskRow(
                  rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), preferred(rs.getString(6)),
                  time(rs, 7), rs.getString(8), rs.getString(9), time(rs, 10), rs.getString(11));
          tasks.put(row.id(), row);
        },
        services.toArray());

    var queue = new LinkedHashMap<String, QueueRow>();
    jdbc.query(
        "select task_id, service_upn, priority, enqueued_at, seq, preferred_until from queue_entry where service_upn in (" + marks(services) + ") or task_id in (" + marksOrNone(tasks.keySet()) + ")",
        rs -> {
          var row = new QueueRow(rs.getString(1), rs.getString(2), rs.getInt(3), time(rs, 4), rs.getLong(5), time(rs, 6));
          queue.put(row.taskId(), row);
        },
        concat(services, tasks.keySet()));

    var offers =
        jdbc.query(
            "select task_id, user_upn, broadcast from offer where user_upn in (" + marks(agents) + ") or task_id in ("
                + marksOrNone(tasks.keySet()) + ") order by task_id, user_upn",
            (rs, i) -> new OfferRow(rs.getString(1), rs.getString(2), rs.getBoolean(3)),
            concat(agents, tasks.keySet()));

    var agentRows = new LinkedHashMap<String, AgentRow>();
    jdbc.query(
        "select upn, capacity, presence, active_tasks, idle_since, handled_day, handled_count, presence_reason from agent where upn in (" + marks(agents)
            + ") order by upn",
        rs -> {
          java.time.LocalDate day = rs.getObject(6, java.time.LocalDate.class);
          Integer handled = day == null ? Integer.valueOf(0) : day.equals(java.time.LocalDate.now(java.time.ZoneOffset.UTC)) ? Integer.valueOf(rs.getInt(7)) : null;
          var row = new AgentRow(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getInt(4), time(rs, 5), handled, rs.getString(8));
          agentRows.put(row.upn(), row);
        },
        agents.toArray());

    // the stream's agents are members of the stream's services only
    var members =
        jdbc.query(
            "select service_upn, user_upn, on_duty, rona_until from service_member where service_upn in (" + marks(services) + ")",
            (rs, i) -> new MemberRow(rs.getString(1), rs.getString(2), rs.getBoolean(3), time(rs, 4)),
            services.toArray());

    // refusals are kept forever: read them by task (the primary key), not by user
    var refusals =
        tasks.isEmpty()
            ? List.<RefusalRow>of()
            : jdbc.query(
                "select task_id, user_upn, refused_at from task_refusal where task_id in (" + marks(tasks.keySet()) + ")",
                (rs, i) -> new RefusalRow(rs.getString(1), rs.getString(2), time(rs, 3)),
                tasks.keySet().toArray());

    var serviceRows = new LinkedHashMap<String, ServiceRow>();
    jdbc.query(
        "select upn, open_tasks, max_concurrent_tasks, distribution_type, broadcast_size, distribute_when_busy, distribute_when_away"
            + " from cumulus_service where upn in (" + marks(services) + ")",
        rs -> {
          var row = new ServiceRow(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getString(4), rs.getInt(5), rs.getBoolean(6), rs.getBoolean(7));
          serviceRows.put(row.upn(), row);
        },
        services.toArray());

    return new State(tasks, queue, offers, agentRows, members, refusals, serviceRows, instances(tasks.values()), events(w.lastEventId));
  }

  /** Every event recorded after the given id, in order: the step's events. */
  List<Invariants.EventRow> events(long afterId) {
    return jdbc.query(
        "select id, task_id, event, state, occurred_at, actor, detail from task_event where id > ? order by id",
        (rs, i) -> eventRow(rs),
        afterId);
  }

  /** Every event of the given tasks, in order. */
  List<Invariants.EventRow> eventsOf(Collection<String> taskIds) {
    if (taskIds.isEmpty()) {
      return List.of();
    }
    return jdbc.query(
        "select id, task_id, event, state, occurred_at, actor, detail from task_event where task_id in (" + marks(taskIds) + ") order by id",
        (rs, i) -> eventRow(rs),
        taskIds.toArray());
  }

  private Invariants.EventRow eventRow(ResultSet rs) throws SQLException {
    return new Invariants.EventRow(
        rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), time(rs, 5), rs.getString(6), detail(rs.getString(7)));
  }

  private Map<String, Instance> instances(Collection<TaskRow> tasks) {
    List<String> ids = tasks.stream().map(TaskRow::processInstanceId).filter(id -> id != null).toList();
    var result = new HashMap<String, Instance>();
    if (ids.isEmpty()) {
      return result;
    }
    Object[] args = ids.toArray();
    for (String id : jdbc.queryForList("select ID_ from ACT_RU_EXECUTION where ID_ in (" + marks(ids) + ")", String.class, args)) {
      result.put(id, new Instance(id, new TreeSet<>(), new ArrayList<>()));
    }
    jdbc.query(
        "select j.PROCESS_INSTANCE_ID_, d.ACT_ID_ from ACT_RU_JOB j left join ACT_RU_JOBDEF d on d.ID_ = j.JOB_DEF_ID_"
            + " where j.PROCESS_INSTANCE_ID_ in (" + marks(ids) + ")",
        rs -> {
          result.computeIfAbsent(rs.getString(1), k -> new Instance(k + " (ended!)", new TreeSet<>(), new ArrayList<>())).timers().add(rs.getString(2));
        },
        args);
    jdbc.query(
        "select PROC_INST_ID_, TASK_DEF_KEY_, ASSIGNEE_ from ACT_RU_TASK where PROC_INST_ID_ in (" + marks(ids) + ") order by TASK_DEF_KEY_",
        rs -> {
          result.computeIfAbsent(rs.getString(1), k -> new Instance(k + " (ended!)", new TreeSet<>(), new ArrayList<>()))
              .userTasks()
              .add(rs.getString(2) + "@" + rs.getString(3));
        },
        args);
    // distribution's own timers, in Cumulus's rows: shown beside the instance's as OfferDue and AfterWorkDue
    var instanceOf = new HashMap<String, String>();
    tasks.stream().filter(t -> t.processInstanceId() != null).forEach(t -> instanceOf.put(t.id(), t.processInstanceId()));
    if (!instanceOf.isEmpty()) {
      Object[] taskIds = instanceOf.keySet().toArray();
      String taskMarks = marks(instanceOf.keySet());
      jdbc.query("select distinct task_id from offer where due_at is not null and task_id in (" + taskMarks + ")",
          rs -> { timersOf(result, instanceOf.get(rs.getString(1))).add(Driver.OFFER_DUE); }, taskIds);
      jdbc.query("select task_id from after_work where task_id in (" + taskMarks + ")",
          rs -> { timersOf(result, instanceOf.get(rs.getString(1))).add(Driver.AFTER_WORK_DUE); }, taskIds);
    }
    return result;
  }

  private static Set<String> timersOf(Map<String, Instance> instances, String id) {
    return instances.computeIfAbsent(id, k -> new Instance(k + " (ended!)", new TreeSet<>(), new ArrayList<>())).timers();
  }

  /**
   * Everything a refused request must leave alone, as text: the stream's rows in our tables, the
   * newest event id, and its process instances' executions, timers, user tasks and variables.
   */
  String snapshot(World w) {
    List<String> services = w.services.stream().map(s -> s.upn).toList();
    List<String> agents = w.agents.stream().map(a -> a.upn).toList();
    List<String> instances =
        jdbc.queryForList(
            "select process_instance_id from external_task where service_upn in (" + marks(services) + ") and process_instance_id is not null",
            String.class,
            services.toArray());
    var sb = new StringBuilder();
    dump(sb, "select * from external_task where service_upn in (" + marks(services) + ") order by seq", services);
    dump(sb, "select * from queue_entry where service_upn in (" + marks(services) + ") order by task_id", services);
    dump(sb, "select * from offer where user_upn in (" + marks(agents) + ") order by task_id, user_upn", agents);
    dump(sb, "select * from agent where upn in (" + marks(agents) + ") order by upn", agents);
    dump(sb, "select * from service_member where service_upn in (" + marks(services) + ") order by service_upn, user_upn", services);
    dump(sb, "select * from task_refusal where task_id in (select id from external_task where service_upn in (" + marks(services)
        + ")) order by task_id, user_upn", services);
    dump(sb, "select * from cumulus_service where upn in (" + marks(services) + ") order by upn", services);
    dump(sb, "select * from task_preferred_user where task_id in (select id from external_task where service_upn in (" + marks(services)
        + ")) order by task_id, user_upn", services);
    dump(sb, "select (select max(id) from task_event), (select count(*) from external_task), (select count(*) from idempotency_record),"
        + " (select count(*) from routing_decision), (select count(*) from webhook_delivery), (select count(*) from ACT_RU_EXECUTION),"
        + " (select count(*) from ACT_RU_JOB)", List.of());
    if (!instances.isEmpty()) {
      dump(sb, "select ID_, REV_, ACT_ID_, IS_ACTIVE_ from ACT_RU_EXECUTION where PROC_INST_ID_ in (" + marks(instances) + ") order by ID_", instances);
      dump(sb, "select ID_, REV_, DUEDATE_, RETRIES_ from ACT_RU_JOB where PROCESS_INSTANCE_ID_ in (" + marks(instances) + ") order by ID_", instances);
      dump(sb, "select ID_, REV_, TASK_DEF_KEY_, ASSIGNEE_ from ACT_RU_TASK where PROC_INST_ID_ in (" + marks(instances) + ") order by ID_", instances);
      dump(sb, "select ID_, REV_, NAME_, TEXT_ from ACT_RU_VARIABLE where PROC_INST_ID_ in (" + marks(instances) + ") order by ID_", instances);
      dump(sb, "select ID_, REV_, EVENT_NAME_ from ACT_RU_EVENT_SUBSCR where PROC_INST_ID_ in (" + marks(instances) + ") order by ID_", instances);
    }
    return sb.toString();
  }

  /** The stream's routing rows, readable, for a failure report. */
  String dumpForReport(World w) {
    List<String> services = w.services.stream().map(s -> s.upn).toList();
    List<String> agents = w.agents.stream().map(a -> a.upn).toList();
    var sb = new StringBuilder();
    sb.append("external_task:\n");
    jdbc.query(
        "select id, seq, service_upn, state, distribution_priority, enqueued_at, assigned_user_upn, outcome, preferred_users from external_task"
            + " where service_upn in (" + marks(services) + ") order by seq",
        rs -> {
          sb.append(String.format("  %s seq=%d %s %s %s enqueued=%s assigned=%s outcome=%s preferred=%s%n", w.nameOf(rs.getString(1)), rs.getLong(2),
              w.nameOf(rs.getString(3)), rs.getString(4), rs.getString(5), time(rs, 6), w.nameOf(rs.getString(7)), rs.getString(8),
              names(w, rs.getString(9))));
        },
        services.toArray());
    sb.append("queue_entry:\n");
    jdbc.query(
        "select task_id, service_upn, priority, enqueued_at, seq, preferred_until from queue_entry where service_upn in (" + marks(services) + ")"
            + " order by service_upn, priority desc, enqueued_at, seq",
        rs -> {
          sb.append(String.format("  %s %s priority=%d enqueued=%s seq=%d preferredUntil=%s%n", w.nameOf(rs.getString(1)), w.nameOf(rs.getString(2)),
              rs.getInt(3), time(rs, 4), rs.getLong(5), time(rs, 6)));
        },
        services.toArray());
    sb.append("offer:\n");
    jdbc.query(
        "select task_id, user_upn, offered_at, broadcast from offer where user_upn in (" + marks(agents) + ")",
        rs -> {
          sb.append(String.format("  %s -> %s at %s%s%n", w.nameOf(rs.getString(1)), w.nameOf(rs.getString(2)), time(rs, 3),
              rs.getBoolean(4) ? " (broadcast)" : ""));
        },
        agents.toArray());
    sb.append("agent:\n");
    jdbc.query(
        "select upn, capacity, presence, active_tasks, idle_since, handled_count, presence_reason from agent where upn in (" + marks(agents)
            + ") order by upn",
        rs -> {
          sb.append(String.format("  %s capacity=%d %s%s active=%d idleSince=%s handled=%d%n", w.nameOf(rs.getString(1)), rs.getInt(2), rs.getString(3),
              rs.getString(7) == null ? "" : " (" + rs.getString(7) + ")", rs.getInt(4), time(rs, 5), rs.getInt(6)));
        },
        agents.toArray());
    sb.append("cumulus_service:\n");
    jdbc.query(
        "select upn, open_tasks, max_concurrent_tasks, acw_seconds, distribution_type, selection_policy, broadcast_size, preferred_wait_seconds,"
            + " distribute_when_busy, distribute_when_away, persistent_rona from cumulus_service where upn in (" + marks(services) + ") order by upn",
        rs -> {
          sb.append(String.format("  %s open=%d max=%d acw=%ds %s %s broadcastSize=%d preferredWait=%ds busy=%s away=%s persistentRona=%s%n",
              w.nameOf(rs.getString(1)), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getString(5), rs.getString(6), rs.getInt(7), rs.getInt(8),
              rs.getBoolean(9), rs.getBoolean(10), rs.getBoolean(11)));
        },
        services.toArray());
    sb.append("service_member:\n");
    jdbc.query(
        "select service_upn, user_upn, on_duty, rona_until, last_offered_at from service_member where service_upn in (" + marks(services) + ")"
            + " order by service_upn, user_upn",
        rs -> {
          sb.append(String.format("  %s %s onDuty=%s ronaUntil=%s lastOffered=%s%n", w.nameOf(rs.getString(1)), w.nameOf(rs.getString(2)),
              rs.getBoolean(3), time(rs, 4), time(rs, 5)));
        },
        services.toArray());
    sb.append("task_refusal:\n");
    jdbc.query(
        "select task_id, user_upn, refused_at from task_refusal where user_upn in (" + marks(agents) + ") order by refused_at",
        rs -> {
          sb.append(String.format("  %s refused by %s at %s%n", w.nameOf(rs.getString(1)), w.nameOf(rs.getString(2)), time(rs, 3)));
        },
        agents.toArray());
    sb.append("task_event:\n");
    for (var e : eventsOf(w.tasks.keySet())) {
      sb.append(String.format("  #%d %s %s -> %s by %s %s%n", e.id(), w.nameOf(e.taskId()), e.event(), e.state(), w.nameOf(e.actor()),
          e.detail().entrySet().stream().map(d -> d.getKey() + "=" + w.nameOf(d.getValue())).collect(Collectors.joining(", ", "{", "}"))));
    }
    return sb.toString();
  }

  long maxEventId() {
    Long max = jdbc.queryForObject("select coalesce(max(id), 0) from task_event", Long.class);
    return max == null ? 0 : max;
  }

  String processInstanceOf(String taskId) {
    return jdbc.queryForObject("select process_instance_id from external_task where id = ?", String.class, taskId);
  }

  private void dump(StringBuilder sb, String sql, List<String> args) {
    sb.append(sql, 0, Math.min(40, sql.length())).append('\n');
    for (Map<String, Object> row : jdbc.queryForList(sql, args.toArray())) {
      sb.append("  ").append(row).append('\n');
    }
  }

  private String names(World w, String preferredJson) {
    return preferred(preferredJson).stream().map(p -> w.nameOf(p.upn()) + ":" + p.priority()).toList().toString();
  }

  private List<World.Pref> preferred(String stored) {
    if (stored == null || stored.isBlank()) {
      return List.of();
    }
    try {
      List<Map<String, Object>> list = json.readValue(stored, new TypeReference<List<Map<String, Object>>>() {});
      return list.stream()
          .map(m -> new World.Pref((String) m.get("upn"), m.get("priority") == null ? 1 : ((Number) m.get("priority")).intValue()))
          .toList();
    } catch (Exception e) {
      throw new IllegalStateException("unreadable preferred_users " + stored, e);
    }
  }

  private Map<String, String> detail(String stored) {
    if (stored == null || stored.isBlank()) {
      return Map.of();
    }
    try {
      return json.readValue(stored, new TypeReference<Map<String, String>>() {});
    } catch (Exception e) {
      throw new IllegalStateException("unreadable event detail " + stored, e);
    }
  }

  static OffsetDateTime time(ResultSet rs, int column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class);
  }

  private static String marks(Collection<?> values) {
    return String.join(",", values.stream().map(v -> "?").toList());
  }

  /** Placeholders, or a never-matching literal for an empty list (H2 and PostgreSQL reject "in ()"). */
  private static String marksOrNone(Collection<?> values) {
    return values.isEmpty() ? "'-'" : marks(values);
  }

  private static Object[] concat(Collection<String> a, Collection<String> b) {
    var all = new ArrayList<Object>(a);
    all.addAll(b);
    return all.toArray();
  }
}
