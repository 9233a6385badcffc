package dev.cumulus.console;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cumulus.console.AgentSnapshot.Result;
import dev.cumulus.console.AgentSnapshot.ServiceDuty;
import dev.cumulus.console.AgentSnapshot.Session;
import dev.cumulus.console.DashboardSnapshot.AgentRow;
import dev.cumulus.console.DashboardSnapshot.HeldTask;
import dev.cumulus.console.DashboardSnapshot.Kpis;
import dev.cumulus.console.DashboardSnapshot.QueuedTask;
import dev.cumulus.console.DashboardSnapshot.ServiceBoard;
import dev.cumulus.directory.Agent;
import dev.cumulus.directory.AgentStore;
import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.directory.ServiceSupervisors;
import dev.cumulus.externaltask.Json;
import dev.cumulus.externaltask.TaskStore;
import dev.cumulus.lifecycle.ExternalTaskView;
import dev.cumulus.lifecycle.TaskViews;
import dev.cumulus.reports.ReportRow;
import dev.cumulus.reports.Reports;
import dev.cumulus.security.IdentityDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The pages' read model: what an agent or a supervisor sees now, read from the database (task rows,
 * offers, events, agents), never from one node's memory, so every node shows the same.
 */
@Component
class ConsoleReads {

  private static final List<String> QUEUE_ORDER =
      List.of("Queued", "InWorkflow", "Offered", "Connected", "AfterWork");

  private final JdbcTemplate jdbc;
  private final TaskViews tasks;
  private final TaskStore taskStore;
  private final ServiceStore services;
  private final AgentStore agents;
  private final ServiceSupervisors supervisors;
  private final IdentityDirectory directory;
  private final Reports reports;
  private final ConsoleProperties properties;
  private final Json json;
  private final Clock clock;

  ConsoleReads(
      JdbcTemplate jdbc, TaskViews tasks, TaskStore taskStore, ServiceStore services, AgentStore agents,
      ServiceSupervisors supervisors, IdentityDirectory directory, Reports reports, ConsoleProperties properties, Json json, Clock clock) {
    this.jdbc = jdbc;
    this.tasks = tasks;
    this.taskStore = taskStore;
    this.services = services;
    this.agents = agents;
    this.supervisors = supervisors;
    this.directory = directory;
    this.reports = reports;
    this.properties = properties;
    this.json = json;
    this.clock = clock;
  }

  /** The services a viewer's dashboard shows: all for admins, the supervised ones for supervisors (the API's rule). */
  List<String> visibleServices(Viewer viewer) {
    return supervisors.scopeOf(viewer.caller()).orElseGet(services::upns);
  }

  /** A service the viewer may read the figures of, for the reports page's filter. */
  record ServiceChoice(String serviceUpn, String displayName, int serviceLevelSeconds) {}

  /** The viewer's services (the dashboard's), by display name. */
  @Transactional(readOnly = true)
  public List<ServiceChoice> serviceChoices(Viewer viewer) {
    return visibleServices(viewer).stream()
        .map(services::find)
        .flatMap(java.util.Optional::stream)
        .map(s -> new ServiceChoice(s.upn(), s.displayName(), s.settings().serviceLevelSeconds()))
        .sorted(Comparator.comparing(ServiceChoice::displayName, String.CASE_INSENSITIVE_ORDER).thenComparing(ServiceChoice::serviceUpn))
        .toList();
  }

  @Transactional(readOnly = true)
  public AgentSnapshot agent(String upn) {
    OffsetDateTime now = OffsetDateTime.now(clock);
    Agent agent = agents.find(upn).orElse(null);
    var me =
        agent == null
            ? new AgentSnapshot.Me(upn, upn, "Offline", null, 1, 0)
            : new AgentSnapshot.Me(upn, agent.displayName(), agent.presence().name(), agent.presenceReason(), agent.capacity(), agent.activeTasks());
    var definitions = new HashMap<String, ServiceDefinition>();
    var duty = new ArrayList<ServiceDuty>();
    for (var m : services.memberships(upn)) {
      ServiceDefinition s = service(definitions, m.serviceUpn());
      if (s != null) {
        var d = s.settings();
        duty.add(
            new ServiceDuty(
                s.upn(), s.displayName(), m.onDuty(), m.ronaUntil(), d.acwAllowEarlyEnd(), d.acwAllowExtension(), d.acwMaxExtensionSeconds()));
      }
    }
    Map<String, OffsetDateTime> offeredAt = new HashMap<>();
    jdbc.query(
        "select task_id, offered_at from offer where user_upn = ?",
        rs -> {
          offeredAt.put(rs.getString("task_id"), TaskStore.time(rs, "offered_at"));
        },
        upn);
    var offers = new ArrayList<Session>();
    var connected = new ArrayList<Session>();
    var afterWork = new ArrayList<Session>();
    for (ExternalTaskView view : tasks.sessions(upn)) {
      ServiceDefinition s = service(definitions, view.serviceUpn());
      switch (view.state()) {
        case "Offered" -> {
          OffsetDateTime at = offeredAt.get(view.id());
          if (at != null) {
            // only the offers made to this agent (a task names one agent; a broadcast offers it to several)
            OffsetDateTime ends = s == null ? null : at.plusSeconds(s.ronaTimeoutSeconds());
            offers.add(new Session(view, at, ends, null, false, false));
          }
        }
        case "Connected" -> connected.add(new Session(view, null, null, null, false, false));
        case "AfterWork" -> {
          boolean extended = taskStore.afterWorkExtended(view.id());
          var settings = s == null ? null : s.settings();
          afterWork.add(
              new Session(
                  view, null, null, afterWorkEndsAt(view.id()), settings != null && settings.acwAllowEarlyEnd(),
                  settings != null && settings.acwAllowExtension() && !extended));
        }
        default -> {}
      }
    }
    offers.sort(Comparator.comparing(Session::offeredAt));
    return new AgentSnapshot(now, me, duty, offers, connected, afterWork, results(upn, now));
  }

