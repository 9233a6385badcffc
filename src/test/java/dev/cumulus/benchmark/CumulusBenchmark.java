package dev.cumulus.benchmark;

import dev.cumulus.support.PostgresServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The performance harness of issue 3. It is not a test with timed assertions: it prints figures with
 * their targets and PASS/MISS, and fails only when something is broken. Run it with
 *
 * <pre>./mvnw -B -Pbenchmark verify</pre>
 *
 * (add {@code -Dbench.scale=quick} for a two-minute smoke run; see {@link Settings} for every knob).
 * For each database (an H2 file database in a temporary directory, then PostgreSQL: the server named
 * by {@code CUMULUS_IT_POSTGRES_URL}/_USER/_PASSWORD, otherwise an embedded one) it starts Cumulus
 * in this JVM on a random port and measures, through its REST API as flows and agents would:
 *
 * <ol>
 *   <li>the raw engine rate: start → user task instances per second, engine API, 4 threads;
 *   <li>AddExternalTask per second through HTTP with concurrent flows, and its ratio to (1) (target
 *       ≥ 0.5);
 *   <li>the anchor of (4), the plain Camunda pull life: a tiny process (start → user task with a
 *       candidate group → end); per life start an instance, find its task (task query by candidate
 *       group and process instance), claim, complete, through the engine Java API of the application
 *       the harness started, with as many threads as (4) has (agents + flows,
 *       {@code -Dbench.anchor.threads}), on the same database and history level; next to it, a
 *       diagnostic that is not judged: the same life through Camunda's own REST API over HTTP, as a
 *       team without Cumulus would build it from flows and agent pages ({@code POST
 *       /engine-rest/process-definition/key/…/start} with a business key, {@code GET
 *       /engine-rest/task?processInstanceId=…&candidateGroup=…}, {@code POST …/claim}, {@code POST
 *       …/complete}; HTTP Basic as the admin user), four requests per life, the same threads and
 *       durations, with its server CPU, rows and commits per life and the ratio of (4) to it;
 *   <li>full lives per second (create → offer → accept → complete) with simulated agents on one
 *       service: ≥ 200/s and ≥ 1.3 × the anchor (3); what a life costs next to the anchor's: rows
 *       written (≤ 60) and commits (≤ 6) per life, as PostgreSQL counts them (pg_stat_user_tables,
 *       pg_stat_database; n/a on H2), server CPU per life, and rows per life by table;
 *   <li>the same agents and flows over four services: one service ≥ 0.8 × four services;
 *   <li>create → offer latency with free agents;
 *   <li>agent frees up → next offer latency with 10,000 queued;
 *   <li>queuePosition read latency with 100,000 queued, and heap used;
 *   <li>whether estimatedWaitSeconds keeps its word (issue 14, {@link EtaScenario});
 *   <li>bulk create (issue 13): tasks per second of {@code POST /v1/ExternalTasks/bulk} with
 *       {@code bench.bulk.size} (100) items, next to one task per {@code POST /v1/ExternalTasks}, the
 *       same flow clients, with the server CPU, commits and rows per task of each.
 * </ol>
 *
 * Order of the run: (2), (3) with its HTTP diagnostic right after it, (4), (5), (6), (7), (9), (10), then
 * (1) (its instances stay in user tasks for ever; the anchors' end, so they run right before the
 * lives), then (8).
 *
 * <p>{@code -Dbench.phases=} selects a part: {@code eta} runs only the last one (a few minutes per
 * database), {@code position} only (8), {@code lives} only (2) to (5) and (1), with their judgements
 * (for iterating on the lives and start rates; with {@code -Dbench.scale=quick}, a minute or two per
 * database), {@code latency} only the create → offer and frees up → next offer latencies (after an
 * unjudged AddExternalTask phase that fills the queue), {@code bulk} only (10). {@code -Dbench.anchor.threads} sets the anchor's threads (default
 * {@code bench.agents + bench.creators}, 16).
 *
 * The table goes to standard output and to {@code target/benchmark-results.txt}.
 */
