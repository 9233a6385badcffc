package dev.cumulus.invariants;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cumulus.directory.ServiceAdmin;
import dev.cumulus.directory.UserAdmin;
import dev.cumulus.invariants.StreamGenerator.WorldSpec;
import dev.cumulus.invariants.StreamRunner.Run;
import dev.cumulus.lifecycle.AgentActions;
import dev.cumulus.lifecycle.TaskIntake;
import dev.cumulus.lifecycle.TaskSteering;
import dev.cumulus.lifecycle.WorkflowSteps;
import dev.cumulus.routing.DistributionProperties;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.camunda.bpm.engine.ManagementService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Property-style test of distribution (issue 3): thousands of random steps over hundreds of small
 * random worlds, every routing invariant checked after every step (see {@link Invariants}).
 *
 * <p>Each stream builds a fresh world: 2-3 services with random distribution settings (Direct,
 * Broadcast or Pickup; LongestIdle, RoundRobin or LeastBusy; preferred-user window or none; Busy/Away
 * opt-in; persistent RONA; after-work early end and extension), 3-6 agents with capacity 1-3, random
 * members and presences. Then 20-40 random steps: creates (random priority, 0-2 preferred users, some
 * with expiresAt or an Idempotency-Key, some invalid), presence and duty changes, RONA resets,
 * accept / decline / complete / pick up / extend after-work (mostly by the agent who holds the task,
 * sometimes by anybody), RONA, expiry and after-work timers, RemoveExternalTask and aborts, transfers,
 * priority changes, preferred-user updates (UpdateTask and PATCH), member changes, idempotent replays
 * and late workflow steps. Then it removes every open task and checks that each ended exactly once.
 *
 * <p>Everything runs in-process for speed: the beans behind the REST API, called as the right
 * caller; timers fired with ManagementService (the job executor is off); the sweeper and the repair
 * job are off (1 h), so only the steps move the world. The clock is real, but a stream lasts far less
 * than the refusal cooldown (60 s), a preferred-user window (60 s or more) or a RONA flag (600 s or
 * more), so whatever a stream starts stays in force in it.
 *
 * <p>Deterministic by default: {@code ./mvnw verify} runs {@link #FIXED_SEED} for {@code invariants.streams}
 * streams, then every stream of the regression corpus ({@code src/test/resources/invariants/regressions.txt}:
 * each seed and stream that ever failed, with what it caught). Same commit, same streams, every time.
 * Exploring fresh seeds is a separate command ({@code ./mvnw -Pexplore-invariants verify}, or
 * {@code -Dinvariants.seed=random}); each failing stream is printed as a corpus line to add.
 *
 * <p>System properties: {@code invariants.streams} (default 300), {@code invariants.seed} (default
 * {@link #FIXED_SEED}; {@code random} draws one, printed), {@code invariants.stream} (run only that
 * stream of the seed, to replay a failure; the corpus is left out), {@code invariants.corpus} (default
 * true: also run the regression corpus), {@code invariants.shrink} (default true: a failing stream is
 * shrunk to a short list of steps),
 * {@code invariants.tolerate} (comma-separated invariants, by constant name such as {@code WINDOW} or
 * by full name, see {@link Invariants}: known bugs whose violations are counted and listed but
 * neither stop a stream nor fail the test).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:invariants-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false",
      "cumulus.distribution.sweep-interval=PT1H",
      // the repair job would quietly re-queue, recount and cancel what the invariants must see
      "cumulus.distribution.repair-interval=PT1H"
    })
class RoutingInvariantsIT {

  @Autowired TaskIntake intake;
  @Autowired AgentActions agent;
  @Autowired TaskSteering steering;

  @Autowired UserAdmin users;
  @Autowired ServiceAdmin services;
  @Autowired WorkflowSteps steps;
  @Autowired dev.cumulus.lifecycle.DistributionTimers timers;
  @Autowired ManagementService management;
  @Autowired ObjectMapper json;
  @Autowired JdbcTemplate jdbc;
  @Autowired DistributionProperties distribution;

  /** The seed that {@code ./mvnw verify} runs: fixed, so the build has one result per commit. */
  static final long FIXED_SEED = 20261202L;

  static final String CORPUS = "/invariants/regressions.txt";

  /** One stream of one seed: what a run is made of. */
  record StreamId(long seed, int stream, String why) {}

