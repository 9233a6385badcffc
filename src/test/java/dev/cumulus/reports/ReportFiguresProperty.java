package dev.cumulus.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The property test of the reports (docs/reports.md): generated histories with known answers
 * ({@link HistoryWorld}, {@link KnownAnswers}) are written into task_event and agent_change the way
 * several nodes would — ids taken in one order, rows committing in another, some minutes late — and
 * fed in waves; then every figure of every row of reports by service, by agent and by agent per
 * service, in buckets from 15 minutes to a month and in several time zones, and every task history
 * row must equal the known answer.
 *
 * <p>{@code ./mvnw verify} runs fixed seeds and every seed of src/test/resources/reports/regressions.txt;
 * {@code -Dreports.seed=random -Dreports.seeds=200} explores (docs/development.md, "Randomized tests").
 */
abstract class ReportFiguresProperty {

  static final long FIXED_SEED = 20261202L;

  @Autowired JdbcTemplate jdbc;
  @Autowired ReportFeed feed;
  @Autowired Reports reports;
  @Autowired ObjectMapper mapper;

  /** How many fixed seeds this database runs in the build. */
  abstract int fixedSeeds();

  @Test
  void everyFigureEqualsTheKnownAnswer() {
    var failures = new ArrayList<String>();
    int index = 0;
    for (long seed : seeds()) {
      index++;
      try {
        check(seed, index);
      } catch (AssertionError | RuntimeException e) {
        String message = (e instanceof AssertionError ? String.valueOf(e.getMessage()) : e.toString()).strip();
        failures.add("seed " + seed + ": " + (message.length() > 3000 ? message.substring(0, 3000) + " ..." : message)
            + "\n  replay: -Dreports.seed=" + seed + " -Dreports.seeds=1 (add \"" + seed + "  # what it caught\" to src/test/resources/reports/regressions.txt once fixed)");
      }
    }
    assertThat(failures).as(String.join("\n", failures)).isEmpty();
  }

  private List<Long> seeds() {
    String seed = System.getProperty("reports.seed");
    int count = Integer.getInteger("reports.seeds", fixedSeeds());
    long first = seed == null ? FIXED_SEED : seed.equals("random") ? java.util.concurrent.ThreadLocalRandom.current().nextLong() : Long.parseLong(seed);
    if (seed != null && seed.equals("random")) {
      System.out.println("reports property test: random seed " + first + ", " + count + " histories");
    }
    var seeds = new ArrayList<Long>();
    var stream = new Random(first);
    seeds.add(first);
    while (seeds.size() < count) {
      seeds.add(stream.nextLong());
    }
    if (seed == null) {
      seeds.addAll(regressions());
    }
    return seeds;
  }

