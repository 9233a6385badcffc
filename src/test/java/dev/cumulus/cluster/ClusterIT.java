package dev.cumulus.cluster;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cumulus.cluster.InvariantChecker.OfflineWindow;
import dev.cumulus.support.Api;
import dev.cumulus.support.PostgresServer;
import dev.cumulus.support.Scenario;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Cumulus nodes (the packaged jar, twice) on one real PostgreSQL database. Flows create tasks
 * through both nodes, agents bound to either node accept, decline, let offers time out, complete, and
 * switch presence; after 15 s node B is killed with SIGKILL while everybody keeps going: B's agents
 * and flows move over to A, and A takes over B's timers once their 10 s job locks run out. Then the
 * queue drains through A and what is left is cancelled through A.
 *
 * <p>From the database, every 200 ms and at the end: (1) a task is offered to at most one agent at a
 * time; (2) no agent holds more than its capacity, its load counter matches what it holds, and
 * nobody Offline is offered a task; (5) every acknowledged task exists, every task ends in exactly one
 * terminal state exactly once, nothing acknowledged is duplicated, and all counters return to 0.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ClusterIT {

  private static final Duration KILL_B_AFTER = Duration.ofSeconds(15);
  private static final Duration CREATE_FOR = Duration.ofSeconds(40);
  private static final Duration DRAIN_AT_MOST = Duration.ofSeconds(30);
  private static final Duration QUIET_FOR = Duration.ofSeconds(8);
  private static final Duration OFFLINE_FOR = Duration.ofSeconds(3);
  private static final long OFFLINE_MARGIN_MILLIS = 100;
  private static final int FLOWS = 3;

  enum Phase { RUN, DRAIN, STOP }

  /** An agent of the test: its capacity, the node it starts on, whether it switches presence. */
  record AgentSpec(String name, int capacity, boolean onB, boolean toggles) {}

  /** An AddExternalTask answered 200: the task id, the Idempotency-Key sent, the node that answered. */
  record Ack(String id, String key, String node, boolean replayed) {}

  @TempDir Path workDir;

  private Node a;
  private Node b;
  private InvariantChecker checker;
  private String runName = "unnamed";
  private volatile Phase phase = Phase.RUN;
  private volatile boolean creating = true;
  private final Map<String, AtomicInteger> stats = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<OfflineWindow> offlineWindows = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

  @AfterEach
  void stopEverything() throws Exception {
    phase = Phase.STOP;
    creating = false;
    for (Node node : new Node[] {b, a}) {
      if (node != null) {
        node.close();
        node.saveLog(Path.of("target", "cluster-it", runName));
      }
    }
    if (checker != null) {
      checker.close();
    }
  }

  @Test
  void twoNodesOnOnePostgresqlKeepTheInvariantsWhenOneIsKilledHard() throws Exception {
    long t0 = System.nanoTime();
    var db = PostgresServer.freshDatabase();
    runName = db.url().replaceAll("^.*/([^/?]+).*$", "$1");

    // A alone on the empty database (it creates Camunda's schema and runs our migrations), then B
    a = Node.start("A", db, workDir).awaitHealthy();
    long aUp = System.nanoTime();
    b = Node.start("B", db, workDir);

    // services and agents through A, while B starts
    var scenario = new Scenario(a.base);
    List<AgentSpec> specs =
        List.of(
            new AgentSpec("a1", 1, false, false),
            new AgentSpec("a2", 2, true, false),
            new AgentSpec("a3", 1, false, false),
            new AgentSpec("a4", 2, true, false),
            new AgentSpec("a5", 1, false, true),
            new AgentSpec("a6", 1, true, true));
    var upns = new HashMap<String, String>();
    for (AgentSpec s : specs) {
      upns.put(s.name(), scenario.agent(s.name(), s.capacity()));
    }
    String front =
        scenario.service("front", List.of(upns.get("a1"), upns.get("a2"), upns.get("a3"), upns.get("a4"), upns.get("a6")),
            map("ronaTimeoutSeconds", 5, "acwSeconds", 0, "distributionType", "Direct", "persistentRona", false));
    String back =
        scenario.service("back", List.of(upns.get("a2"), upns.get("a3"), upns.get("a4"), upns.get("a5"), upns.get("a6")),
            map("ronaTimeoutSeconds", 5, "acwSeconds", 1, "distributionType", "Direct", "persistentRona", false,
                "selectionPolicy", "RoundRobin", "agingStepSeconds", 10));
    List<String> services = List.of(front, back);
    b.awaitHealthy();
    long bUp = System.nanoTime();
    for (AgentSpec s : specs) {
      // each agent goes Available through its own node
      String upn = upns.get(s.name());
      var r = Api.user((s.onB() ? b : a).base, upn, Scenario.PASSWORD).put("/v1/users/" + upn + "/state", map("presence", "Available"));
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
    var seenByB = Api.admin(b.base).get("/v1/users/" + upns.get("a2"));
    assertThat(seenByB.body() == null ? null : seenByB.text("presence")).as("B reads what A wrote: %s", seenByB).isEqualTo("Available");

    checker = new InvariantChecker(db);
    var threads = new ArrayList<Thread>();
    Thread checkerThread = new Thread(checker, "invariant-checker");
    checkerThread.start();
    var agents = new ArrayList<Thread>();
    for (int i = 0; i < specs.size(); i++) {
      AgentSpec s = specs.get(i);
      var loop = new AgentLoop(upns.get(s.name()), s.capacity(), s.onB() ? b : a, s.toggles(), new Random(1000 + i));
      agents.add(new Thread(loop, "agent-" + s.name()));
    }
    var flows = new ArrayList<Thread>();
    for (int i = 0; i < FLOWS; i++) {
      flows.add(new Thread(new FlowLoop(i, services, new ArrayList<>(upns.values()), new Random(2000 + i)), "flow-" + i));
    }
    threads.addAll(agents);
    threads.addAll(flows);
    Instant runStart = Instant.now();
    threads.forEach(Thread::start);

    // the scenario's clock (not a correctness wait): kill B mid-run, stop creating after 40 s
    sleepUntil(runStart.plus(KILL_B_AFTER));
    b.kill();
    Instant killedAt = Instant.now();
    // timers a node had acquired and not yet run; B's stay locked for 10 s, then A takes them over
    List<String> lockedAtKill = checker.strings("select lock_owner_ || ': ' || count(*) from act_ru_job where lock_owner_ is not null group by lock_owner_");
    sleepUntil(runStart.plus(CREATE_FOR));
    creating = false;
    for (Thread f : flows) {
      f.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(f.isAlive()).as(f.getName() + " stopped").isFalse();
    }
    Instant createdUntil = Instant.now();

    // drain through A: every agent accepts and completes everything now
    phase = Phase.DRAIN;
    long drainDeadline = System.nanoTime() + DRAIN_AT_MOST.toNanos();
    long lastEvent = -1;
    long quietSince = System.nanoTime();
    while (openTasks() > 0 && System.nanoTime() < drainDeadline) {
      long event = checker.number("select coalesce(max(id), 0) from task_event");
      long held = checker.number("select count(*) from external_task where state in ('Offered', 'Connected', 'AfterWork')");
      if (event != lastEvent || held > 0) {
        lastEvent = event;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > QUIET_FOR.toNanos()) {
        break; // only tasks nobody may take now are left (each refused lately by every free member)
      }
      Thread.sleep(250);
    }
    List<String> leftAfterDrain =
        checker.strings(
            "select t.id || ' ' || t.state || ' ' || t.service_upn || ' assigned ' || coalesce(t.assigned_user_upn, '-') || ' refused by '"
                + " || coalesce((select string_agg(r.user_upn, ',') from task_refusal r where r.task_id = t.id), '-') || ': '"
                + " || (select string_agg(e.event, ',' order by e.id) from task_event e where e.task_id = t.id)"
                + " from external_task t where t.state not in ('Completed','Cancelled','Expired')");
    Instant drainedAt = Instant.now();

    // cancel what is left through A, until every task is terminal
    var remover = Api.flow(a.base);
    AtomicInteger cancelled = new AtomicInteger();
    await("every task terminal")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              List<String> open = checker.strings("select id from external_task where state not in ('Completed','Cancelled','Expired')");
              for (String id : open) {
                try {
                  var r = remover.delete("/v1/ExternalTasks/" + id);
                  count("cleanup.remove." + r.status());
                  if (r.status() == 200) {
                    cancelled.incrementAndGet();
                  }
                } catch (RuntimeException e) {
                  count("cleanup.remove.ioError"); // tried again on the next poll
                }
              }
              return open.isEmpty();
            });

    phase = Phase.STOP;
    for (Thread t : agents) {
      t.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(t.isAlive()).as(t.getName() + " stopped").isFalse();
    }
    checker.stop();
    checkerThread.join(TimeUnit.SECONDS.toMillis(10));

    // the final state, read from the database
    checker.snapshot();
    Map<String, Integer> events = checker.checkHistories(List.copyOf(offlineWindows), OFFLINE_MARGIN_MILLIS);
    checkAcknowledged();
    checkZero("open_tasks of every service", "select count(*) from cumulus_service where open_tasks <> 0");
    checkZero("active_tasks of every agent", "select count(*) from agent where active_tasks <> 0");
    checkZero("offers left", "select count(*) from offer");
    checkZero("queue entries left", "select count(*) from queue_entry");
    checkZero("tasks without terminated_at", "select count(*) from external_task where terminated_at is null");
    checkZero("process instances still running", "select count(*) from act_ru_execution");
    for (Node node : List.of(a, b)) {
      // a node's own sweeper recounting a counter means the counter had disagreed with the tasks
      node.logText().lines()
          .filter(line -> line.contains("repaired agent") || line.contains("repaired service"))
          .forEach(line -> checker.breach("inv2/inv5: node " + node.name + " repaired a counter: " + line));
    }

    long tasks = checker.number("select count(*) from external_task");
    var byNode = new TreeMap<String, Integer>();
    acks.forEach(ack -> byNode.merge(ack.node(), 1, Integer::sum));
    System.out.printf(
        "%nClusterIT summary (%s)%n"
            + "  timing: A up %.1f s, B up %.1f s later, run %s, B killed at +%.1f s, creating until +%.1f s, drained at +%.1f s, whole test %.1f s%n"
            + "  tasks: %d in the database, %d acknowledged (by node %s, %d of them replayed by A for an Idempotency-Key B had committed),"
            + " %d created but never acknowledged, %d open after the drain, cancelled by cleanup %d%n"
            + "  left after the drain: %s%n"
            + "  agents: accepted through A %d / B %d, declined %d, completed through A %d / B %d, offline windows %d%n"
            + "  events: %s%n"
            + "  requests failed because B was killed: flows %d, agents %d; other I/O errors %d; jobs locked at the kill %s%n"
            + "  checker: %d consistent snapshots (max %d tasks held at once), %d unreadable; breaches %d%n"
            + "  statuses: %s%n",
        db.url(), secs(t0, aUp), secs(aUp, bUp), runStart, millis(runStart, killedAt) / 1000.0, millis(runStart, createdUntil) / 1000.0,
        millis(runStart, drainedAt) / 1000.0, secs(t0, System.nanoTime()),
        tasks, acks.size(), byNode, get("flow.create.replayedOnA"), tasks - distinctAckIds(), leftAfterDrain.size(), cancelled.get(), leftAfterDrain,
        get("agent.accept.A.200"), get("agent.accept.B.200"), get("agent.decline.A.200") + get("agent.decline.B.200"),
        get("agent.complete.A.200"), get("agent.complete.B.200"), offlineWindows.size(),
        events,
        get("flow.failedOnKilledB"), get("agent.failedOnKilledB"), get("flow.ioError") + get("agent.ioError"), lockedAtKill,
        checker.snapshots(), checker.maxHeldAtOnce(), checker.snapshotErrors(), checker.breachCount(),
        statuses());
    unexpected.stream().limit(20).forEach(u -> System.out.println("  unexpected: " + u));
    for (Node node : List.of(a, b)) {
      logDigest(node.logText()).forEach((line, n) -> System.out.println("  log " + node.name + " " + n + "x " + line));
    }
    System.out.println("  node logs: target/cluster-it/" + runName + "/");
    checker.breaches().forEach(breach -> System.out.println("  BREACH " + breach));

    assertThat(checker.breaches()).as("invariant breaches (%d in all)", checker.breachCount()).isEmpty();
    assertThat(checker.snapshots()).as("snapshots checked during the run").isGreaterThan(20);
    assertThat(acks).as("tasks acknowledged").hasSizeGreaterThan(20);
    assertThat(get("agent.failedOnKilledB") + get("flow.failedOnKilledB")).as("requests that hit the killed node B").isPositive();
  }

  /** Invariant 5 for what flows were told: each acknowledged id exists, once, under its own key. */
  private void checkAcknowledged() throws Exception {
    var ids = new HashSet<String>();
    for (Ack ack : acks) {
      if (!ids.add(ack.id())) {
        checker.breach("inv5: task " + ack.id() + " was acknowledged twice");
      }
    }
    var existing = new HashSet<>(checker.strings("select id from external_task"));
    for (Ack ack : acks) {
      if (!existing.contains(ack.id())) {
        checker.breach("inv5: acknowledged task " + ack.id() + " (by " + ack.node() + ") is missing");
      }
      List<String> recorded = checker.strings("select task_id from idempotency_record where idempotency_key = ?", ack.key());
      if (!recorded.equals(List.of(ack.id()))) {
        checker.breach("inv5: Idempotency-Key " + ack.key() + " acknowledged as " + ack.id() + " but recorded for " + recorded);
      }
    }
    // every create carried an Idempotency-Key: one task per key, so no retry through A duplicated a task of B
    long tasks = checker.number("select count(*) from external_task");
    long keyed = checker.number("select count(distinct task_id) from idempotency_record");
    if (tasks != keyed) {
      checker.breach("inv5: " + tasks + " tasks but " + keyed + " of them recorded under an Idempotency-Key");
    }
  }

  private void checkZero(String what, String sql) throws Exception {
    long n = checker.number(sql);
    if (n != 0) {
      checker.breach("inv5: at the end " + what + ": " + n + " (" + sql + ")");
    }
  }

  private long openTasks() throws Exception {
    return checker.number("select count(*) from external_task where state not in ('Completed','Cancelled','Expired')");
  }

  private long distinctAckIds() {
    return acks.stream().map(Ack::id).distinct().count();
  }

  /** Creates tasks alternately through A and B; after B is gone, retries through A with the same Idempotency-Key. */
  private final class FlowLoop implements Runnable {

    private final int index;
    private final List<String> services;
    private final List<String> agents;
    private final Random random;
    private final List<String> mine = new ArrayList<>();
    private boolean useB = true;

    FlowLoop(int index, List<String> services, List<String> agents, Random random) {
      this.index = index;
      this.services = services;
      this.agents = agents;
      this.random = random;
    }

    @Override
    public void run() {
      String[] priorities = {"Low", "Normal", "Normal", "High", "Strict"};
      for (int i = 0; creating; i++) {
        Node target = useB && i % 2 == 1 ? b : a;
        var body =
            map(
                "serviceUpn", services.get(random.nextInt(services.size())),
                "customerIdentifier", "C-" + index + "-" + i,
                "title", "cluster task " + index + "-" + i,
                "distributionPriority", priorities[random.nextInt(priorities.length)]);
        if (random.nextInt(4) == 0) {
          body.put("preferredUsers", List.of(map("upn", agents.get(random.nextInt(agents.size())), "priority", 1)));
        }
        if (random.nextInt(10) == 0) {
          // a short life: some of these expire in the queue
          body.put("expiresAt", Instant.now().plusSeconds(8 + random.nextInt(10)).toString());
        }
        String key = "cluster-" + index + "-" + i;
        Api.Response r = null;
        try {
          r = Api.flow(target.base).with("Idempotency-Key", key).post("/v1/ExternalTasks", body);
        } catch (RuntimeException e) {
          if (failedOnKilledB(target, e, "flow")) {
            useB = false;
            target = a;
            try {
              r = Api.flow(a.base).with("Idempotency-Key", key).post("/v1/ExternalTasks", body);
            } catch (RuntimeException again) {
              failedOnKilledB(a, again, "flow");
            }
          }
        }
        if (r != null) {
          count("flow.create." + target.name + "." + r.status());
          if (r.status() == 200) {
            boolean replayed = "true".equals(r.header("Idempotent-Replayed"));
            if (replayed) {
              count("flow.create.replayedOnA");
            }
            acks.add(new Ack(r.text("id"), key, target.name, replayed));
            mine.add(r.text("id"));
          }
        }
        otherOperation();
        pause(random, 250, 600);
      }
    }

    /** Now and then a flow removes or transfers one of its earlier tasks. */
    private void otherOperation() {
      if (mine.isEmpty()) {
        return;
      }
      int roll = random.nextInt(100);
      if (roll >= 8) {
        return;
      }
      Node target = useB && random.nextBoolean() ? b : a;
      String id = mine.get(random.nextInt(mine.size()));
      try {
        Api flow = Api.flow(target.base);
        if (roll < 3) {
          count("flow.remove." + target.name + "." + flow.delete("/v1/ExternalTasks/" + id).status());
        } else {
          String to = services.get(random.nextInt(services.size()));
          count("flow.transfer." + target.name + "." + flow.post("/v1/ExternalTasks/" + id + "/transfer", map("serviceUpn", to)).status());
        }
      } catch (RuntimeException e) {
        if (failedOnKilledB(target, e, "flow")) {
          useB = false;
        }
      }
    }
  }

  /**
   * One agent, bound to one node: polls its sessions, accepts (sometimes declines, sometimes lets an
   * offer time out), completes, and, if it toggles, goes Offline for a while now and then.
   */
  private final class AgentLoop implements Runnable {

    private final String upn;
    private final int capacity;
    private final boolean toggles;
    private final Random random;
    private Node node;
    private Api api;
    private final Set<String> ignored = new HashSet<>();
    private final Map<String, Long> completeAt = new HashMap<>();
    private boolean offline;
    private Instant offlineSince;
    private long nextToggle;
    private boolean presenceUnsure;

    AgentLoop(String upn, int capacity, Node node, boolean toggles, Random random) {
      this.upn = upn;
      this.capacity = capacity;
      this.toggles = toggles;
      this.random = random;
      bind(node);
      this.nextToggle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2000 + random.nextInt(4000));
    }

    private void bind(Node target) {
      node = target;
      api = Api.user(target.base, upn, Scenario.PASSWORD);
    }

    @Override
    public void run() {
      while (phase != Phase.STOP) {
        try {
          step();
        } catch (RuntimeException e) {
          if (failedOnKilledB(node, e, "agent")) {
            bind(a);
            presenceUnsure = true;
          }
        }
        pause(random, 60, 160);
      }
    }

    private void step() {
      if (presenceUnsure) {
        // after moving to A: say again what we are, the last request to B may or may not have landed
        int status = api.put("/v1/users/" + upn + "/state", map("presence", offline ? "Offline" : "Available")).status();
        count("agent.presence." + node.name + "." + status);
        presenceUnsure = status != 200;
      }
      if (toggles) {
        togglePresence();
      }
      var sessions = api.get("/v1/users/" + upn + "/sessions");
      count("agent.sessions." + node.name + "." + sessions.status());
      if (sessions.status() != 200) {
        return;
      }
      if (sessions.body().size() > capacity) {
        var held = new ArrayList<String>();
        sessions.body().forEach(t -> held.add(t.path("id").asText() + " " + t.path("state").asText()));
        checker.breach("inv2: " + upn + " sees " + held.size() + " sessions with capacity " + capacity + ": " + held);
      }
      boolean draining = phase != Phase.RUN;
      for (var session : sessions.body()) {
        String id = session.path("id").asText();
        switch (session.path("state").asText()) {
          case "Offered" -> {
            if (!draining && (offline || ignored.contains(id))) {
              continue;
            }
            int roll = draining ? 99 : random.nextInt(100);
            if (roll < 6) {
              act(id, "decline");
            } else if (roll < 11) {
              ignored.add(id); // no answer: RONA after 5 s
            } else {
              act(id, "accept");
            }
          }
          case "Connected" -> {
            long due = completeAt.computeIfAbsent(id, k -> System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100 + random.nextInt(600)));
            if (draining || System.nanoTime() >= due) {
              act(id, "complete");
            }
          }
          case "AfterWork" -> {
            if (draining || random.nextInt(3) == 0) {
              act(id, "complete"); // ends after-work early; otherwise its 1 s timer does
            }
          }
          default -> unexpected.add(upn + " has a session in state " + session.path("state").asText());
        }
      }
    }

    private void togglePresence() {
      boolean draining = phase != Phase.RUN;
      if (!offline && !draining && System.nanoTime() >= nextToggle) {
        var r = api.put("/v1/users/" + upn + "/state", map("presence", "Offline"));
        count("agent.presence." + node.name + "." + r.status());
        if (r.status() == 200) {
          offline = true;
          offlineSince = Instant.now();
          nextToggle = System.nanoTime() + OFFLINE_FOR.toNanos();
        }
      } else if (offline && (draining || System.nanoTime() >= nextToggle)) {
        offlineWindows.add(new OfflineWindow(upn, offlineSince, Instant.now()));
        offline = false;
        nextToggle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5000 + random.nextInt(3000));
        var r = api.put("/v1/users/" + upn + "/state", map("presence", "Available"));
        count("agent.presence." + node.name + "." + r.status());
        presenceUnsure = r.status() != 200;
      }
    }

    private void act(String id, String action) {
      var r = api.post("/v1/ExternalTasks/" + id + "/" + action, null);
      count("agent." + action + "." + node.name + "." + r.status());
      if (r.status() >= 500) {
        unexpected.add(upn + " " + action + " " + id + " on " + node.name + ": " + r);
      }
    }
  }

  /**
   * An exception from a call: true when it is node B's death (the caller moves to A), counted; any
   * other failure is counted as unexpected and the caller carries on.
   */
  private boolean failedOnKilledB(Node target, RuntimeException e, String who) {
    if (target == b && b.killed() && (e instanceof UncheckedIOException || e.getCause() instanceof java.io.IOException)) {
      count(who + ".failedOnKilledB");
      return true;
    }
    count(who + ".ioError");
    unexpected.add(who + " on " + target.name + ": " + e);
    return false;
  }

  /** Warnings and errors of a node's log, counted by message with ids and numbers blanked out. */
  private static Map<String, Integer> logDigest(String log) {
    var digest = new TreeMap<String, Integer>();
    var pattern = java.util.regex.Pattern.compile("^\\S+\\s+(WARN|ERROR) \\d+ --- \\[[^\\]]*\\] \\[[^\\]]*\\] (\\S+)\\s+: (.*)$");
    log.lines().forEach(line -> {
      var m = pattern.matcher(line);
      if (m.matches() && !m.group(2).contains("SpringDoc")) {
        String text = (m.group(1) + " " + m.group(2) + ": " + m.group(3))
            .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
            .replaceAll("\\d+", "#");
        digest.merge(text.length() > 220 ? text.substring(0, 220) + "…" : text, 1, Integer::sum);
      }
    });
    return digest;
  }

  private Map<String, Integer> statuses() {
    var out = new TreeMap<String, Integer>();
    stats.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  private void count(String key) {
    stats.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  private int get(String key) {
    AtomicInteger n = stats.get(key);
    return n == null ? 0 : n.get();
  }

  private static void pause(Random random, int fromMillis, int toMillis) {
    try {
      Thread.sleep(fromMillis + random.nextInt(toMillis - fromMillis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleepUntil(Instant when) throws InterruptedException {
    long millis = Duration.between(Instant.now(), when).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  private static double secs(long fromNanos, long toNanos) {
    return (toNanos - fromNanos) / 1e9;
  }

  private static long millis(Instant from, Instant to) {
    return Duration.between(from, to).toMillis();
  }
}
