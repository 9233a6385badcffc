package dev.cumulus.reports;

import dev.cumulus.security.Caller;
import dev.cumulus.web.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The report tables a page at a time, for tools that read them row by row (the OData feed): the
 * 15-minute intervals of services and of agents, and the task history, filtered in the database by
 * time, service and agent, within what the caller may see (docs/reports.md, "Who sees what").
 *
 * <p>Rows come in time order; rows of one moment in the order of their position (service; agent,
 * then service; task id). A page starts after the position of the last row of the page before, so
 * rows added meanwhile to earlier intervals do not shift the pages.
 */
@Service
public class ReportPages {

  /**
   * Where a row stands in the order: its moment (an interval's start, a task's creation), then the
   * service of a service row, the agent and service of an agent row, the id of a task ("" when none).
   */
  public record Position(Instant at, String first, String second) {}

  /**
   * Which rows: their moments, services and agents (null: no condition; empty: none), after which
   * position (null: from the first), how many to skip, at most how many, and whether to count all rows
   * that match (ignoring position, skip and limit).
   */
  public record Query(TimeRange time, Set<String> services, Set<String> agents, Position after, long skip, int limit, boolean count) {}

  /** The rows, whether more follow, the position of the last row, and the count when asked for. */
  public record Page<R>(List<R> rows, boolean more, Position last, Long count) {}

  private final RollupStore rollups;
  private final TaskHistoryStore history;
  private final FeedStore feed;
  private final ReportAccess access;
  private final Reports reports;

  ReportPages(RollupStore rollups, TaskHistoryStore history, FeedStore feed, ReportAccess access, Reports reports) {
    this.rollups = rollups;
    this.history = history;
    this.feed = feed;
    this.access = access;
    this.reports = reports;
  }

  /** Services' intervals (agents are not a condition here). */
  @Transactional(readOnly = true)
  public Page<IntervalRecord> serviceIntervals(Query query, Caller caller) {
    ReportScope scope = access.of(caller);
    if (!scope.serviceFigures()) {
      throw ApiException.forbidden("services' figures are for admins, supervisors (of their services) and flows; an agent reads AgentIntervals");
    }
    Collection<String> services = Reports.narrow(scope.services(), query.services());
    var paging = new Paging<Map.Entry<RowKey, Tally>>(e -> new Position(e.getKey().bucket(), e.getKey().service(), ""), query);
    rollups.scan(range(query), false, services, null, (key, tally) -> paging.add(Map.entry(key, tally)));
    Map<String, Integer> targets = feed.targets();
    Long count = query.count() ? rollups.count(query.time(), false, services, null) : null;
    return page(paging, e -> interval(e, targets.get(e.getKey().service())), e -> new Position(e.getKey().bucket(), e.getKey().service(), ""), count);
  }

  /**
   * Agents' intervals: an agent's figures in a service, and the agent's presence time (service "");
   * the presence span still open counts up to now, as in reports.
   */
  @Transactional(readOnly = true)
  public Page<IntervalRecord> agentIntervals(Query query, Caller caller) {
    ReportScope scope = access.of(caller);
    if (!scope.agentFigures()) {
      throw ApiException.forbidden("agents' figures are for admins, supervisors (of their services' members) and each agent (their own)");
    }
    Collection<String> agents = Reports.narrow(scope.agents(), query.agents());
    // presence rows (service "") belong to every scope that may see the agent
    Collection<String> allowedServices = scope.services() == null ? null : withPresence(scope.services());
    Collection<String> services = Reports.narrow(allowedServices, query.services());
    Function<Map.Entry<RowKey, Tally>, Position> position = e -> new Position(e.getKey().bucket(), e.getKey().agent(), e.getKey().service());
    var paging = new Paging<>(position, query);
    TreeMap<Instant, Map<RowKey, Tally>> pending = openPresence(query.time(), services, agents);
    Long count = query.count() ? rollups.count(query.time(), true, services, agents) + openOnly(pending) : null;
    boolean whole =
        rollups.scan(range(query), true, services, agents, (key, tally) -> {
          while (!pending.isEmpty() && pending.firstKey().isBefore(key.bucket())) {
            for (var extra : pending.pollFirstEntry().getValue().entrySet()) {
              if (!paging.add(extra)) {
                return false;
              }
            }
          }
          Map<RowKey, Tally> sameInterval = pending.get(key.bucket());
          Tally extra = sameInterval == null ? null : sameInterval.remove(key);
          if (extra != null) {
            tally.addAll(extra);
          }
          return paging.add(Map.entry(key, tally));
        });
    if (whole) {
      stop:
      for (var interval : pending.values()) {
        for (var extra : interval.entrySet()) {
          if (!paging.add(extra)) {
            break stop;
          }
        }
      }
    }
    return page(paging, e -> interval(e, null), position, count);
  }