  private static List<Long> regressions() {
    try {
      return Files.readAllLines(Path.of("src/test/resources/reports/regressions.txt")).stream()
          .map(l -> l.replaceAll("#.*", "").strip())
          .filter(l -> !l.isEmpty())
          .map(Long::parseLong)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void check(long seed, int index) {
    long firstId = 1_000_000L * index;
    var world = new HistoryWorld(seed, firstId, "r" + index + "x" + Long.toString(Math.abs(seed) % 100000, 36));
    long t0 = System.nanoTime();
    prepare(world, firstId);
    long t1 = System.nanoTime();
    feedInWaves(world, seed);
    long t2 = System.nanoTime();

    Instant last = world.events.stream().map(e -> e.at).max(Comparator.naturalOrder()).orElseThrow();
    Instant from = world.start.minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.HOURS);
    Instant to = last.plus(1, ChronoUnit.HOURS);
    var answers = new KnownAnswers(world, to);
    compare(world, answers, "service", Bucket.fifteenMinutes, ZoneOffset.UTC, from, to);
    compare(world, answers, "service", Bucket.hour, ZoneId.of("Asia/Kolkata"), from, to);
    compare(world, answers, "agent", Bucket.hour, ZoneId.of("Europe/Zurich"), from, to);
    compare(world, answers, "serviceAgent", Bucket.day, ZoneId.of("America/New_York"), from, to);
    compare(world, answers, "agent", Bucket.week, ZoneOffset.UTC, from, to);
    compare(world, answers, "service", Bucket.month, ZoneId.of("Pacific/Auckland"), from, to);
    tasks(world, answers, from, to);
    System.out.printf("reports property: seed %d, %d events, %d presence changes: prepare %d ms, feed %d ms, compare %d ms%n", seed,
        world.events.size(), world.presence.size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
  }

  /** The world's services and tasks as rows, and the reports' tables emptied, the cursor before the world's ids. */
  private void prepare(HistoryWorld world, long firstId) {
    for (String table : List.of("report_interval", "report_task", "report_presence")) {
      jdbc.update("delete from " + table);
    }
    jdbc.update("update report_feed set last_event_id = ?, event_gaps = '', last_change_id = ?, change_gaps = '' where id = 1", firstId - 1, firstId - 1);
    var now = world.start.atOffset(ZoneOffset.UTC);
    world.targets.forEach((upn, target) -> jdbc.update(
        "insert into cumulus_service (upn, id, display_name, rona_timeout_seconds, acw_seconds, max_concurrent_tasks, process_key,"
            + " created_at, updated_at, service_level_seconds) values (?, ?, ?, 20, 20, 1000, 'ExternalTaskProcess', ?, ?, ?)",
        upn, java.util.UUID.randomUUID().toString(), upn, now, now, target));
    world.createdIn.forEach((task, service) -> jdbc.update(
        "insert into external_task (id, service_upn, state, distribution_priority, customer_identifier, preferred_users, created_at,"
            + " expires_at, created_by) values (?, ?, 'Completed', 'Normal', ?, '[]', ?, ?, 'flow:it')",
        task, service, world.customers.get(task), now, now.plusDays(1)));
  }

  /** Rows commit in waves, in the order of their commit times; the feed runs after each wave. */
  private void feedInWaves(HistoryWorld world, long seed) {
    var random = new Random(seed ^ 0x5eed);
    Instant lastCommit = world.events.stream().map(e -> e.commitTime).max(Comparator.naturalOrder()).orElseThrow();
    var moments = new ArrayList<Instant>();
    long span = lastCommit.toEpochMilli() - world.start.toEpochMilli();
    for (int i = 0; i < 7; i++) {
      moments.add(world.start.plusMillis((long) (random.nextDouble() * span)));
    }
    moments.sort(Comparator.naturalOrder());
    moments.add(lastCommit.plusSeconds(1));
    Instant presenceEnd = world.presence.stream().map(HistoryWorld.PresenceChange::commitTime).max(Comparator.naturalOrder()).orElse(lastCommit);
    if (presenceEnd.isAfter(lastCommit)) {
      moments.add(presenceEnd.plusSeconds(1));
    }
    Set<Long> inserted = new HashSet<>();
    Set<Long> changes = new HashSet<>();
    for (Instant moment : moments) {
      for (HistoryWorld.Event e : world.events) {
        if (!e.commitTime.isAfter(moment) && inserted.add(e.id)) {
          jdbc.update(
              "insert into task_event (id, task_id, event, state, occurred_at, actor, detail, service_upn, user_upn) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              e.id, e.task, e.event, e.state, e.at.atOffset(ZoneOffset.UTC), e.actor, json(e.detail), e.service, e.user);
        }
      }
      for (HistoryWorld.PresenceChange c : world.presence) {
        if (!c.commitTime().isAfter(moment) && changes.add(c.id())) {
          jdbc.update(
              "insert into agent_change (id, user_upn, kind, occurred_at, presence) values (?, ?, 'presence', ?, ?)",
              c.id(), c.agent(), c.at().atOffset(ZoneOffset.UTC), c.presence());
        }
      }
      feed.feedAll();
    }
    assertThat(inserted).hasSize(world.events.size());
    Long gaps = jdbc.queryForObject("select count(*) from report_feed where event_gaps <> '' or change_gaps <> ''", Long.class);
    assertThat(gaps).as("every late row was found: no gap left").isZero();
  }

  private String json(Map<String, String> detail) {
    try {
      return detail.isEmpty() ? null : mapper.writeValueAsString(detail);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void compare(HistoryWorld world, KnownAnswers answers, String by, Bucket bucket, ZoneId zone, Instant from, Instant to) {
    var report = reports.report(
        new Reports.Request(from, to, bucket, Grouping.valueOf(by), zone, world.services(), by.equals("service") ? null : world.agents),
        new ReportScope(null, null, true, true, true));
    Instant start = KnownAnswers.bucket(from, bucket.name(), zone);
    var expected = answers.report(by, bucket.name(), zone, start, to);
    var seen = new TreeMap<String, Integer>();
    String where = by + " by " + bucket + " in " + zone;
    for (ReportRow row : report.rows()) {
      String group = (row.serviceUpn() == null ? "" : row.serviceUpn()) + "|" + (row.agentUpn() == null ? "" : row.agentUpn());
      seen.merge(group, 1, Integer::sum);
      Instant bucketStart = row.start().toInstant();
      assertThat(KnownAnswers.bucket(bucketStart, bucket.name(), zone)).as(where + ": a bucket starts on its boundary").isEqualTo(bucketStart);
      assertThat(expected).as(where + ": a group with figures").containsKey(group);
      Map<String, Object> want = expected.get(group).getOrDefault(bucketStart, KnownAnswers.figures(new KnownAnswers.Raw(), !group.endsWith("|"), group.endsWith("|") ? world.targets.get(row.serviceUpn()) : null));
      Map<String, Object> got = figures(row);
      assertThat(got).as(where + ": " + group + " at " + bucketStart).isEqualTo(want);
    }
    assertThat(seen.keySet()).as(where + ": the groups").isEqualTo(new java.util.TreeSet<>(expected.keySet()));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> figures(ReportRow row) {
    Map<String, Object> all = mapper.convertValue(row, LinkedHashMap.class);
    var figures = new LinkedHashMap<String, Object>();
    for (String key : KnownAnswers.figures(new KnownAnswers.Raw(), false, null).keySet()) {
      Object value = all.get(key);
      if (value instanceof Number n && !(value instanceof Double)) {
        value = n.longValue();
      }
      if (value instanceof Map<?, ?> m) {
        var d = new LinkedHashMap<String, Object>();
        for (String k : List.of("count", "mean", "p50", "p90", "p99", "max")) {
          Object v = ((Map<String, Object>) m).get(k);
          d.put(k, k.equals("count") ? ((Number) v).longValue() : v);
        }
        value = d;
      }
      figures.put(key, key.equals("serviceLevelTargetSeconds") && value != null ? ((Number) value).intValue() : value);
    }
    return figures;
  }

  private void tasks(HistoryWorld world, KnownAnswers answers, Instant from, Instant to) {
    var got = new LinkedHashMap<String, Map<String, Object>>();
    reports.tasks(from, to, world.services(), new ReportScope(null, null, true, true, true), t -> {
      var row = new LinkedHashMap<String, Object>();
      row.put("taskId", t.taskId());
      row.put("serviceUpn", t.serviceUpn());
      row.put("state", t.state());
      put(row, "customerIdentifier", t.customerIdentifier());
      put(row, "createdAt", t.createdAt());
      put(row, "firstQueuedAt", t.firstQueuedAt());
      put(row, "firstOfferedAt", t.firstOfferedAt());
      put(row, "handledAt", t.handledAt());
      put(row, "handlingSeconds", t.handlingSeconds());
      put(row, "afterWorkSeconds", t.afterWorkSeconds());
      put(row, "outcome", t.outcome());
      put(row, "endedAt", t.endedAt());
      put(row, "cancelledBy", t.cancelledBy());
      put(row, "agentUpn", t.agentUpn());
      put(row, "acceptedAt", t.acceptedAt());
      put(row, "waitingSeconds", t.waitingSeconds());
      row.put("offers", (long) t.offers());
      row.put("declines", (long) t.declines());
      row.put("ronas", (long) t.ronas());
      row.put("transfers", (long) t.transfers());
      got.put(t.taskId(), row);
    });
    assertThat(got.keySet()).as("the task history holds every task").containsExactlyInAnyOrderElementsOf(answers.tasks.keySet());
    answers.tasks.forEach((task, want) -> {
      var sorted = new TreeMap<>(want);
      sorted.values().removeIf(java.util.Objects::isNull);
      assertThat(new TreeMap<>(got.get(task))).as("task " + task).isEqualTo(sorted);
    });
  }

  private static void put(Map<String, Object> row, String key, Object value) {
    if (value != null) {
      row.put(key, value);
    }
  }
}