class CumulusBenchmark {

  private static final long STARTED = System.nanoTime();

  @Test
  void benchmark() throws Exception {
    Settings settings = Settings.fromSystemProperties();
    if (settings.phases().equals(List.of("reports"))) {
      log("Cumulus benchmark: skipped (-Dbench.phases=reports runs ReportsBenchmark only)");
      return;
    }
    var reports = new ArrayList<Report>();
    log("settings: " + settings);
    for (String database : settings.databases()) {
      switch (database.toLowerCase()) {
        case "h2" -> reports.add(runH2(settings));
        case "postgres", "postgresql", "pg" -> reports.add(runPostgres(settings));
        default -> throw new IllegalArgumentException("bench.databases: unknown database '" + database + "' (h2, postgres)");
      }
    }
    var out = new StringBuilder();
    out.append("\n######## Cumulus benchmark (issue 3) ########\n");
    out.append(machine()).append('\n');
    out.append("load average (1/5/15 min) at the end: ").append(loadAverages()).append(" — other work on the machine lowers every figure\n");
    out.append("settings: ").append(settings).append('\n');
    out.append(String.format("whole run: %.1f min%n%n", (System.nanoTime() - STARTED) / 60e9));
    for (Report r : reports) {
      out.append(r.render()).append('\n');
    }
    System.out.println(out);
    Path file = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "benchmark-results.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out.toString());
    log("written to " + file);
  }

  private Report runH2(Settings settings) throws Exception {
    var report = new Report("H2 (file database)");
    Path dir = Files.createTempDirectory("cumulus-bench-h2");
    String url = "jdbc:h2:file:" + dir.resolve("cumulus") + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE";
    try (var run = DatabaseRun.start(settings, report, url, "sa", "", false)) {
      run.run();
    } finally {
      deleteTree(dir);
    }
    return report;
  }

  private Report runPostgres(Settings settings) throws Exception {
    String where = System.getenv("CUMULUS_IT_POSTGRES_URL") == null ? "embedded server" : "server from CUMULUS_IT_POSTGRES_URL";
    var report = new Report("PostgreSQL (" + where + ")");
    var db = PostgresServer.freshDatabase();
    try (var run = DatabaseRun.start(settings, report, db.url(), db.user(), db.password(), true)) {
      run.run();
    } finally {
      if (Boolean.getBoolean("bench.keepDatabase")) {
        log("kept database " + db.url());
      } else {
        drop(db);
      }
    }
    return report;
  }

  /** The benchmark's database holds 100,000+ tasks: drop it (a server given by the environment keeps no litter). */
  static void drop(PostgresServer.Database db) {
    String url = db.url();
    int slash = url.lastIndexOf('/');
    int query = url.indexOf('?', slash);
    String name = url.substring(slash + 1, query < 0 ? url.length() : query);
    String adminUrl = url.substring(0, slash + 1) + "postgres" + (query < 0 ? "" : url.substring(query));
    try (Connection c = DriverManager.getConnection(adminUrl, db.user(), db.password()); Statement st = c.createStatement()) {
      st.execute("drop database if exists " + name + " with (force)");
    } catch (SQLException e) {
      log("could not drop database " + name + ": " + e.getMessage());
    }
  }

  private static String machine() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    long memoryMb = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() / (1024 * 1024) : -1;
    return String.format(
        "machine: %d cores (%s), %,d MB RAM, %s %s; Java %s (%s), max heap %,d MB; the load generator, Cumulus and the"
            + " database share these cores",
        Runtime.getRuntime().availableProcessors(), cpuModel(), memoryMb, os.getName(), os.getVersion(),
        System.getProperty("java.version"), System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }

  private static String loadAverages() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static void log(String message) {
    System.out.println(
        "[bench " + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + String.format(" +%.0fs] ", (System.nanoTime() - STARTED) / 1e9)
            + message);
  }
}