  /** When after-work ends: the last start or extension plus its seconds (each starts a new counter). */
  private OffsetDateTime afterWorkEndsAt(String taskId) {
    var ends = new OffsetDateTime[1];
    jdbc.query(
        "select occurred_at, detail from task_event where task_id = ? and event in ('AfterWorkStarted', 'AfterWorkExtended') order by id",
        rs -> {
          Map<String, String> detail = json.read(rs.getString("detail"), new TypeReference<Map<String, String>>() {});
          String seconds = detail == null ? null : detail.get("seconds");
          if (seconds != null) {
            ends[0] = TaskStore.time(rs, "occurred_at").plusSeconds(Long.parseLong(seconds));
          }
        },
        taskId);
    return ends[0];
  }

  private List<Result> results(String upn, OffsetDateTime now) {
    OffsetDateTime midnight = startOfDay(now);
    var results = new ArrayList<Result>();
    jdbc.query(
        "select id, title, service_upn, customer_identifier, outcome, terminated_at from external_task"
            + " where last_connected_user_upn = ? and terminated_at >= ? order by terminated_at desc limit 100",
        rs -> {
          results.add(
              new Result(
                  rs.getString("id"), rs.getString("title"), rs.getString("service_upn"), rs.getString("customer_identifier"),
                  rs.getString("outcome"), TaskStore.time(rs, "terminated_at")));
        },
        upn,
        midnight);
    // declines and offers that timed out: the session results of the reference product's My Sessions
    jdbc.query(
        "select e.task_id, e.event, e.actor, e.detail, e.occurred_at, t.title, t.service_upn, t.customer_identifier"
            + " from task_event e join external_task t on t.id = e.task_id"
            + " where ((e.event = 'Declined' and e.actor = ?) or (e.event = 'Rona' and e.detail like ?))"
            + " and e.occurred_at >= ? order by e.id desc limit 200",
        rs -> {
          String event = rs.getString("event");
          boolean mine =
              event.equals("Declined")
                  ? upn.equalsIgnoreCase(rs.getString("actor"))
                  : usersIn(rs.getString("detail")).stream().anyMatch(upn::equalsIgnoreCase);
          if (mine) {
            results.add(
                new Result(
                    rs.getString("task_id"), rs.getString("title"), rs.getString("service_upn"), rs.getString("customer_identifier"),
                    event.equals("Rona") ? "RONA" : "Declined", TaskStore.time(rs, "occurred_at")));
          }
        },
        upn,
        "%" + upn + "%",
        midnight);
    results.sort(Comparator.comparing(Result::at).reversed());
    return results.size() > 100 ? List.copyOf(results.subList(0, 100)) : results;
  }

  /** The user UPNs an event's detail names ("userUpn", comma-separated for a broadcast). */
  List<String> usersIn(String detailJson) {
    Map<String, String> detail = json.read(detailJson, new TypeReference<Map<String, String>>() {});
    String users = detail == null ? null : detail.get("userUpn");
    return users == null ? List.of() : Arrays.stream(users.split(",")).map(String::trim).filter(u -> !u.isEmpty()).toList();
  }

  @Transactional(readOnly = true)
  public DashboardSnapshot dashboard(Viewer viewer) {
    OffsetDateTime now = OffsetDateTime.now(clock);
    List<String> visible = visibleServices(viewer);
    Map<String, ReportRow> today = reports.today(visible);
    var boards = new ArrayList<ServiceBoard>();
    for (String upn : visible) {
      services.findWithMembers(upn).ifPresent(s -> boards.add(board(s, Set.copyOf(visible), today.get(upn), now)));
    }
    String displayName = directory.displayName(viewer.upn()).filter(n -> !n.isBlank()).orElse(viewer.upn());
    return new DashboardSnapshot(now, viewer.upn(), displayName, reports.defaultZone().getId(), boards);
  }

