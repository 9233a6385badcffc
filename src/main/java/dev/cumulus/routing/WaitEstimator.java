package dev.cumulus.routing;

import dev.cumulus.directory.Agent;
import dev.cumulus.directory.AgentStore;
import dev.cumulus.directory.Member;
import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventListener;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Estimated waiting time of a queued task: gathers its service's facts from the database and asks
 * {@link WaitForecast} (the rule, as a pure function). A service's outlook is kept for {@link
 * #REFRESH} on this node, so a read costs one lookup and a few divisions at any queue size; a task of
 * the service completing or being accepted on this node drops it at once. Only an estimate lives in
 * this cache: routing never reads it.
 */
@Component
public class WaitEstimator implements TaskEventListener {

  static final Duration REFRESH = Duration.ofMillis(1500);
  static final int MAX_HOLDS = 200;
  static final int MAX_ACCEPTS = 500;

  private record Cached(WaitForecast.Outlook outlook, Instant readAt) {}

  private final JdbcTemplate jdbc;
  private final ServiceStore services;
  private final AgentStore agents;
  private final Clock clock;
  private final Map<String, Cached> outlooks = new ConcurrentHashMap<>();

  WaitEstimator(JdbcTemplate jdbc, ServiceStore services, AgentStore agents, Clock clock) {
    this.jdbc = jdbc;
    this.services = services;
    this.agents = agents;
    this.clock = clock;
  }

  /** Seconds until the task at this position is likely offered; null when the service gives no ground for one. */
  public Long estimate(String serviceUpn, long position) {
    return outlook(serviceUpn).wholeSecondsFor(position, clock.instant());
  }

  /** The service's outlook, at most {@link #REFRESH} old. */
  public WaitForecast.Outlook outlook(String serviceUpn) {
    Instant now = clock.instant();
    Cached cached = outlooks.get(serviceUpn);
    if (cached == null || !cached.readAt().plus(REFRESH).isAfter(now)) {
      cached = new Cached(WaitForecast.outlook(facts(serviceUpn, now)), now);
      outlooks.put(serviceUpn, cached);
    }
    return cached.outlook();
  }

  @Override
  public void onTaskEvent(TaskEvent event, ExternalTask task) {
    if (event.event() == TaskEventType.Completed || event.event() == TaskEventType.Accepted) {
      outlooks.remove(task.serviceUpn());
    }
  }