  /** The task history: tasks created in the range (services and agents: where the task is now, who accepted it). */
  @Transactional(readOnly = true)
  public Page<TaskRecord> tasks(Query query, Caller caller) {
    ReportScope scope = access.of(caller);
    if (!scope.taskHistory()) {
      throw ApiException.forbidden("the task history is for admins, supervisors (of their services) and flows");
    }
    Collection<String> services = Reports.narrow(scope.services(), query.services());
    Function<TaskFact, Position> position = f -> new Position(f.createdAt, f.taskId, "");
    var paging = new Paging<>(position, query);
    history.scan(range(query), services, query.agents(), paging::add);
    Long count = query.count() ? history.count(query.time(), services, query.agents()) : null;
    return page(paging, TaskRecord::of, position, count);
  }

  /** The query's moments from the position on (the rows of that moment that came already are dropped by the paging). */
  private static TimeRange range(Query query) {
    return query.after() == null ? query.time() : query.time().intersect(TimeRange.from(query.after().at(), true));
  }

  private static <S, R> Page<R> page(Paging<S> paging, Function<S, R> row, Function<S, Position> position, Long count) {
    List<S> rows = paging.rows();
    Position last = rows.isEmpty() ? null : position.apply(rows.get(rows.size() - 1));
    return new Page<>(rows.stream().map(row).toList(), paging.more(), last, count);
  }

  private static IntervalRecord interval(Map.Entry<RowKey, Tally> entry, Integer target) {
    RowKey key = entry.getKey();
    var start = key.bucket().atOffset(ZoneOffset.UTC);
    var end = start.plus(Duration.ofMillis(RowKey.BUCKET_MILLIS));
    ReportRow row = ReportRow.of(start, end, key.service(), key.isServiceRow() ? null : key.agent(), entry.getValue(), target);
    return IntervalRecord.of(row, entry.getValue());
  }

  private static Collection<String> withPresence(Collection<String> services) {
    var all = new ArrayList<String>(services);
    all.add("");
    return all;
  }

  /** The open presence spans' rows within the filter, by interval. */
  private TreeMap<Instant, Map<RowKey, Tally>> openPresence(TimeRange time, Collection<String> services, Collection<String> agents) {
    var byInterval = new TreeMap<Instant, Map<RowKey, Tally>>();
    if (services != null && !services.contains("") || time.isEmpty()) {
      return byInterval;
    }
    Instant from = time.lower() == null ? null : RowKey.bucketOf(time.lower());
    reports.openPresence(from, null, agents).forEach((key, tally) -> {
      if (time.contains(key.bucket())) {
        byInterval.computeIfAbsent(key.bucket(), b -> new HashMap<>()).put(key, tally);
      }
    });
    return byInterval;
  }

  /** How many of the open spans' rows are not stored rows too (a count counts each row once). */
  private long openOnly(TreeMap<Instant, Map<RowKey, Tally>> open) {
    if (open.isEmpty()) {
      return 0;
    }
    Set<RowKey> keys = new HashSet<>();
    Set<String> agents = new HashSet<>();
    open.values().forEach(rows -> rows.keySet().forEach(k -> {
      keys.add(k);
      agents.add(k.agent());
    }));
    var stored = new TimeRange(open.firstKey(), true, open.lastKey(), true);
    rollups.scan(stored, true, List.of(""), agents, (key, tally) -> {
      keys.remove(key);
      return true;
    });
    return keys.size();
  }
}