  private ServiceBoard board(ServiceDefinition service, Set<String> visible, ReportRow today, OffsetDateTime now) {
    var open = new ArrayList<>(tasks.open(service.upn(), properties.queueLimit()));
    open.sort(
        Comparator.comparingInt((ExternalTaskView t) -> QUEUE_ORDER.indexOf(t.state()))
            .thenComparing(t -> t.queuePosition() == null ? Long.MAX_VALUE : t.queuePosition())
            .thenComparing(t -> t.enqueuedAt() == null ? t.created() : t.enqueuedAt()));
    var rows =
        open.stream()
            .map(t -> new QueuedTask(t, t.processInstanceId() == null ? null : "/camunda/app/cockpit/default/#/process-instance/" + t.processInstanceId() + "/runtime"))
            .toList();
    return new ServiceBoard(
        service.upn(), service.displayName(), service.settings().distributionType().name(), service.ronaTimeoutSeconds(),
        service.settings().serviceLevelSeconds(), kpis(service.upn(), today, now), rows, agentRows(service.upn(), visible));
  }

  private List<AgentRow> agentRows(String serviceUpn, Set<String> visible) {
    var held = new HashMap<String, List<HeldTask>>();
    jdbc.query(
        "select t.id, t.title, t.state, t.service_upn, t.assigned_user_upn from external_task t"
            + " join service_member m on m.user_upn = t.assigned_user_upn"
            + " where m.service_upn = ? and t.state in ('Offered', 'Connected', 'AfterWork') order by t.seq",
        rs -> {
          // tasks of services the viewer does not supervise count in activeTasks, but are not shown
          if (visible.contains(rs.getString("service_upn"))) {
            held.computeIfAbsent(rs.getString("assigned_user_upn"), k -> new ArrayList<>())
                .add(new HeldTask(rs.getString("id"), rs.getString("title"), rs.getString("state"), rs.getString("service_upn")));
          }
        },
        serviceUpn);
    return jdbc.query(
        "select a.upn, a.display_name, a.presence, a.presence_reason, a.capacity, a.active_tasks, m.on_duty from service_member m"
            + " join agent a on a.upn = m.user_upn where m.service_upn = ? order by a.display_name, a.upn",
        (rs, i) ->
            new AgentRow(
                rs.getString("upn"), rs.getString("display_name"), rs.getString("presence"), rs.getString("presence_reason"), rs.getBoolean("on_duty"),
                rs.getInt("capacity"), rs.getInt("active_tasks"), held.getOrDefault(rs.getString("upn"), List.of())),
        serviceUpn);
  }

  /**
   * The KPIs of one service today (in the reports' zone); the definitions are on {@link Kpis} and in
   * docs/distribution.md ("KPIs"). The service level is the reports' own figure of today ({@code today},
   * null when the service has none yet), so the tile and the reports always agree.
   */
  Kpis kpis(String serviceUpn, ReportRow today, OffsetDateTime now) {
    OffsetDateTime midnight = startOfDay(now);
    long[] waiting = new long[1];
    OffsetDateTime[] oldest = new OffsetDateTime[1];
    jdbc.query(
        "select count(*) n, min(coalesce(enqueued_at, created_at)) oldest from external_task where service_upn = ? and state in ('Queued', 'Offered')",
        rs -> {
          waiting[0] = rs.getLong("n");
          oldest[0] = TaskStore.time(rs, "oldest");
        },
        serviceUpn);
    long inProgress = count("select count(*) from external_task where service_upn = ? and state in ('Connected', 'AfterWork')", serviceUpn);
    long handled =
        count("select count(*) from external_task where service_upn = ? and outcome = 'Handled' and terminated_at >= ?", serviceUpn, midnight);
    long offered =
        count(
            "select count(*) from task_event e join external_task t on t.id = e.task_id"
                + " where t.service_upn = ? and e.event = 'Offered' and e.occurred_at >= ?"
                // an agent who joined a running Broadcast round is part of that round, not a new one
                + " and (e.detail is null or e.detail not like '%joinedBroadcast%')",
            serviceUpn,
            midnight);
    long accepted =
        count("select count(*) from task_event e join external_task t on t.id = e.task_id where t.service_upn = ? and e.event = 'Accepted' and e.occurred_at >= ?",
            serviceUpn, midnight);
    long withinTarget = today == null ? 0 : today.acceptedWithinTarget();
    long abandoned = today == null ? 0 : today.abandoned();
    Integer percent = today == null || today.serviceLevel() == null ? null : (int) Math.round(100 * today.serviceLevel());
    Long longest = oldest[0] == null ? null : Math.max(0, Duration.between(oldest[0], now).toSeconds());
    return new Kpis(waiting[0], longest, inProgress, handled, offered, accepted, withinTarget, abandoned, percent);
  }

  private long count(String sql, Object... args) {
    Long n = jdbc.queryForObject(sql, Long.class, args);
    return n == null ? 0 : n;
  }

  private ServiceDefinition service(Map<String, ServiceDefinition> cache, String upn) {
    return cache.computeIfAbsent(upn, u -> services.find(u).orElse(null));
  }

  /** The start of today in the reports' zone: the pages' "today" is the reports' day. */
  private OffsetDateTime startOfDay(OffsetDateTime now) {
    ZoneId zone = reports.defaultZone();
    return LocalDate.ofInstant(now.toInstant(), zone).atStartOfDay(zone).toInstant().atOffset(ZoneOffset.UTC);
  }
}
