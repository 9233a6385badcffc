package dev.cumulus.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cumulus.directory.AgentStore;
import java.io.IOException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live pages over Server-Sent Events, fed from the database. One poller per node reads the new rows
 * of task_event and agent_change (both append-only, whichever node wrote them) every
 * {@code cumulus.console.poll-interval}, works out which services and people they concern, and sends
 * each concerned page of this node its state again (only when it differs from what the page has).
 * Heartbeat comments keep idle connections open; a periodic refresh covers clock-driven changes.
 */
@Component
class LiveUpdates {

  private static final Logger log = LoggerFactory.getLogger(LiveUpdates.class);
  /** Ids of rows committed out of order (PostgreSQL hands out ids before commit) are looked for this long. */
  private static final long GAP_PATIENCE_MILLIS = 10_000;

  enum Page { AGENT, DASHBOARD }

  /** What changed since the last poll: the services and people concerned. */
  record Change(Set<String> services, Set<String> users) {
    boolean isEmpty() {
      return services.isEmpty() && users.isEmpty();
    }
  }

  private final class Subscriber {
    final Page page;
    final Viewer viewer;
    final SseEmitter emitter;
    volatile Set<String> services = Set.of();
    volatile Set<String> people = Set.of();
    /** A push is waiting in the senders' queue: further changes until it runs are covered by it. */
    final AtomicBoolean queued = new AtomicBoolean();
    String lastSent;

    Subscriber(Page page, Viewer viewer, SseEmitter emitter) {
      this.page = page;
      this.viewer = viewer;
      this.emitter = emitter;
    }

    boolean concerns(Change change) {
      if (change.users().stream().anyMatch(u -> u.equalsIgnoreCase(viewer.upn()) || people.contains(u.toLowerCase()))) {
        return true;
      }
      return change.services().stream().anyMatch(services::contains);
    }
  }

