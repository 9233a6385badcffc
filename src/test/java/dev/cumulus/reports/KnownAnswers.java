package dev.cumulus.reports;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a generated history worked out from docs/reports.md's definitions directly: from
 * each task's whole life and each agent's presence changes, with every raw duration kept, so that
 * percentiles, means and bucket sums are computed here from the values themselves, not from the
 * feed's histograms and 15-minute rows.
 */
final class KnownAnswers {

  /** Raw figures of one 15-minute interval of a service (agent ""), an agent in a service, or an agent's presence (service ""). */
  static final class Raw {
    final Map<String, Long> counts = new HashMap<>();
    final Map<String, List<Long>> durations = new HashMap<>();

    void count(String figure, long n) {
      counts.merge(figure, n, Long::sum);
    }

    void duration(String figure, long millis) {
      durations.computeIfAbsent(figure, f -> new ArrayList<>()).add(Math.max(0, millis));
    }

    void addAll(Raw other) {
      other.counts.forEach(this::count);
      other.durations.forEach((f, values) -> durations.computeIfAbsent(f, k -> new ArrayList<>()).addAll(values));
    }
  }

  record Key(Instant interval, String service, String agent) {}

  final Map<Key, Raw> intervals = new HashMap<>();
  final Map<String, Map<String, Object>> tasks = new LinkedHashMap<>();
  private final HistoryWorld world;

  KnownAnswers(HistoryWorld world, Instant to) {
    this.world = world;
    var lives = new LinkedHashMap<String, List<HistoryWorld.Event>>();
    world.events.stream().sorted(Comparator.comparingLong(e -> e.id)).forEach(e -> lives.computeIfAbsent(e.task, t -> new ArrayList<>()).add(e));
    lives.forEach(this::life);
    presence(to);
  }

  private static Instant interval(Instant at) {
    long m = at.toEpochMilli();
    return Instant.ofEpochMilli(Math.floorDiv(m, 900_000L) * 900_000L);
  }

  private Raw raw(Instant at, String service, String agent) {
    return intervals.computeIfAbsent(new Key(interval(at), service, agent), k -> new Raw());
  }

  private static Instant first(List<HistoryWorld.Event> life, String type) {
    return life.stream().filter(e -> e.event.equals(type)).map(e -> e.at).min(Comparator.naturalOrder()).orElse(null);
  }

  private static HistoryWorld.Event only(List<HistoryWorld.Event> life, String type) {
    return life.stream().filter(e -> e.event.equals(type)).reduce((a, b) -> b).orElse(null);
  }

  private static List<String> named(HistoryWorld.Event e) {
    return List.of(e.detail.get("userUpn").split(","));
  }