  /** What the service shows now: a handful of indexed queries, none per queued task. */
  WaitForecast.Facts facts(String serviceUpn, Instant now) {
    OffsetDateTime at = OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC);
    ServiceDefinition service = services.find(serviceUpn).orElse(null);
    if (service == null) {
      return new WaitForecast.Facts(now, now, null, null, List.of(), true, List.of(), true, List.of());
    }
    Instant created = service.createdAt().toInstant();
    List<WaitForecast.Slot> slots = slots(service, at);
    if (slots.isEmpty()) {
      // nobody could take a task: absent whatever the history says, and nothing more to read
      return new WaitForecast.Facts(now, created, null, null, List.of(), true, List.of(), true, slots);
    }
    List<WaitForecast.Hold> holds =
        jdbc.query(
            "select c.occurred_at ended, (select max(o.occurred_at) from task_event o where o.task_id = c.task_id"
                + " and o.event = 'Offered' and o.id < c.id) started"
                + " from task_event c join external_task t on t.id = c.task_id"
                + " where c.event = 'Completed' and c.occurred_at > ? and t.service_upn = ? order by c.occurred_at desc",
            ps -> {
              ps.setObject(1, at.minusSeconds(WaitForecast.HOLD_LOOKBACK_SECONDS));
              ps.setString(2, serviceUpn);
              ps.setMaxRows(MAX_HOLDS);
            },
            (rs, i) -> {
              OffsetDateTime ended = TaskStore.time(rs, "ended");
              OffsetDateTime started = TaskStore.time(rs, "started");
              return started == null ? null : new WaitForecast.Hold(started.toInstant(), ended.toInstant());
            });
    boolean allHolds = holds.size() < MAX_HOLDS;
    holds.removeIf(java.util.Objects::isNull);
    List<Instant> accepts =
        jdbc.query(
            "select e.occurred_at from task_event e join external_task t on t.id = e.task_id"
                + " where e.event = 'Accepted' and e.occurred_at > ? and t.service_upn = ? order by e.occurred_at desc",
            ps -> {
              ps.setObject(1, at.minusSeconds(WaitForecast.OBSERVE_SECONDS));
              ps.setString(2, serviceUpn);
              ps.setMaxRows(MAX_ACCEPTS);
            },
            (rs, i) -> TaskStore.time(rs, "occurred_at").toInstant());
    OffsetDateTime queuedSince = oldestQueued(serviceUpn);
    OffsetDateTime staffingChanged =
        jdbc.queryForObject(
            "select max(c.occurred_at) from agent_change c where c.occurred_at > ?"
                + " and c.user_upn in (select m.user_upn from service_member m where m.service_upn = ?)",
            OffsetDateTime.class,
            at.minusSeconds(WaitForecast.OBSERVE_SECONDS),
            serviceUpn);
    return new WaitForecast.Facts(
        now, created, staffingChanged == null ? null : staffingChanged.toInstant(), queuedSince == null ? null : queuedSince.toInstant(),
        holds, allHolds, accepts, accepts.size() < MAX_ACCEPTS, slots);
  }

  /**
   * When the oldest queued task was queued: the head of each priority in the queue's index order (a
   * min over the whole queue would read every entry of a long one), null when the queue is empty.
   */
  private OffsetDateTime oldestQueued(String serviceUpn) {
    OffsetDateTime oldest = null;
    for (DistributionPriority p : DistributionPriority.values()) {
      for (OffsetDateTime t :
          jdbc.query(
              "select enqueued_at from queue_entry where service_upn = ? and priority = ? order by priority desc, enqueued_at, seq limit 1",
              (rs, i) -> TaskStore.time(rs, "enqueued_at"),
              serviceUpn,
              p.rank())) {
        oldest = oldest == null || t.isBefore(oldest) ? t : oldest;
      }
    }
    return oldest;
  }

  /**
   * One slot per unit of capacity of each member who could take a task now (on duty, a presence the
   * service distributes to, not Away for a missed offer, no RONA flag): held by a task of this service
   * since its offer, held by another service's task, or free.
   */
  private List<WaitForecast.Slot> slots(ServiceDefinition service, OffsetDateTime now) {
    Map<String, List<Instant>> heldHere = new HashMap<>();
    jdbc.query(
        "select u, max(e.occurred_at) since from ("
            + " select t.id task_id, t.assigned_user_upn u from external_task t"
            + "  where t.service_upn = ? and t.state in ('Connected', 'AfterWork')"
            + " union all select o.task_id, o.user_upn u from offer o join external_task t on t.id = o.task_id where t.service_upn = ?) h"
            + " join task_event e on e.task_id = h.task_id and e.event = 'Offered' group by h.task_id, u",
        rs -> {
          heldHere.computeIfAbsent(rs.getString("u").toLowerCase(), k -> new ArrayList<>()).add(TaskStore.time(rs, "since").toInstant());
        },
        service.upn(),
        service.upn());
    var slots = new ArrayList<WaitForecast.Slot>();
    for (Member m : agents.members(service.upn(), "")) {
      Agent a = m.agent();
      boolean flagged = m.ronaUntil() != null && m.ronaUntil().isAfter(now);
      if (!m.onDuty() || flagged || !service.settings().acceptsPresence(a.routingPresence())) {
        continue;
      }
      List<Instant> here = heldHere.getOrDefault(a.upn().toLowerCase(), List.of());
      for (int i = 0; i < a.capacity(); i++) {
        if (i < here.size()) {
          slots.add(WaitForecast.Slot.heldSince(here.get(i)));
        } else if (i < Math.max(a.activeTasks(), here.size())) {
          slots.add(WaitForecast.Slot.heldElsewhere());
        } else {
          slots.add(WaitForecast.Slot.free());
        }
      }
    }
    return slots;
  }
}