  private final JdbcTemplate jdbc;
  private final AgentStore agents;
  private final ConsoleReads reads;
  private final ObjectMapper mapper;
  private final ConsoleProperties properties;
  private final Clock clock;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  /**
   * Pages' states are computed and written here, not on the scheduler's threads: a slow browser
   * connection must not hold up the sweeper or the webhook worker.
   */
  private final ExecutorService senders =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "live-pages");
            t.setDaemon(true);
            return t;
          });
  private volatile long lastTaskEvent = -1;
  /** Ids of task_event skipped by the cursor, with when they were first missed. */
  private final Map<Long, Long> taskEventGaps = new LinkedHashMap<>();
  private long lastAgentChange = -1;
  /** The same for agent_change: two nodes' rows may commit in the other order too. */
  private final Map<Long, Long> agentChangeGaps = new LinkedHashMap<>();

  LiveUpdates(JdbcTemplate jdbc, AgentStore agents, ConsoleReads reads, ObjectMapper mapper, ConsoleProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.agents = agents;
    this.reads = reads;
    this.mapper = mapper;
    this.properties = properties;
    this.clock = clock;
  }

  /** A live connection for a page; its first event is the page's full state. */
  SseEmitter subscribe(Page page, Viewer viewer) {
    var emitter = new SseEmitter(30L * 60 * 1000);
    var subscriber = new Subscriber(page, viewer, emitter);
    emitter.onCompletion(() -> subscribers.remove(subscriber));
    emitter.onTimeout(() -> subscribers.remove(subscriber));
    emitter.onError(e -> subscribers.remove(subscriber));
    subscribers.add(subscriber);
    push(subscriber);
    return emitter;
  }

  /** Ends every live connection first on shutdown, so a graceful shutdown does not wait for them. */
  @EventListener(ContextClosedEvent.class)
  void closeAll() {
    subscribers.forEach(this::drop);
    senders.shutdownNow();
  }

  int subscriberCount() {
    return subscribers.size();
  }

  @Scheduled(fixedDelayString = "${cumulus.console.poll-interval:PT0.3S}", initialDelayString = "${cumulus.console.poll-interval:PT0.3S}")
  void poll() {
    try {
      if (subscribers.isEmpty()) {
        // nobody watches on this node: no polling; the next page starts from its whole state
        forget();
        return;
      }
      boolean starting = lastTaskEvent < 0;
      Change change = readChanges();
      if (starting) {
        // whatever committed between a page's first state and the cursor is covered by a fresh state
        subscribers.forEach(this::schedule);
      } else if (!change.isEmpty()) {
        for (Subscriber s : subscribers) {
          if (s.concerns(change)) {
            schedule(s);
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("live page poll failed: {}", e.toString());
    }
  }

  @Scheduled(fixedDelayString = "${cumulus.console.refresh-interval:PT10S}")
  void refresh() {
    subscribers.forEach(this::schedule);
  }

  @Scheduled(fixedDelayString = "${cumulus.console.heartbeat:PT15S}")
  void heartbeat() {
    for (Subscriber s : subscribers) {
      execute(
          () -> {
            synchronized (s) {
              try {
                s.emitter.send(SseEmitter.event().comment("heartbeat"));
              } catch (IOException | IllegalStateException e) {
                drop(s);
              }
            }
          });
    }
  }

  private void schedule(Subscriber s) {
    if (s.queued.compareAndSet(false, true)) {
      execute(
          () -> {
            s.queued.set(false);
            push(s);
          });
    }
  }

  private void execute(Runnable work) {
    try {
      senders.execute(work);
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  /** Old agent_change rows are only needed while pages may still be behind them. */
  @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
  void forgetOldChanges() {
    agents.forgetChangesBefore(OffsetDateTime.now(clock).minus(properties.changeRetention()));
  }

  private synchronized void forget() {
    lastTaskEvent = -1;
    lastAgentChange = -1;
    taskEventGaps.clear();
    agentChangeGaps.clear();
  }

  synchronized Change readChanges() {
    var services = new HashSet<String>();
    var users = new HashSet<String>();
    if (lastTaskEvent < 0) {
      lastTaskEvent = maxId("task_event");
      lastAgentChange = maxId("agent_change");
      return new Change(services, users);
    }
    long now = System.currentTimeMillis();
    String columns =
        "select e.id, e.actor, e.event, e.detail, t.service_upn, t.assigned_user_upn from task_event e join external_task t on t.id = e.task_id";
    jdbc.query(
        columns + " where e.id > ? order by e.id limit 5000",
        rs -> {
          lastTaskEvent = advance(lastTaskEvent, rs.getLong("id"), taskEventGaps, now);
          collect(rs, services, users);
        },
        lastTaskEvent);
    revisitGaps(taskEventGaps, now, columns + " where e.id in ", rs -> collect(rs, services, users));
    String agentColumns = "select id, user_upn from agent_change";
    jdbc.query(
        agentColumns + " where id > ? order by id limit 5000",
        rs -> {
          lastAgentChange = advance(lastAgentChange, rs.getLong("id"), agentChangeGaps, now);
          users.add(rs.getString("user_upn"));
        },
        lastAgentChange);
    revisitGaps(agentChangeGaps, now, agentColumns + " where id in ", rs -> users.add(rs.getString("user_upn")));
    return new Change(services, users);
  }

  /**
   * Moves a cursor to a row just read. Ids are taken before commit, so a smaller id may still commit
   * after a bigger one was seen: the ids skipped are remembered, to be looked for a while longer.
   */
  private static long advance(long cursor, long id, Map<Long, Long> gaps, long now) {
    for (long missing = cursor + 1; missing < id && id - missing < 1000; missing++) {
      gaps.putIfAbsent(missing, now);
    }
    gaps.remove(id);
    return Math.max(cursor, id);
  }

  /** Reads the rows of skipped ids that committed since; forgets those missing for too long. */
  private void revisitGaps(Map<Long, Long> gaps, long now, String selectWhereIdIn, org.springframework.jdbc.core.RowCallbackHandler row) {
    gaps.values().removeIf(since -> now - since > GAP_PATIENCE_MILLIS);
    if (gaps.isEmpty()) {
      return;
    }
    var ids = List.copyOf(gaps.keySet()).subList(0, Math.min(500, gaps.size()));
    String in = String.join(",", ids.stream().map(i -> "?").toList());
    jdbc.query(
        selectWhereIdIn + "(" + in + ")",
        rs -> {
          gaps.remove(rs.getLong("id"));
          row.processRow(rs);
        },
        ids.toArray());
  }

  private void collect(java.sql.ResultSet rs, Set<String> services, Set<String> users) throws java.sql.SQLException {
    services.add(rs.getString("service_upn"));
    addIfPresent(users, rs.getString("assigned_user_upn"));
    addIfPresent(users, rs.getString("actor"));
    users.addAll(reads.usersIn(rs.getString("detail")));
    if ("Transferred".equals(rs.getString("event"))) {
      // the service it left sees it go
      String detail = rs.getString("detail");
      Map<?, ?> d = detail == null ? Map.of() : readMap(detail);
      if (d.get("from") instanceof String from) {
        services.add(from);
      }
    }
  }

  private Map<?, ?> readMap(String detail) {
    try {
      return mapper.readValue(detail, Map.class);
    } catch (IOException e) {
      return Map.of();
    }
  }

  private static void addIfPresent(Set<String> users, String user) {
    if (user != null) {
      users.add(user);
    }
  }

  private long maxId(String table) {
    Long max = jdbc.queryForObject("select max(id) from " + table, Long.class);
    return max == null ? 0 : max;
  }

  private void push(Subscriber s) {
    synchronized (s) {
      try {
        Object state;
        String comparable;
        if (s.page == Page.AGENT) {
          AgentSnapshot snapshot = reads.agent(s.viewer.upn());
          var services = new HashSet<String>();
          snapshot.services().forEach(d -> services.add(d.serviceUpn()));
          snapshot.offers().forEach(o -> services.add(o.task().serviceUpn()));
          s.services = services;
          state = snapshot;
          comparable = mapper.writeValueAsString(new AgentSnapshot(null, snapshot.me(), snapshot.services(), snapshot.offers(),
              snapshot.connected(), snapshot.afterWork(), snapshot.today()));
        } else {
          DashboardSnapshot snapshot = reads.dashboard(s.viewer);
          var services = new HashSet<String>();
          var people = new HashSet<String>();
          snapshot.services().forEach(b -> {
            services.add(b.serviceUpn());
            b.agents().forEach(a -> people.add(a.upn().toLowerCase()));
          });
          s.services = services;
          s.people = people;
          state = snapshot;
          comparable = mapper.writeValueAsString(new DashboardSnapshot(null, snapshot.viewer(), snapshot.viewerDisplayName(), snapshot.reportZone(), snapshot.services()));
        }
        if (Objects.equals(comparable, s.lastSent)) {
          return;
        }
        s.emitter.send(SseEmitter.event().name("state").data(mapper.writeValueAsString(state), MediaType.APPLICATION_JSON));
        s.lastSent = comparable;
      } catch (IOException | IllegalStateException e) {
        drop(s);
      } catch (RuntimeException e) {
        log.warn("live page state for {} failed: {}", s.viewer.upn(), e.toString());
      }
    }
  }

  private void drop(Subscriber s) {
    subscribers.remove(s);
    try {
      s.emitter.complete();
    } catch (RuntimeException ignored) {
      // already gone
    }
  }
}
