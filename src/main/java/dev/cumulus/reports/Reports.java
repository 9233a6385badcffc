package dev.cumulus.reports;

import dev.cumulus.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reports over any range: the 15-minute figures added up into the requested buckets. */
@Service
public class Reports {

  /** Whose figures, for which range, in which buckets; null filters mean everything in the caller's scope. */
  public record Request(
      Instant from, Instant to, Bucket bucket, Grouping by, ZoneId zone, Collection<String> services, Collection<String> agents) {}

  private record Group(String service, String agent) {}

  private final RollupStore rollups;
  private final TaskHistoryStore history;
  private final FeedStore feed;
  private final ReportProperties properties;
  private final Clock clock;

  Reports(RollupStore rollups, TaskHistoryStore history, FeedStore feed, ReportProperties properties, Clock clock) {
    this.rollups = rollups;
    this.history = history;
    this.feed = feed;
    this.properties = properties;
    this.clock = clock;
  }

  /** The zone of days, weeks and months when a request names none (cumulus.reports.zone). */
  public ZoneId defaultZone() {
    return properties.zone();
  }

  /**
   * Each given service's figures of today (the day in the reports' zone) so far, keyed by service;
   * a service without figures today is absent. The dashboard's "within target" is this row's
   * serviceLevel, so it cannot drift from the reports' definition.
   */
  @Transactional(readOnly = true)
  public Map<String, ReportRow> today(Collection<String> services) {
    ZoneId zone = properties.zone();
    Instant midnight = Bucket.day.startOf(clock.instant(), zone);
    var request = new Request(midnight, Bucket.day.next(midnight, zone), Bucket.day, Grouping.service, zone, services, null);
    var rows = new HashMap<String, ReportRow>();
    report(request, new ReportScope(null, null, true, false, false)).rows().forEach(r -> rows.put(r.serviceUpn(), r));
    return rows;
  }

  @Transactional(readOnly = true)
  public Report report(Request request, ReportScope scope) {
    ZoneId zone = request.zone() == null ? properties.zone() : request.zone();
    Instant from = request.bucket().startOf(request.from(), zone);
    Instant to = request.to();
    if (!to.isAfter(request.from())) {
      throw ApiException.invalid("to", "afterFrom", "must be after from");
    }
    var starts = new ArrayList<Instant>();
    for (Instant s = from; s.isBefore(to); s = request.bucket().next(s, zone)) {
      starts.add(s);
      if (starts.size() > properties.maxBuckets()) {
        throw ApiException.invalid(
            "bucket", "maxBuckets", "the range holds more than " + properties.maxBuckets() + " " + request.bucket() + " buckets: choose a longer bucket or a shorter range");
      }
    }
    boolean agentRows = request.by() != Grouping.service;
    if (agentRows && !scope.agentFigures()) {
      throw ApiException.forbidden("agents' figures are for admins, supervisors (of their services' members) and each agent (their own)");
    }
    if (!agentRows && !scope.serviceFigures()) {
      throw ApiException.forbidden("services' figures are for admins, supervisors (of their services) and flows; an agent reads by=agent");
    }
    Collection<String> services = narrow(scope.services(), request.services());
    Collection<String> agents = agentRows ? narrow(scope.agents(), request.agents()) : null;
    Map<Group, TreeMap<Instant, Tally>> groups = new HashMap<>();
    Map<Instant, Instant> bucketOf = new HashMap<>();
    Function<RowKey, Tally> into =
        key -> {
          if (key.bucket().isBefore(from) || !key.bucket().isBefore(to)) {
            return null;
          }
          Group group = group(request.by(), key);
          if (group == null) {
            return null;
          }
          Instant bucket = bucketOf.computeIfAbsent(key.bucket(), b -> request.bucket().startOf(b, zone));
          return groups.computeIfAbsent(group, g -> new TreeMap<>()).computeIfAbsent(bucket, b -> new Tally());
        };
    rollups.read(from, to, agentRows, services, agents, into);
    if (request.by() == Grouping.agent) {
      openPresence(from, to, agents).forEach((key, tally) -> {
        Tally target = into.apply(key);
        if (target != null) {
          target.addAll(tally);
        }
      });
    }
    Map<String, Integer> targets = feed.targets();
    var rows = new ArrayList<ReportRow>();
    var ordered = new TreeSet<Group>(Comparator.comparing((Group g) -> g.service() == null ? "" : g.service()).thenComparing(g -> g.agent() == null ? "" : g.agent()));
    ordered.addAll(groups.keySet());
    for (Group group : ordered) {
      var buckets = groups.get(group);
      for (Instant start : starts) {
        Tally t = buckets.getOrDefault(start, new Tally());
        Instant end = request.bucket().next(start, zone);
        rows.add(ReportRow.of(
            start.atZone(zone).toOffsetDateTime(),
            end.atZone(zone).toOffsetDateTime(),
            group.service(),
            group.agent(),
            t,
            group.agent() == null ? targets.get(group.service()) : null));
      }
    }
    return new Report(from.atZone(zone).toOffsetDateTime(), to.atZone(zone).toOffsetDateTime(), request.bucket(), request.by(), zone.getId(), rows);
  }

  /** The task history: every task created in the range, oldest first, one at a time. */
  @Transactional(readOnly = true)
  public void tasks(Instant from, Instant to, Collection<String> services, ReportScope scope, Consumer<TaskRecord> each) {
    if (!to.isAfter(from)) {
      throw ApiException.invalid("to", "afterFrom", "must be after from");
    }
    if (!scope.taskHistory()) {
      throw ApiException.forbidden("the task history is for admins, supervisors (of their services) and flows");
    }
    history.stream(from, to, narrow(scope.services(), services), fact -> each.accept(TaskRecord.of(fact)));
  }

  /**
   * The rows of the presence spans still open, counted up to now: from {@code from} (null: their
   * start) to {@code to} (null: now).
   */
  Map<RowKey, Tally> openPresence(Instant from, Instant to, Collection<String> agents) {
    Instant now = clock.instant();
    Instant end = to == null || now.isBefore(to) ? now : to;
    var rows = new HashMap<RowKey, Tally>();
    for (RollupStore.Span span : rollups.presences(agents)) {
      Instant start = from == null || span.since().isAfter(from) ? span.since() : from;
      if (end.isAfter(start)) {
        EventCounting.presence(span.agent(), span.presence(), start, end, key -> rows.computeIfAbsent(key, k -> new Tally()));
      }
    }
    return rows;
  }

  private static Group group(Grouping by, RowKey key) {
    return switch (by) {
      case service -> new Group(key.service(), null);
      case agent -> new Group(null, key.agent());
      case serviceAgent -> key.isPresenceRow() ? null : new Group(key.service(), key.agent());
    };
  }

  /** The requested ones within the allowed ones (null: no limit). */
  static Collection<String> narrow(Collection<String> allowed, Collection<String> requested) {
    if (requested == null || requested.isEmpty()) {
      return allowed;
    }
    if (allowed == null) {
      return requested;
    }
    return requested.stream().filter(allowed::contains).toList();
  }

}