  private void life(String task, List<HistoryWorld.Event> life) {
    Instant waitFrom = first(life, "Queued") != null ? first(life, "Queued") : first(life, "Created");
    HistoryWorld.Event accepted = only(life, "Accepted");
    HistoryWorld.Event afterWork = only(life, "AfterWorkStarted");
    var row = new LinkedHashMap<String, Object>();
    HistoryWorld.Event latest = life.get(life.size() - 1);
    row.put("taskId", task);
    row.put("serviceUpn", latest.service);
    row.put("state", latest.state);
    row.put("customerIdentifier", world.customers.get(task));
    row.put("createdAt", first(life, "Created"));
    row.put("firstQueuedAt", first(life, "Queued"));
    row.put("firstOfferedAt", first(life, "Offered"));
    long offers = 0;
    long declines = 0;
    long ronas = 0;
    long transfers = 0;
    for (HistoryWorld.Event e : life) {
      String s = e.service;
      Raw svc = raw(e.at, s, "");
      switch (e.event) {
        case "Created" -> svc.count("created", 1);
        case "Queued" -> {
          // only where waiting starts
        }
        case "Offered" -> {
          if ("broadcast".equals(e.detail.get("rule"))) {
            svc.count("broadcastRounds", 1);
          }
          for (String agent : named(e)) {
            svc.count("offered", 1);
            raw(e.at, s, agent).count("offered", 1);
            offers++;
          }
        }
        case "Accepted" -> {
          Raw agent = raw(e.at, s, e.user);
          svc.count("accepted", 1);
          agent.count("accepted", 1);
          long waited = Duration.between(waitFrom, e.at).toMillis();
          svc.duration("waiting", waited);
          agent.duration("waiting", waited);
          if (Math.max(0, waited) <= world.targets.get(s) * 1000L) {
            svc.count("acceptedWithinTarget", 1);
            agent.count("acceptedWithinTarget", 1);
          }
        }
        case "Declined" -> {
          svc.count("declined", 1);
          raw(e.at, s, e.user).count("declined", 1);
          declines++;
        }
        case "Rona" -> {
          if ("true".equals(e.detail.get("broadcast"))) {
            svc.count("broadcastUnanswered", 1);
          } else {
            named(e).forEach(agent -> {
              svc.count("rona", 1);
              raw(e.at, s, agent).count("rona", 1);
            });
          }
          ronas++;
        }
        case "Transferred" -> {
          raw(e.at, e.detail.get("from"), "").count("transferredOut", 1);
          raw(e.at, e.detail.get("to"), "").count("transferredIn", 1);
          transfers++;
        }
        case "AfterWorkStarted" -> {
          long handled = Duration.between(accepted.at, e.at).toMillis();
          svc.duration("handling", handled);
          raw(e.at, s, accepted.user).duration("handling", handled);
          row.put("handledAt", e.at);
          row.put("handlingSeconds", Math.max(0, handled) / 1000.0);
        }
        case "Completed" -> {
          Raw agent = raw(e.at, s, accepted.user);
          svc.count("completed", 1);
          agent.count("completed", 1);
          if (afterWork != null) {
            long acw = Duration.between(afterWork.at, e.at).toMillis();
            svc.duration("afterWork", acw);
            agent.duration("afterWork", acw);
            row.put("afterWorkSeconds", Math.max(0, acw) / 1000.0);
          } else {
            long handled = Duration.between(accepted.at, e.at).toMillis();
            svc.duration("handling", handled);
            agent.duration("handling", handled);
            row.put("handledAt", e.at);
            row.put("handlingSeconds", Math.max(0, handled) / 1000.0);
          }
          row.put("outcome", "Handled");
          row.put("endedAt", e.at);
        }
        case "Cancelled" -> {
          String by = e.detail.get("cancelledBy");
          svc.count("cancelledBy" + Character.toUpperCase(by.charAt(0)) + by.substring(1), 1);
          if (e.detail.get("outcome").equals("Cancelled")) {
            svc.count("abandoned", 1);
          }
          row.put("outcome", e.detail.get("outcome"));
          row.put("cancelledBy", by);
          row.put("endedAt", e.at);
        }
        case "Expired" -> {
          svc.count("expired", 1);
          svc.count("abandoned", 1);
          row.put("outcome", "Expired");
          row.put("endedAt", e.at);
        }
        default -> throw new IllegalStateException(e.event);
      }
    }
    if (accepted != null) {
      row.put("agentUpn", accepted.user);
      row.put("acceptedAt", accepted.at);
      row.put("waitingSeconds", Math.max(0, Duration.between(waitFrom, accepted.at).toMillis()) / 1000.0);
    }
    row.put("offers", offers);
    row.put("declines", declines);
    row.put("ronas", ronas);
    row.put("transfers", transfers);
    tasks.put(task, row);
  }

  /** Each agent's presence spans in id order; a span still open at the end counts up to {@code to}. */
  private void presence(Instant to) {
    var current = new HashMap<String, Object[]>();
    for (HistoryWorld.PresenceChange c : world.presence) {
      Object[] previous = current.get(c.agent());
      Instant since = c.at();
      if (previous != null) {
        span(c.agent(), (String) previous[0], (Instant) previous[1], c.at());
        since = c.at().isBefore((Instant) previous[1]) ? (Instant) previous[1] : c.at();
      }
      current.put(c.agent(), new Object[] {c.presence(), since});
    }
    current.forEach((agent, span) -> span(agent, (String) span[0], (Instant) span[1], to));
  }

  private void span(String agent, String presence, Instant from, Instant to) {
    String figure = switch (presence) {
      case "Available" -> "availableSeconds";
      case "Busy" -> "busySeconds";
      case "Away" -> "awaySeconds";
      default -> null;
    };
    for (Instant t = from; figure != null && t.isBefore(to); ) {
      Instant next = interval(t).plus(15, ChronoUnit.MINUTES);
      Instant end = next.isBefore(to) ? next : to;
      raw(t, "", agent).count(figure, Duration.between(t, end).toMillis());
      t = end;
    }
  }

