package dev.cumulus.benchmark;

import dev.cumulus.CumulusApplication;
import dev.cumulus.reports.ReportFeed;
import dev.cumulus.support.Api;
import dev.cumulus.support.PostgresServer;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The reports' benchmark (issue 12, docs/performance.md): on PostgreSQL, a generated history of
 * {@code bench.reports.tasks} (1,000,000) completed tasks over 90 days — six events each, written as
 * flows and agents would have left them — is fed through the real report feed; then
 *
 * <ol>
 *   <li>the feed's rate (events per second, with CPU per 1,000 events);
 *   <li>storage per million tasks: reports' tables and the raw events they come from;
 *   <li>a 30-day report of one service in hourly buckets over REST: p50 / p99 latency (target p99 ≤
 *       300 ms), with CPU and rows read per request; the same for all eight services;
 *   <li>the CSV export of the task history over REST, streamed: rows per second and the heap while it
 *       streams a tenth of the rows and all of them (the heap must not grow with the row count).
 * </ol>
 *
 * Runs only with {@code ./mvnw -B -Pbenchmark verify -Dbench.phases=reports} (about 15 minutes on 2 cores).
 */
class ReportsBenchmark {

  private static final int SERVICES = 8;
  private static final int AGENTS = 40;

  @Test
  void reports() throws Exception {
    if (!System.getProperty("bench.phases", "all").trim().equalsIgnoreCase("reports")) {
      CumulusBenchmark.log("reports benchmark: skipped (-Dbench.phases=reports runs it)");
      return;
    }
    int tasks = Integer.getInteger("bench.reports.tasks", 1_000_000);
    int days = Integer.getInteger("bench.reports.days", 90);
    int requests = Integer.getInteger("bench.reports.requests", 300);
    var db = PostgresServer.freshDatabase();
    var report = new Report("PostgreSQL, reports over " + String.format("%,d", tasks) + " completed tasks in " + days + " days");
    var args = new ArrayList<>(List.of(
        "--server.port=0", "--server.address=127.0.0.1", "--cumulus.demo.enabled=false", "--spring.profiles.active=postgres",
        "--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
        "--camunda.bpm.job-execution.enabled=false", "--cumulus.distribution.timers-enabled=false", "--cumulus.reports.feed-enabled=false",
        "--cumulus.reports.feed-batch=" + Integer.getInteger("bench.reports.feed-batch", 5000), "--logging.level.root=warn",
        "--spring.main.banner-mode=off"));
    args.addAll(Api.secrets());
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CumulusApplication.class).run(args.toArray(String[]::new))) {
      var jdbc = context.getBean(JdbcTemplate.class);
      String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
      report.fact(PostgresServer.class.getSimpleName() + ": " + jdbc.queryForObject("select version()", String.class));

      long t0 = System.nanoTime();
      generate(jdbc, tasks, days);
      long events = jdbc.queryForObject("select count(*) from task_event", Long.class);
      report.info("history generated (SQL): tasks / events", String.format("%,d / %,d in %.0f s", tasks, events, (System.nanoTime() - t0) / 1e9));

      feed(context.getBean(ReportFeed.class), events, report);
      storage(jdbc, tasks, report);
      latency(base, jdbc, requests, report);
      export(base, tasks, days, report);
    } finally {
      if (Boolean.getBoolean("bench.keepDatabase")) {
        CumulusBenchmark.log("kept database " + db.url());
      } else {
        CumulusBenchmark.drop(db);
      }
    }
    String out = "\n######## Cumulus reports benchmark (issue 12) ########\nload average at the end: " + CpuMeter.loadAverage() + "\n" + report.render();
    System.out.println(out);
    Path file = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "benchmark-reports.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out);
  }

  /**
   * Services, agents and tasks in SQL: each task created at an even pace over the days, queued within
   * 5 s, offered within 2 min, accepted within 20 s, handled 30 s to 10 min, after-work up to a minute.
   */
  private static void generate(JdbcTemplate jdbc, int tasks, int days) {
    jdbc.execute((ConnectionCallback<Void>) c -> {
      try (var st = c.createStatement()) {
        st.execute("select setseed(0.2026)");
        st.execute("insert into cumulus_service (upn, id, display_name, rona_timeout_seconds, acw_seconds, max_concurrent_tasks, process_key,"
            + " created_at, updated_at) select 'bench' || s || '@reports.test', md5('s' || s), 'Bench service ' || s, 20, 20, 1000,"
            + " 'ExternalTaskProcess', now(), now() from generate_series(0, " + (SERVICES - 1) + ") s");
        double step = days * 86400.0 / tasks;
        st.execute("create unlogged table bench_life as select g, md5('t' || g)::uuid::text as id, 'bench' || (g % " + SERVICES
            + ") || '@reports.test' as svc, 'agent' || (g % " + AGENTS + ") || '@reports.test' as agent,"
            + " now() - interval '" + days + " days' + (g * " + step + ") * interval '1 second' as c, random() * 5 as dq,"
            + " random() * 120 as dof, random() * 20 as da, 30 + random() * 570 as dw, random() * 60 as dd from generate_series(1, " + tasks + ") g");
        st.execute("insert into external_task (id, service_upn, state, distribution_priority, preferred_users, created_at, enqueued_at,"
            + " expires_at, terminated_at, outcome, last_connected_user_upn, created_by) select id, svc, 'Completed', 'Normal', '[]', c,"
            + " c + dq * interval '1 second', c + interval '1 day', c + (dq + dof + da + dw + dd) * interval '1 second', 'Handled', agent,"
            + " 'flow:bench' from bench_life order by g");
        st.execute("insert into task_event (task_id, event, state, occurred_at, actor, detail, service_upn, user_upn)"
            + " select id, e.event, e.state, e.at, e.actor, e.detail, svc, e.usr from bench_life cross join lateral (values"
            + " ('Created', 'InWorkflow', c, 'flow:bench', null, null),"
            + " ('Queued', 'Queued', c + dq * interval '1 second', 'system', null, null),"
            + " ('Offered', 'Offered', c + (dq + dof) * interval '1 second', 'system', '{\"userUpn\":\"' || agent || '\",\"rule\":\"longestIdle\"}', agent),"
            + " ('Accepted', 'Connected', c + (dq + dof + da) * interval '1 second', agent, '{\"userUpn\":\"' || agent || '\"}', agent),"
            + " ('AfterWorkStarted', 'AfterWork', c + (dq + dof + da + dw) * interval '1 second', agent, '{\"seconds\":\"20\"}', agent),"
            + " ('Completed', 'Completed', c + (dq + dof + da + dw + dd) * interval '1 second', agent, '{\"userUpn\":\"' || agent || '\"}', null)"
            + ") as e(event, state, at, actor, detail, usr) order by g, e.at");
        st.execute("drop table bench_life");
        st.execute("analyze");
      }
      return null;
    });
  }

  private static void feed(ReportFeed feed, long events, Report report) {
    var cpu = new CpuMeter();
    cpu.start();
    long t0 = System.nanoTime();
    long fed = 0;
    for (int n; (n = feed.feedAll()) > 0; ) {
      fed += n;
      CumulusBenchmark.log(String.format("fed %,d of %,d events", fed, events));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    CpuMeter.Split split = cpu.stop();
    report.info("report feed: events fed / rate", String.format("%,d in %.0f s = %,.0f events/s", fed, seconds, fed / seconds));
    report.info("  CPU per 1,000 events: this JVM / PostgreSQL",
        String.format("%.0f ms / %.0f ms", split.jvm() * seconds * 1000 / (fed / 1000.0), split.database() * seconds * 1000 / (fed / 1000.0)));
    report.info("  what a live system needs (6 events per task at 100 tasks/s)", "600 events/s");
  }

  private static void storage(JdbcTemplate jdbc, int tasks, Report report) {
    double perMillion = 1_000_000.0 / tasks;
    for (String table : List.of("report_interval", "report_task", "task_event", "external_task")) {
      long bytes = jdbc.queryForObject("select pg_total_relation_size('" + table + "')", Long.class);
      long rows = jdbc.queryForObject("select count(*) from " + table, Long.class);
      report.info("storage per million tasks: " + table + " (with indexes)", String.format("%,.0f MB (%,.0f rows)", bytes * perMillion / 1e6, rows * perMillion));
    }
  }

  private static void latency(String base, JdbcTemplate jdbc, int requests, Report report) throws Exception {
    var http = HttpClient.newHttpClient();
    String from = URLEncoder.encode(Instant.now().minus(30, ChronoUnit.DAYS).toString(), StandardCharsets.UTF_8);
    var random = new Random(12);
    for (boolean all : new boolean[] {false, true}) {
      var samples = new Samples();
      var cpu = new CpuMeter();
      long bytes = 0;
      long measured = 0;
      for (int i = 0; i < requests + 30; i++) {
        String service = all ? "" : "&service=bench" + random.nextInt(SERVICES) + "@reports.test";
        if (i == 30) {
          cpu.start();
        }
        long t = System.nanoTime();
        var r = http.send(get(base + "/v1/reports/intervals?by=service&bucket=hour&from=" + from + service), HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - t;
        if (r.statusCode() != 200) {
          throw new IllegalStateException(r.statusCode() + " " + r.body());
        }
        if (i >= 30) {
          samples.add(took);
          measured += took;
          bytes += r.body().length();
        }
      }
      CpuMeter.Split split = cpu.stop();
      double wall = measured / 1e9;
      long rows = jdbc.queryForObject(
          "select count(*) from report_interval where agent_upn = '' and bucket_start >= now() - interval '30 days'" + (all ? "" : " and service_upn = 'bench0@reports.test'"),
          Long.class);
      if (!all) {
        var plan = jdbc.queryForList(
            "explain (analyze, buffers) select * from report_interval where bucket_start >= now() - interval '30 days' and bucket_start < now()"
                + " and agent_upn = '' and (service_upn in ('bench0@reports.test'))", String.class);
        report.note("the one-service query's plan: " + String.join(" | ", plan.subList(0, Math.min(4, plan.size()))).replaceAll("\\s+", " "));
      }
      String what = all ? "30-day report, all 8 services, hourly" : "30-day report of one service, hourly";
      report.latency(what + " (p50 / p99)", samples, 300);
      report.info("  per request: rows read / answer / server CPU",
          String.format("%,d 15-min rows / %,d kB / %.1f ms (JVM) + %.1f ms (PostgreSQL)", rows, bytes / samples.size() / 1000,
              split.jvm() * wall * 1000 / samples.size(), split.database() * wall * 1000 / samples.size()));
    }
  }

  /** The task history as CSV, a tenth of the range and all of it; the heap is sampled every 10 ms while it streams. */
  private static void export(String base, int tasks, int days, Report report) throws Exception {
    var http = HttpClient.newHttpClient();
    for (int share : new int[] {10, 100}) {
      Instant from = Instant.now().minus(days + 1, ChronoUnit.DAYS);
      Instant to = share == 100 ? Instant.now() : Instant.now().minus(days, ChronoUnit.DAYS).plus(Duration.ofSeconds(days * 86400L / 10));
      System.gc();
      long before = heapUsed();
      var peak = new AtomicLong();
      var oldPeak = new AtomicLong();
      var sampling = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          peak.accumulateAndGet(heapUsed(), Math::max);
          oldPeak.accumulateAndGet(oldGenUsed(), Math::max);
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "bench-heap-sampler");
      sampling.setDaemon(true);
      sampling.start();
      long t0 = System.nanoTime();
      long lines = 0;
      var r = http.send(get(base + "/v1/reports/tasks?format=csv&from=" + from + "&to=" + to), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              lines++;
            }
          }
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      sampling.interrupt();
      sampling.join();
      report.info(String.format("CSV export of the task history, %d %% of the range", share),
          String.format("%,d rows in %.1f s = %,.0f rows/s", lines - 1, seconds, (lines - 1) / seconds));
      report.info("  heap while it streams: used at start (after GC) / peak / old generation peak",
          String.format("%,d MB / %,d MB / %,d MB", before >> 20, peak.get() >> 20, oldPeak.get() >> 20));
    }
    report.note("The heap is that of the one JVM that runs Cumulus and the benchmark's client; the old generation holds what"
        + " survives young collections, so a result kept in memory would show there as it grows with the rows.");
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long oldGenUsed() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getName().contains("Old")) {
        used += pool.getUsage().getUsed();
      }
    }
    return used;
  }

  private static HttpRequest get(String url) {
    String basic = Base64.getEncoder().encodeToString(("admin:" + Api.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Basic " + basic).timeout(Duration.ofMinutes(30)).GET().build();
  }
}