  @Test
  void everyRoutingInvariantHoldsAfterEveryStepOfRandomEventStreams() {
    String seedProperty = System.getProperty("invariants.seed", Long.toString(FIXED_SEED));
    long seed = "random".equals(seedProperty) ? new SecureRandom().nextLong() : Long.parseLong(seedProperty);
    int streams = Integer.parseInt(System.getProperty("invariants.streams", "300"));
    String only = System.getProperty("invariants.stream");
    boolean corpus = only == null && Boolean.parseBoolean(System.getProperty("invariants.corpus", "true"));
    var plan = new ArrayList<StreamId>();
    if (only != null) {
      plan.add(new StreamId(seed, Integer.parseInt(only), "replay"));
    } else {
      for (int stream = 0; stream < streams; stream++) {
        plan.add(new StreamId(seed, stream, null));
      }
    }
    List<StreamId> regressions = corpus ? regressionCorpus() : List.of();
    plan.addAll(regressions);
    boolean shrink = Boolean.parseBoolean(System.getProperty("invariants.shrink", "true"));
    // known, reported bugs: counted and listed, but they neither stop a stream nor fail the test
    Set<String> tolerated = new TreeSet<>();
    for (String name : System.getProperty("invariants.tolerate", "").split(",")) {
      if (!name.isBlank()) {
        tolerated.add(Invariants.named(name.trim()));
      }
    }

    var db = new Db(jdbc, json);
    var runner = new StreamRunner(new Driver(intake, agent, steering, users, services, steps, timers, management, json, db), db, distribution.refusalCooldown(), tolerated);
    long started = System.nanoTime();
    int stepCount = 0;
    int offers = 0;
    int joins = 0;
    int refused = 0;
    long actionNanos = 0;
    long checkNanos = 0;
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpuStarted = threads.getCurrentThreadCpuTime();
    var failures = new ArrayList<String>();
    var toleratedSeen = new TreeMap<String, List<String>>();
    var shrunkInvariants = new LinkedHashMap<String, Integer>();
    int ran = 0;
    var newFailures = new ArrayList<String>();

    for (StreamId id : plan) {
      int stream = id.stream();
      var random = new Random(streamSeed(id.seed(), stream));
      WorldSpec spec = StreamGenerator.world(random, new Random(~streamSeed(id.seed(), stream)));
      int count = StreamGenerator.steps(random);
      var generator = new StreamGenerator(random);
      // a tag unique per planned stream: a corpus stream may share its number with one of the seed's
      String tag = "x" + Long.toString(id.seed() & 0xffffffL, 36) + "s" + stream + (id.why() == null ? "" : "r" + ran);
      Run run = runner.run(tag, spec, (w, i) -> i < count ? generator.next(w) : null);
      stepCount += run.steps().size();
      offers += run.offers();
      joins += run.joins();
      refused += run.refused();
      actionNanos += run.actionNanos();
      checkNanos += run.checkNanos();
      for (var v : run.toleratedViolations()) {
        toleratedSeen.computeIfAbsent(v.invariant(), k -> new ArrayList<>()).add("stream " + stream + " " + v.message());
      }
      if (run.failed()) {
        String report = report(id.seed(), stream, spec, run, tolerated);
        if (id.why() == null) {
          newFailures.add(id.seed() + " " + stream + "  # " + run.invariants());
        }
        String invariant = run.violations().get(0).invariant();
        if (shrink && !shrunkInvariants.containsKey(invariant) && shrunkInvariants.size() < 3) {
          shrunkInvariants.put(invariant, stream);
          report += shrink(runner, tag, spec, run, invariant);
        }
        failures.add(report);
        // the first ten in full; then one line each, the run goes on
        System.out.println(failures.size() <= 10 ? report : "=== stream " + stream + " of seed " + id.seed() + " broke " + run.invariants());
      }
      ran++;
    }

    double seconds = (System.nanoTime() - started) / 1e9;
    double cpu = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e9;
    String summary =
        String.format(
            "RoutingInvariantsIT: seed=%d streams=%d (of them from the regression corpus: %d) steps=%d (refused: %d) offers=%d (agents joining a Broadcast round: %d) failing streams=%d in %.1f s (%.1f ms/step;"
                + " steps %.1f s, checks %.1f s, setup etc. %.1f s; test thread CPU %.1f s; load average %.1f)",
            seed, ran, regressions.size(), stepCount, refused, offers, joins, failures.size(), seconds, seconds * 1000 / Math.max(1, stepCount), actionNanos / 1e9,
            checkNanos / 1e9, seconds - (actionNanos + checkNanos) / 1e9, cpu,
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.println(summary);
    if (!newFailures.isEmpty()) {
      System.out.println("New failing streams; once fixed, add these lines to src/test/resources" + CORPUS + " (say what each caught):");
      newFailures.forEach(line -> System.out.println("  " + line));
    }
    toleratedSeen.forEach(
        (invariant, list) -> {
          System.out.println("tolerated [" + invariant + "]: " + list.size() + " violations, for example:");
          list.stream().limit(3).forEach(v -> System.out.println("  " + v));
        });
    if (!failures.isEmpty()) {
      // every report was printed above; the first two come with the failure
      throw new AssertionError(summary + "\n\n" + String.join("\n\n", failures.subList(0, Math.min(2, failures.size()))));
    }
  }

  /** The regression corpus: lines of "seed stream  # what it caught"; blank lines and comments are skipped. */
  static List<StreamId> regressionCorpus() {
    var list = new ArrayList<StreamId>();
    try (var in = RoutingInvariantsIT.class.getResourceAsStream(CORPUS)) {
      if (in == null) {
        throw new IllegalStateException("the regression corpus " + CORPUS + " is missing from the test resources");
      }
      for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\\R")) {
        String content = line.strip();
        if (content.isEmpty() || content.startsWith("#")) {
          continue;
        }
        int hash = content.indexOf('#');
        String why = hash < 0 ? "" : content.substring(hash + 1).strip();
        String[] parts = (hash < 0 ? content : content.substring(0, hash)).strip().split("\\s+");
        if (parts.length != 2 || why.isEmpty()) {
          throw new IllegalStateException("corpus line is not 'seed stream  # what it caught': " + line);
        }
        list.add(new StreamId(Long.parseLong(parts[0]), Integer.parseInt(parts[1]), why));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return list;
  }

  /** Each stream's own seed, so that one stream can be replayed without the others. */
  static long streamSeed(long seed, int stream) {
    long z = seed + (stream + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static String report(long seed, int stream, WorldSpec spec, Run run, Set<String> tolerated) {
    var sb = new StringBuilder();
    sb.append("=== stream ").append(stream).append(" of seed ").append(seed).append(" broke ").append(run.invariants()).append('\n');
    sb.append("replay: ./mvnw verify -Dit.test=RoutingInvariantsIT -Dinvariants.seed=").append(seed).append(" -Dinvariants.stream=").append(stream)
        .append(tolerated.isEmpty() ? "" : " '-Dinvariants.tolerate=" + String.join(",", tolerated) + "'").append('\n');
    run.violations().forEach(v -> sb.append("VIOLATION ").append(v).append('\n'));
    sb.append("world: ").append(StreamRunner.describe(spec)).append('\n');
    sb.append("steps:\n");
    run.steps().forEach(s -> sb.append("  ").append(s).append('\n'));
    sb.append("model after the failing step:\n").append(run.modelAtFailure());
    sb.append("database after the failing step:\n").append(run.databaseAtFailure());
    return sb.toString();
  }

  /**
   * Delta debugging: drops chunks of steps while the stream still breaks the same invariant, within a
   * budget of replays. Returns the shortest failing stream found, with its violations and database.
   */
  private static String shrink(StreamRunner runner, String tag, WorldSpec spec, Run failing, String invariant) {
    List<Action> actions = new ArrayList<>(failing.actions());
    Run best = failing;
    int n = 2;
    int attempts = 0;
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (actions.size() >= 2 && attempts < 250 && System.nanoTime() < deadline) {
      int chunk = (int) Math.ceil(actions.size() / (double) n);
      boolean reduced = false;
      for (int start = 0; start < actions.size() && attempts < 250 && System.nanoTime() < deadline; start += chunk) {
        var candidate = new ArrayList<Action>(actions.subList(0, start));
        candidate.addAll(actions.subList(Math.min(actions.size(), start + chunk), actions.size()));
        attempts++;
        Run run = runner.replay(tag + "m" + attempts, spec, candidate);
        if (run.failed() && run.invariants().contains(invariant)) {
          actions = new ArrayList<>(run.actions());
          best = run;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
      if (!reduced) {
        if (n >= actions.size()) {
          break;
        }
        n = Math.min(actions.size(), n * 2);
      }
    }
    var sb = new StringBuilder();
    sb.append("\n--- shrunk to ").append(best.steps().size()).append(" steps (").append(attempts).append(" replays), still breaking [")
        .append(invariant).append("], same world: ").append(StreamRunner.describe(spec)).append('\n');
    best.violations().forEach(v -> sb.append("VIOLATION ").append(v).append('\n'));
    best.steps().forEach(s -> sb.append("  ").append(s).append('\n'));
    sb.append("model after the failing step:\n").append(best.modelAtFailure());
    sb.append("database after the failing step:\n").append(best.databaseAtFailure());
    return sb.toString();
  }
}