  /** The start of the bucket holding {@code at}, worked out with java.time alone. */
  static Instant bucket(Instant at, String bucket, ZoneId zone) {
    ZonedDateTime z = at.atZone(zone);
    return switch (bucket) {
      case "fifteenMinutes" -> interval(at);
      case "hour" -> z.truncatedTo(ChronoUnit.HOURS).toInstant();
      case "day" -> z.truncatedTo(ChronoUnit.DAYS).toInstant();
      case "week" -> z.truncatedTo(ChronoUnit.DAYS).minusDays(z.getDayOfWeek().getValue() - 1L).toInstant();
      case "month" -> z.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).toInstant();
      default -> throw new IllegalArgumentException(bucket);
    };
  }

  /**
   * The expected figures, per group ("service|agent", either part empty) and bucket start, for a
   * report by {@code by} in {@code bucket}s of {@code zone}, over [from, to).
   */
  Map<String, TreeMap<Instant, Map<String, Object>>> report(String by, String bucket, ZoneId zone, Instant from, Instant to) {
    var groups = new HashMap<String, TreeMap<Instant, Raw>>();
    intervals.forEach((key, raw) -> {
      if (key.interval().isBefore(from) || !key.interval().isBefore(to)) {
        return;
      }
      boolean serviceRow = key.agent().isEmpty();
      boolean presenceRow = key.service().isEmpty();
      String group = switch (by) {
        case "service" -> serviceRow ? key.service() + "|" : null;
        case "agent" -> serviceRow ? null : "|" + key.agent();
        default -> serviceRow || presenceRow ? null : key.service() + "|" + key.agent();
      };
      if (group != null) {
        groups.computeIfAbsent(group, g -> new TreeMap<>()).computeIfAbsent(bucket(key.interval(), bucket, zone), b -> new Raw()).addAll(raw);
      }
    });
    var expected = new HashMap<String, TreeMap<Instant, Map<String, Object>>>();
    groups.forEach((group, buckets) -> {
      var rows = new TreeMap<Instant, Map<String, Object>>();
      String service = group.substring(0, group.indexOf('|'));
      boolean agentRow = !group.endsWith("|");
      buckets.forEach((start, raw) -> rows.put(start, figures(raw, agentRow, agentRow ? null : world.targets.get(service))));
      expected.put(group, rows);
    });
    return expected;
  }

  static final List<String> COUNTS = List.of(
      "created", "offered", "accepted", "acceptedWithinTarget", "declined", "rona", "broadcastRounds", "broadcastUnanswered",
      "completed", "cancelledByFlow", "cancelledBySupervisor", "cancelledByWorkflow", "cancelledBySystem", "expired", "abandoned",
      "transferredIn", "transferredOut");

  /** A row's figures as the JSON of a report row names them. */
  static Map<String, Object> figures(Raw raw, boolean agentRow, Integer target) {
    var f = new LinkedHashMap<String, Object>();
    for (String c : COUNTS) {
      f.put(c, raw.counts.getOrDefault(c, 0L));
    }
    long cancelled = 0;
    for (String by : List.of("Flow", "Supervisor", "Workflow", "System")) {
      cancelled += raw.counts.getOrDefault("cancelledBy" + by, 0L);
    }
    f.put("cancelled", cancelled);
    long accepted = raw.counts.getOrDefault("accepted", 0L);
    long abandoned = raw.counts.getOrDefault("abandoned", 0L);
    long offered = raw.counts.getOrDefault("offered", 0L);
    f.put("serviceLevelTargetSeconds", target);
    f.put("serviceLevel", agentRow || accepted + abandoned == 0 ? null : (double) raw.counts.getOrDefault("acceptedWithinTarget", 0L) / (accepted + abandoned));
    f.put("abandonmentRate", agentRow || accepted + abandoned == 0 ? null : (double) abandoned / (accepted + abandoned));
    f.put("acceptanceRate", offered == 0 ? null : (double) accepted / offered);
    for (String d : List.of("waiting", "handling", "afterWork")) {
      f.put(d, durations(raw.durations.getOrDefault(d, List.of())));
    }
    for (String p : List.of("availableSeconds", "busySeconds", "awaySeconds")) {
      f.put(p, agentRow ? raw.counts.getOrDefault(p, 0L) / 1000.0 : null);
    }
    return f;
  }

  private static Map<String, Object> durations(List<Long> values) {
    var d = new LinkedHashMap<String, Object>();
    d.put("count", (long) values.size());
    if (values.isEmpty()) {
      for (String k : List.of("mean", "p50", "p90", "p99", "max")) {
        d.put(k, null);
      }
      return d;
    }
    var sorted = values.stream().map(v -> Math.max(0, v)).sorted().toList();
    long sum = sorted.stream().mapToLong(Long::longValue).sum();
    d.put("mean", Math.round((double) sum / sorted.size()) / 1000.0);
    for (int p : new int[] {50, 90, 99}) {
      int rank = Math.max(1, (int) Math.ceil(p / 100.0 * sorted.size()));
      d.put("p" + p, threeDigits(sorted.get(rank - 1)) / 1000.0);
    }
    d.put("max", sorted.get(sorted.size() - 1) / 1000.0);
    return d;
  }

  /** A value truncated to three significant digits, worked out on its decimal string. */
  static long threeDigits(long millis) {
    String digits = Long.toString(millis);
    if (digits.length() <= 3) {
      return millis;
    }
    return Long.parseLong(digits.substring(0, 3) + "0".repeat(digits.length() - 3));
  }
}
