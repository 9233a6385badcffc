package dev.cumulus.benchmark;

import static dev.cumulus.benchmark.BenchHttp.expectOk;
import static dev.cumulus.benchmark.BenchHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.CumulusApplication;
import dev.cumulus.benchmark.BenchHttp.Caller;
import dev.cumulus.benchmark.BenchHttp.Reply;
import dev.cumulus.routing.QueuePositions;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One database: starts Cumulus in-process on it, runs the measurements in order and fills a
 * {@link Report}. Phases share one application and build on each other (the AddExternalTask phase
 * fills the queue that the frees-up phase drains), so the order matters.
 */
final class DatabaseRun implements AutoCloseable {

  static final String FLOW_KEY = dev.cumulus.support.Api.FLOW_KEY;
  static final String PASSWORD = "bench-secret";
  private static final String RAW_PROCESS = "cumulusBenchmarkRaw";
  private static final String ANCHOR_PROCESS = "cumulusBenchmarkAnchor";
  private static final String ANCHOR_GROUP = "cumulus-bench-anchor";
  /** The services of the four-service lives, sharing the agents and flows of the one-service lives. */
  private static final int SPREAD_SERVICES = 4;

  private final Settings settings;
  private final Report report;
  private final ConfigurableApplicationContext context;
  private final BenchHttp http;
  private final Caller flow = Caller.flow(FLOW_KEY);
  private final Caller admin = Caller.user("admin", dev.cumulus.support.Api.ADMIN_PASSWORD);
  private final String tag = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
  private final boolean postgres;

  private DatabaseRun(Settings settings, Report report, ConfigurableApplicationContext context, boolean postgres) {
    this.settings = settings;
    this.report = report;
    this.context = context;
    this.postgres = postgres;
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    this.http = new BenchHttp("http://127.0.0.1:" + port);
  }

  /** Starts Cumulus on the given datasource. Command-line arguments outrank application.yaml. */
  static DatabaseRun start(Settings settings, Report report, String url, String user, String password, boolean postgres) {
    var args = new ArrayList<String>();
    args.add("--server.port=0");
    args.add("--server.address=127.0.0.1");
    args.add("--cumulus.demo.enabled=false");
    args.add("--spring.datasource.url=" + url);
    args.add("--spring.datasource.username=" + user);
    args.add("--spring.datasource.password=" + password);
    // fair-use limits sized for the 100,000-task queue and the tasks of the rate phases
    args.add("--cumulus.tasks.max-open-tasks=10000000");
    // the repair sweep still runs every minute, but must not cancel the JDBC-inserted queue of phase 6
    // (tasks without process instances): it checks only tasks older than this grace
    args.add("--cumulus.distribution.repair-grace=PT2H");
    args.add("--logging.level.root=warn");
    args.add("--spring.main.banner-mode=off");
    if (postgres) {
      args.add("--spring.profiles.active=postgres");
    }
    long t0 = System.nanoTime();
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(CumulusApplication.class).run(args.toArray(String[]::new));
    var run = new DatabaseRun(settings, report, context, postgres);
    run.log("Cumulus started in %.1f s on %s", (System.nanoTime() - t0) / 1e9, url);
    return run;
  }

  /**
   * Every phase, or a few: the ETA scenario of issue 14 with {@code -Dbench.phases=eta}, the
   * position read at 100,000 queued with {@code -Dbench.phases=position}, the lives and start rates
   * with {@code -Dbench.phases=lives} ({@link #runLives}).
   */
  void run() throws Exception {
    if (settings.phases().equals(List.of("lives"))) {
      runLives();
    } else if (settings.phases().equals(List.of("latency"))) {
      runLatency();
    } else if (settings.phases().equals(List.of("eta"))) {
      facts();
      report.section(55);
      new EtaScenario(this, http, flow, report, settings.scale()).measure();
    } else if (settings.phases().equals(List.of("bulk"))) {
      facts();
      report.section(24);
      bulkVersusSingle();
    } else if (settings.phases().equals(List.of("position"))) {
      facts();
      report.section(60);
      queuePosition(service("deep", List.of()));
    } else {
      runAll();
    }
  }

  private void runAll() throws Exception {
    facts();
    report.section(0);
    report.info("heap used after GC, just started", heapUsedMb() + " MB");
    Setup setup = setUp();
    report.section(20);
    double add = addExternalTaskRate(setup);
    if (settings.diagnostics()) {
      report.section(22);
      addSpreadOverServices(setup);
    }
    report.section(30);
    lives(setup);
    report.section(40);
    createToOffer(setup);
    report.section(50);
    freesUpToNextOffer(setup);
    report.section(55);
    new EtaScenario(this, http, flow, report, settings.scale()).measure();
    report.section(24);
    bulkVersusSingle();
    // after the Cumulus phases: its instances wait in user tasks for ever (removing them takes minutes);
    // measured first, they would fill ACT_RU_TASK under the Cumulus phases. Before the 100,000-task
    // queue, whose background scans (metrics, repairs) would slow it.
    report.section(10);
    double raw = rawEngineRate();
    report.section(21);
    judgeAdd(add, raw);
    report.section(60);
    queuePosition(setup.deep());
  }

  /**
   * {@code -Dbench.phases=lives}: only the figures of the lives and of the start rate, in the order
   * of the full run: AddExternalTask, the plain Camunda anchor (in-process, then over HTTP), full
   * lives on one service and over four, then the raw start rate (its instances stay in user tasks,
   * so it comes last).
   */
  private void runLives() throws Exception {
    facts();
    Setup setup = setUp();
    report.section(20);
    double add = addExternalTaskRate(setup);
    report.section(30);
    lives(setup);
    report.section(10);
    double raw = rawEngineRate();
    report.section(21);
    judgeAdd(add, raw);
  }

  /**
   * Only the two latency phases: create → offer with free agents, and frees up → next offer with the
   * queue that the AddExternalTask phase fills (which therefore runs first, unjudged).
   */
  private void runLatency() throws Exception {
    facts();
    Setup setup = setUp();
    report.section(20);
    addExternalTaskRate(setup);
    report.section(40);
    createToOffer(setup);
    report.section(50);
    freesUpToNextOffer(setup);
  }

  private void judgeAdd(double add, double raw) {
    report.ratioAtLeast("AddExternalTask / raw engine rate", add, raw, "/s", 0.5);
  }

  /**
   * The plain Camunda anchor, the same life through Camunda's REST API (a diagnostic, not judged),
   * then full lives on one service and the same agents and flows over four services, and their
   * judgement side by side. The anchors' instances end, so they leave no open task behind for the
   * Cumulus lives (only history rows, as theirs do).
   */
  private void lives(Setup setup) throws InterruptedException {
    Load.Rate anchor = anchorLives();
    Load.Rate overHttp = restAnchorLives();
    List<Group> one = List.of(new Group(setup.lives(), setup.livesAgents()));
    Load.Rate oneService = fullLives(one, settings.creators(), settings.warmupSeconds(), settings.measureSeconds(), "lives");
    int spreadFlows = Math.max(settings.creators(), setup.spreadLives().size());
    Load.Rate spread = fullLives(setup.spreadLives(), spreadFlows, settings.warmupSeconds(), settings.measureSeconds(), "lives-spread");

    String lifeShape = String.format("%d agents (cap. 1), %d flows", settings.agents(), settings.creators());
    report.atLeast(
        "full lives: create → offer → accept → complete, " + lifeShape + ", one service", oneService.perSecond(), " lives/s", 200, "%.0f");
    report.info(
        "  anchor: plain Camunda life, start → task query → claim → complete, " + settings.anchorThreads() + " engine threads",
        String.format("%.0f lives/s", anchor.perSecond()));
    report.ratioAtLeast("full lives on one service / plain Camunda anchor", oneService.perSecond(), anchor.perSecond(), " lives/s", 1.3);
    report.info(
        "  anchor over HTTP: plain Camunda REST life, start → query → claim → complete, " + settings.anchorThreads() + " clients",
        String.format("%.0f lives/s", overHttp.perSecond()));
    report.ratioInfo("  full lives on one service / plain Camunda over HTTP", oneService.perSecond(), overHttp.perSecond(), " lives/s");
    report.info(
        String.format(
            "full lives over %d services (%s agents), %d flows", setup.spreadLives().size(),
            String.join("+", setup.spreadLives().stream().map(g -> Integer.toString(g.agents().size())).toList()), spreadFlows),
        String.format("%.0f lives/s", spread.perSecond()));
    report.ratioAtLeast(
        "full lives: one service / " + setup.spreadLives().size() + " services, same agents and flows", oneService.perSecond(),
        spread.perSecond(), " lives/s", 0.8);
    // what a life costs, the Cumulus one next to the anchor's (PostgreSQL's counters; n/a on H2)
    TableStats.Work cumulus = oneService.database();
    TableStats.Work plain = anchor.database();
    report.atMost(
        "rows written per life: Cumulus full life (one service)", cumulus.rowsPerOperation(), "", 60, "%.1f",
        anchorAside(plain.rowsPerOperation()));
    report.atMost(
        "commits per life: Cumulus full life (one service)", cumulus.commitsPerOperation(), "", 6, "%.1f",
        anchorAside(plain.commitsPerOperation()));
    report.info("server CPU per life: Cumulus full life (one service)", oneService.serverCpuText());
    report.info("  server CPU per life: plain Camunda anchor", anchor.serverCpuText());
    report.info("  server CPU per life: plain Camunda over HTTP", overHttp.serverCpuText());
    TableStats.Work rest = overHttp.database();
    report.info("  rows written per life: plain Camunda over HTTP", perLife(rest.rowsPerOperation()));
    report.info("  commits per life: plain Camunda over HTTP", perLife(rest.commitsPerOperation()));
    report.wide("rows per life by table: Cumulus full life", cumulus.writers().isEmpty() ? "n/a" : cumulus.writers());
    report.wide("  rows per life by table: plain Camunda anchor", plain.writers().isEmpty() ? "n/a" : plain.writers());
    report.wide("  rows per life by table: plain Camunda over HTTP", rest.writers().isEmpty() ? "n/a" : rest.writers());
  }

  private static String perLife(double value) {
    return Double.isNaN(value) ? "n/a" : String.format("%.1f", value);
  }

  private static String anchorAside(double anchorValue) {
    return Double.isNaN(anchorValue) ? "" : String.format(" (anchor %.1f)", anchorValue);
  }

  // ---------------------------------------------------------------- set-up

  /** The services and agents of every phase, made through the admin API. */
  private record Setup(
      String intake, String freesAgent, String lives, List<String> livesAgents, String latency, List<String> latencyAgents,
      String deep, List<String> spreadIntake, List<Group> spreadLives) {}

  /** A service and its agents. */
  private record Group(String service, List<String> agents) {}

  private Setup setUp() {
    String freesAgent = agent("frees", 1);
    // intake: flows add tasks here in phase 2; its only member stays Offline until phase 5
    String intake = service("intake", List.of(freesAgent));
    var livesAgents = new ArrayList<String>();
    for (int i = 0; i < settings.agents(); i++) {
      livesAgents.add(agent("life" + i, 1));
    }
    String lives = service("lives", livesAgents);
    var latencyAgents = new ArrayList<String>();
    for (int i = 0; i < settings.latencyLoops() * 2; i++) {
      latencyAgents.add(agent("quick" + i, 1));
    }
    String latency = service("latency", latencyAgents);
    String deep = service("deep", List.of());
    var spreadIntake = new ArrayList<String>();
    if (settings.diagnostics()) {
      for (int i = 0; i < settings.flowClients(); i++) {
        spreadIntake.add(service("intake" + i, List.of()));
      }
    }
    // the same number of agents as the one-service lives, dealt over four services (at least one each)
    var spreadMembers = new ArrayList<List<String>>();
    for (int g = 0; g < SPREAD_SERVICES; g++) {
      spreadMembers.add(new ArrayList<>());
    }
    for (int i = 0; i < Math.max(SPREAD_SERVICES, settings.agents()); i++) {
      spreadMembers.get(i % SPREAD_SERVICES).add(agent("spread" + (i % SPREAD_SERVICES) + "x" + (i / SPREAD_SERVICES), 1));
    }
    var spreadLives = new ArrayList<Group>();
    for (int g = 0; g < SPREAD_SERVICES; g++) {
      spreadLives.add(new Group(service("lives" + g, spreadMembers.get(g)), spreadMembers.get(g)));
    }
    return new Setup(intake, freesAgent, lives, livesAgents, latency, latencyAgents, deep, spreadIntake, spreadLives);
  }

  private int diagnosticWarmup() {
    return Math.max(3, settings.warmupSeconds() / 2);
  }

  private int diagnosticMeasure() {
    return Math.max(5, settings.measureSeconds() * 4 / 5);
  }

  String agent(String name, int capacity) {
    String upn = name + "." + tag + "@bench.test";
    expectOk(http.put(admin, "/v1/users/" + upn, json(Map.of("displayName", name, "password", PASSWORD, "capacity", capacity))), "create agent");
    return upn;
  }

  String service(String name, List<String> members) {
    String upn = name + "." + tag + "@bench.test";
    var body = new LinkedHashMap<String, Object>();
    body.put("displayName", "Benchmark " + name);
    body.put("members", members);
    body.put("acwSeconds", 0);
    body.put("ronaTimeoutSeconds", 120);
    body.put("maxConcurrentTasks", 100_000);
    expectOk(http.put(admin, "/v1/services/" + upn, json(body)), "create service");
    return upn;
  }

  void presence(String upn, String presence) {
    expectOk(http.put(Caller.user(upn, PASSWORD), "/v1/users/" + upn + "/state", json(Map.of("presence", presence))), "presence");
  }

  private static String createBody(String service, long n) {
    return "{\"serviceUpn\":\"" + service + "\",\"customerIdentifier\":\"C-" + n + "\",\"title\":\"Benchmark task " + n
        + "\",\"distributionPriority\":\"Normal\",\"customContextParameters\":[{\"name\":\"orderId\",\"value\":\"" + n + "\"}]}";
  }

  // ---------------------------------------------------------------- 1. raw engine rate

  private double rawEngineRate() throws InterruptedException {
    ProcessEngine engine = context.getBean(ProcessEngine.class);
    var model =
        Bpmn.createExecutableProcess(RAW_PROCESS)
            .camundaHistoryTimeToLive(1)
            .startEvent()
            .userTask("wait")
            .name("Wait")
            .endEvent()
            .done();
    engine.getRepositoryService().createDeployment().name("cumulus-benchmark").addModelInstance("cumulus-benchmark-raw.bpmn", model).deploy();
    RuntimeService runtime = engine.getRuntimeService();
    var load = new Load("raw", true);
    for (int i = 0; i < settings.rawThreads(); i++) {
      load.loop(
          () -> {
            runtime.startProcessInstanceByKey(RAW_PROCESS);
            load.done.incrementAndGet();
          });
    }
    Load.Rate rate = load.measure(settings.warmupSeconds(), settings.measureSeconds());
    report.info(
        "raw engine rate: start → user task, " + settings.rawThreads() + " threads, engine API",
        String.format("%.0f inst/s", rate.perSecond()));
    report.note(
        "raw engine rate (measured after the Cumulus phases, on the same database with their tasks in it): " + rate.detail());
    return rate.perSecond();
  }

  // ---------------------------------------------------------------- 3a. the plain Camunda anchor

  /**
   * What the engine alone does for a pull life: a tiny process (start → user task for a candidate
   * group → end), and per life start an instance, find its task by candidate group and instance,
   * claim it for a user, complete it — four engine commands through the Java API, as many threads as
   * the full-lives phase has (agents + flows), on the same database and history level.
   */
  private Load.Rate anchorLives() throws InterruptedException {
    ProcessEngine engine = deployAnchor();
    RuntimeService runtime = engine.getRuntimeService();
    TaskService tasks = engine.getTaskService();
    var load = new Load("anchor", true);
    var missing = new AtomicLong();
    for (int i = 0; i < settings.anchorThreads(); i++) {
      String user = "anchor" + i + "." + tag + "@bench.test";
      load.loop(
          () -> {
            ProcessInstance instance = runtime.startProcessInstanceByKey(ANCHOR_PROCESS);
            Task task = tasks.createTaskQuery().processInstanceId(instance.getId()).taskCandidateGroup(ANCHOR_GROUP).singleResult();
            if (task == null) {
              missing.incrementAndGet();
              throw new IllegalStateException("no task for candidate group " + ANCHOR_GROUP + " in instance " + instance.getId());
            }
            tasks.claim(task.getId(), user);
            tasks.complete(task.getId());
            load.done.incrementAndGet();
          });
    }
    Load.Rate rate = load.measure(settings.warmupSeconds(), settings.measureSeconds());
    long open = runtime.createProcessInstanceQuery().processDefinitionKey(ANCHOR_PROCESS).count();
    report.note(
        String.format(
            "plain Camunda anchor: %d threads, each life four engine commands (start, task query by candidate group and"
                + " instance, claim, complete); %d tasks not found (expected 0), %d instances left open (expected 0); %s",
            settings.anchorThreads(), missing.get(), open, rate.detail()));
    return rate;
  }

  /** The anchors' tiny process (start → user task for a candidate group → end), deployed once. */
  private ProcessEngine deployAnchor() {
    ProcessEngine engine = context.getBean(ProcessEngine.class);
    if (engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey(ANCHOR_PROCESS).count() == 0) {
      var model =
          Bpmn.createExecutableProcess(ANCHOR_PROCESS)
              .camundaHistoryTimeToLive(1)
              .startEvent()
              .userTask("work")
              .name("Work")
              .camundaCandidateGroups(ANCHOR_GROUP)
              .endEvent()
              .done();
      engine.getRepositoryService()
          .createDeployment()
          .name("cumulus-benchmark-anchor")
          .addModelInstance("cumulus-benchmark-anchor.bpmn", model)
          .deploy();
    }
    return engine;
  }

  // ---------------------------------------------------------------- 3b. the plain Camunda anchor over HTTP

  /**
   * Diagnostic, not judged: the anchor's life as a team without Cumulus would build it from flows and
   * agent pages, through Camunda's own REST API ({@code /engine-rest}, HTTP Basic as the admin user):
   * start an instance by key with a business key, find its task by candidate group and instance,
   * claim it for a user, complete it — four HTTP requests per life, with the threads and durations
   * of the anchor. Its instances carry a business key of their own; any a failed life leaves open is
   * counted, then removed.
   */
  private Load.Rate restAnchorLives() throws InterruptedException {
    ProcessEngine engine = deployAnchor();
    RuntimeService runtime = engine.getRuntimeService();
    String businessKeyPrefix = "rest-" + tag + "-";
    var load = new Load("anchor-http");
    var seq = new AtomicLong();
    var missing = new AtomicLong();
    var requests = new AtomicLong();
    for (int i = 0; i < settings.anchorThreads(); i++) {
      String claim = json(Map.of("userId", "anchor-http" + i + "." + tag + "@bench.test"));
      load.loop(
          () -> {
            Reply started = http.post(
                admin, "/engine-rest/process-definition/key/" + ANCHOR_PROCESS + "/start",
                json(Map.of("businessKey", businessKeyPrefix + seq.incrementAndGet())));
            requests.incrementAndGet();
            if (!started.ok()) {
              load.error(started);
              return;
            }
            String instance = started.json().path("id").asText();
            Reply found = http.get(admin, "/engine-rest/task?processInstanceId=" + instance + "&candidateGroup=" + ANCHOR_GROUP);
            requests.incrementAndGet();
            if (!found.ok()) {
              load.error(found);
              return;
            }
            JsonNode tasks = found.json();
            if (!tasks.isArray() || tasks.size() != 1) {
              missing.incrementAndGet();
              throw new IllegalStateException(
                  "expected one task for candidate group " + ANCHOR_GROUP + " in instance " + instance + ", found " + found);
            }
            String task = tasks.get(0).path("id").asText();
            Reply claimed = http.post(admin, "/engine-rest/task/" + task + "/claim", claim);
            requests.incrementAndGet();
            if (!claimed.ok()) {
              load.error(claimed);
              return;
            }
            Reply completed = http.post(admin, "/engine-rest/task/" + task + "/complete", "{}");
            requests.incrementAndGet();
            if (!completed.ok()) {
              load.error(completed);
              return;
            }
            load.done.incrementAndGet();
          });
    }
    long requestsBefore = requests.get();
    Load.Rate rate = load.measure(settings.warmupSeconds(), settings.measureSeconds());
    long lives = load.done.get();
    // a life that failed half-way leaves its instance in the user task: count, then remove
    List<String> open =
        runtime.createProcessInstanceQuery().processDefinitionKey(ANCHOR_PROCESS).processInstanceBusinessKeyLike(businessKeyPrefix + "%").list()
            .stream().map(ProcessInstance::getId).toList();
    if (!open.isEmpty()) {
      runtime.deleteProcessInstances(open, "benchmark: left open by a failed life", true, true);
    }
    report.note(
        String.format(
            "plain Camunda anchor over HTTP (diagnostic): %d threads through /engine-rest with HTTP Basic as the admin user,"
                + " each life four requests (start by key with a business key, task query by candidate group and instance,"
                + " claim, complete); %d lives started, %d completed, %.1f HTTP requests per life; %d errors in all; %d tasks"
                + " not found (expected 0), %d instances left open (expected 0, removed); %s",
            settings.anchorThreads(), seq.get(), lives, lives == 0 ? Double.NaN : (double) (requests.get() - requestsBefore) / lives,
            load.errors.get(), missing.get(), open.size(), rate.detail()));
    return rate;
  }

  // ---------------------------------------------------------------- 2. AddExternalTask

  private double addExternalTaskRate(Setup setup) throws InterruptedException {
    var load = new Load("add");
    var seq = new AtomicLong();
    for (int i = 0; i < settings.flowClients(); i++) {
      load.loop(
          () -> {
            Reply r = http.post(flow, "/v1/ExternalTasks", createBody(setup.intake(), seq.incrementAndGet()));
            load.count(r);
          });
    }
    Load.Rate rate = load.measure(settings.warmupSeconds(), settings.measureSeconds());
    report.info(
        "AddExternalTask via HTTP, " + settings.flowClients() + " clients, no agent free",
        String.format("%.0f tasks/s", rate.perSecond()));
    report.note("AddExternalTask: " + rate.detail());
    return rate.perSecond();
  }

  /** Diagnostic: the same load, each client into a service of its own (no shared service row lock). */
  private void addSpreadOverServices(Setup setup) throws InterruptedException {
    var load = new Load("add-spread");
    var seq = new AtomicLong(2_000_000_000L);
    for (String service : setup.spreadIntake()) {
      load.loop(() -> load.count(http.post(flow, "/v1/ExternalTasks", createBody(service, seq.incrementAndGet()))));
    }
    Load.Rate rate = load.measure(diagnosticWarmup(), diagnosticMeasure());
    report.info(
        "  diagnostic: AddExternalTask, " + setup.spreadIntake().size() + " clients each into its own service",
        String.format("%.0f tasks/s", rate.perSecond()));
    report.note("AddExternalTask, one service per client (diagnostic): " + rate.detail());
  }

  // ---------------------------------------------------------------- bulk create

  /**
   * Bulk create next to single creates over the same REST path: the same flow clients, each into a
   * service of the phase (no members, so nothing is offered), first one task per {@code POST
   * /v1/ExternalTasks}, then {@code bench.bulk.size} per {@code POST /v1/ExternalTasks/bulk}. Both
   * count created tasks per second; a bulk request counts its items answered 201, and any other item
   * status is an error.
   */
  private void bulkVersusSingle() throws InterruptedException {
    String singleService = service("single", List.of());
    String bulkService = service("bulk", List.of());
    var single = new Load("add-single");
    var seq = new AtomicLong(3_000_000_000L);
    for (int i = 0; i < settings.flowClients(); i++) {
      single.loop(() -> single.count(http.post(flow, "/v1/ExternalTasks", createBody(singleService, seq.incrementAndGet()))));
    }
    Load.Rate singleRate = single.measure(settings.warmupSeconds(), settings.measureSeconds());

    int size = settings.bulkSize();
    var bulk = new Load("add-bulk");
    for (int i = 0; i < settings.flowClients(); i++) {
      bulk.loop(
          () -> {
            var items = new StringBuilder("{\"items\":[");
            for (int n = 0; n < size; n++) {
              items.append(n == 0 ? "" : ",").append(createBody(bulkService, seq.incrementAndGet()));
            }
            Reply r = http.post(flow, "/v1/ExternalTasks/bulk", items.append("]}").toString());
            if (!r.ok()) {
              bulk.error(r);
              return;
            }
            JsonNode results = BenchHttp.JSON.readTree(r.body()).path("items");
            long created = 0;
            for (JsonNode item : results) {
              if (item.path("status").asInt() == 201) {
                created++;
              } else {
                bulk.error(new Reply(item.path("status").asInt(), item.toString()));
              }
            }
            bulk.done.addAndGet(created);
          });
    }
    Load.Rate bulkRate = bulk.measure(settings.warmupSeconds(), settings.measureSeconds());

    int clients = settings.flowClients();
    report.info("AddExternalTask, one task per request, " + clients + " clients", String.format("%.0f tasks/s", singleRate.perSecond()));
    report.info("bulk create, " + size + " tasks per request, " + clients + " clients", String.format("%.0f tasks/s", bulkRate.perSecond()));
    report.ratioInfo("  bulk / single, tasks per second", bulkRate.perSecond(), singleRate.perSecond(), "/s");
    report.info("  server CPU per task, single / bulk", singleRate.serverCpuText() + " / " + bulkRate.serverCpuText());
    if (postgres) {
      report.info(
          "  commits and rows written per task, single / bulk",
          String.format("%.1f, %.1f / %.1f, %.1f", singleRate.database().commitsPerOperation(), singleRate.database().rowsPerOperation(),
              bulkRate.database().commitsPerOperation(), bulkRate.database().rowsPerOperation()));
    }
    report.note("AddExternalTask, one per request (bulk phase): " + singleRate.detail());
    report.note("bulk create, " + size + " per request: " + bulkRate.detail());
  }

  // ---------------------------------------------------------------- 3. full lives

  /**
   * Flows create tasks at full speed, each service's backlog bounded at twice its agents; agents
   * accept and complete (after-work 0 s). Lives/s = completed tasks per second.
   *
   * <p>How an agent learns of its offer, with no idle polling (on two cores, a dozen idle agents
   * polling their sessions would eat a fifth of the machine and lower the figure): an offer is made
   * either inside AddExternalTask (a free agent) or inside the agent's own complete (a queued task).
   * For the first, the flow reads the task once (GET, as a client must: the create answer does not
   * say) and hands the id to that agent; for the second, the agent reads its sessions once after
   * each complete. An agent without news reads its sessions once a second as a safety net.
   */
  private Load.Rate fullLives(List<Group> groups, int creators, int warmup, int measure, String phase) throws InterruptedException {
    boolean spread = groups.size() > 1;
    int agentCount = groups.stream().mapToInt(g -> g.agents().size()).sum();
    groups.forEach(g -> g.agents().forEach(a -> presence(a, "Available")));
    Map<String, Semaphore> backlogs = new HashMap<>();
    groups.forEach(g -> backlogs.put(g.service(), new Semaphore(2 * g.agents().size())));
    Map<String, java.util.concurrent.BlockingQueue<String>> mailboxes = new HashMap<>();
    groups.forEach(g -> g.agents().forEach(a -> mailboxes.put(a, new java.util.concurrent.LinkedBlockingQueue<>())));
    Set<String> open = ConcurrentHashMap.newKeySet();
    var load = new Load(phase);
    var seq = new AtomicLong(spread ? 4_000_000_000L : 3_000_000_000L);
    var requests = new AtomicLong();
    var safetyPolls = new AtomicLong();
    var created = new AtomicLong();
    for (int i = 0; i < creators; i++) {
      String service = groups.get(i % groups.size()).service();
      Semaphore backlog = backlogs.get(service);
      load.loop(
          () -> {
            if (!backlog.tryAcquire(50, TimeUnit.MILLISECONDS)) {
              return;
            }
            Reply r = http.post(flow, "/v1/ExternalTasks", createBody(service, seq.incrementAndGet()));
            requests.incrementAndGet();
            if (!r.ok()) {
              backlog.release();
              load.error(r);
              return;
            }
            String id = r.json().path("id").asText();
            open.add(id);
            created.incrementAndGet();
            JsonNode task = http.get(flow, "/v1/ExternalTasks/" + id).json();
            requests.incrementAndGet();
            if ("Offered".equals(task.path("state").asText())) {
              var mailbox = mailboxes.get(task.path("assignedUserUpn").asText());
              if (mailbox != null) {
                mailbox.add(id);
              }
            }
          });
    }
    for (Group group : groups) {
      Semaphore backlog = backlogs.get(group.service());
      for (String agent : group.agents()) {
        Caller me = Caller.user(agent, PASSWORD);
        var mailbox = mailboxes.get(agent);
        var next = new AtomicReference<String>();
        Set<String> handled = new java.util.HashSet<>();
        load.loop(
            () -> {
              String offered = next.getAndSet(null);
              if (offered == null) {
                offered = mailbox.poll(1, TimeUnit.SECONDS);
              }
              if (offered == null) {
                safetyPolls.incrementAndGet();
                next.set(offeredTo(me, agent));
                requests.incrementAndGet();
                return;
              }
              if (!handled.add(offered)) {
                return; // found by both ways: handled already
              }
              Reply accepted = http.post(me, "/v1/ExternalTasks/" + offered + "/accept", null);
              requests.incrementAndGet();
              if (!accepted.ok()) {
                load.error(accepted);
                return;
              }
              Reply completed = http.post(me, "/v1/ExternalTasks/" + offered + "/complete", null);
              requests.incrementAndGet();
              if (!completed.ok()) {
                load.error(completed);
                return;
              }
              open.remove(offered);
              backlog.release();
              load.done.incrementAndGet();
              // a queued task was offered to this agent inside its complete, if any waits
              next.set(offeredTo(me, agent));
              requests.incrementAndGet();
            });
      }
    }
    long requestsBefore = requests.get();
    Load.Rate rate = load.measure(warmup, measure);
    long lives = load.done.get();
    report.note(
        String.format(
            "full lives (%d agents, %d flows, %s): backlog ≤ 2 open tasks per agent; %d tasks created, %d completed; %.1f HTTP"
                + " requests per life (create, one read of the offer, accept, complete), %d safety polls; %s",
            agentCount, creators, spread ? groups.size() + " services" : "one service", created.get(), lives,
            lives == 0 ? Double.NaN : (double) (requests.get() - requestsBefore) / lives, safetyPolls.get(), rate.detail()));
    // leave nothing behind that could move later: agents Offline, open tasks removed
    groups.forEach(g -> g.agents().forEach(a -> presence(a, "Offline")));
    for (String id : open) {
      http.send(flow, "DELETE", "/v1/ExternalTasks/" + id, null);
    }
    return rate;
  }

  // ---------------------------------------------------------------- 4. create → offer

  private void createToOffer(Setup setup) throws Exception {
    setup.latencyAgents().forEach(a -> presence(a, "Available"));
    var roundTrips = new Samples();
    var measuredIds = ConcurrentHashMap.<String>newKeySet();
    var notOffered = new AtomicLong();
    var measuring = new AtomicBoolean();
    var load = new Load("latency");
    var seq = new AtomicLong();
    for (int i = 0; i < settings.latencyLoops(); i++) {
      load.loop(
          () -> {
            boolean counted = measuring.get();
            long t0 = System.nanoTime();
            Reply r = http.post(flow, "/v1/ExternalTasks", createBody(setup.latency(), seq.incrementAndGet()));
            long elapsed = System.nanoTime() - t0;
            if (!r.ok()) {
              load.error(r);
              return;
            }
            String id = r.json().path("id").asText();
            JsonNode task = http.get(flow, "/v1/ExternalTasks/" + id).json();
            if (!"Offered".equals(task.path("state").asText())) {
              notOffered.incrementAndGet();
              http.send(flow, "DELETE", "/v1/ExternalTasks/" + id, null);
              return;
            }
            if (counted) {
              roundTrips.add(elapsed);
              measuredIds.add(id);
            }
            String agent = task.path("assignedUserUpn").asText();
            Caller me = Caller.user(agent, PASSWORD);
            Reply a = http.post(me, "/v1/ExternalTasks/" + id + "/accept", null);
            Reply c = a.ok() ? http.post(me, "/v1/ExternalTasks/" + id + "/complete", null) : a;
            if (!c.ok()) {
              load.error(c);
            }
            load.done.incrementAndGet();
          });
    }
    load.start();
    Thread.sleep(settings.latencyWarmupSeconds() * 1000L);
    measuring.set(true);
    var cpu = new CpuMeter();
    cpu.start();
    Thread.sleep(settings.latencyMeasureSeconds() * 1000L);
    measuring.set(false);
    CpuMeter.Split split = cpu.stop();
    load.stop();
    Samples gaps = eventGaps(measuredIds, "Created", "Offered");
    report.latency(
        "create → offer: AddExternalTask round-trip, agents free (p50 / p99)", roundTrips, 25);
    report.latencyInfo("create → offer: DB gap Created → Offered event (p50 / p99)", gaps);
    report.note(
        String.format(
            "create → offer: %d samples from %d sequential flow loops, each offered task accepted and completed before the next"
                + " create; %d tasks not offered at create (expected 0); %s%s",
            roundTrips.size(), settings.latencyLoops(), notOffered.get(), split, load.errorText()));
    setup.latencyAgents().forEach(a -> presence(a, "Offline"));
  }

  // ---------------------------------------------------------------- 5. agent frees up → next offer

  private void freesUpToNextOffer(Setup setup) throws Exception {
    QueuePositions queue = context.getBean(QueuePositions.class);
    long queued = queue.queueLength(setup.intake());
    if (queued < settings.queued()) {
      log("topping the intake queue up from %,d to %,d tasks", queued, settings.queued());
      var remaining = new AtomicLong(settings.queued() - queued);
      var seq = new AtomicLong(1_000_000_000L);
      var threads = new ArrayList<Thread>();
      var failure = new AtomicReference<String>();
      for (int i = 0; i < settings.flowClients(); i++) {
        Thread t =
            new Thread(
                () -> {
                  while (remaining.getAndDecrement() > 0 && failure.get() == null) {
                    Reply r = http.post(flow, "/v1/ExternalTasks", createBody(setup.intake(), seq.incrementAndGet()));
                    if (!r.ok()) {
                      failure.set(r.toString());
                    }
                  }
                },
                "bench-fill-" + i);
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      if (failure.get() != null) {
        throw new IllegalStateException("filling the queue failed: " + failure.get());
      }
      queued = queue.queueLength(setup.intake());
    }
    String agent = setup.freesAgent();
    Caller me = Caller.user(agent, PASSWORD);
    presence(agent, "Available");
    var completes = new Samples();
    var pairs = new ArrayList<String[]>();
    int missing = 0;
    String offered = offeredTo(me, agent);
    for (int i = 0; i < settings.freesWarmup() + settings.frees(); i++) {
      if (offered == null) {
        throw new IllegalStateException("agent " + agent + " was offered nothing although " + queue.queueLength(setup.intake()) + " tasks wait");
      }
      expectOk(http.post(me, "/v1/ExternalTasks/" + offered + "/accept", null), "accept");
      long t0 = System.nanoTime();
      expectOk(http.post(me, "/v1/ExternalTasks/" + offered + "/complete", null), "complete");
      long elapsed = System.nanoTime() - t0;
      String next = offeredTo(me, agent);
      if (i >= settings.freesWarmup()) {
        completes.add(elapsed);
        if (next != null) {
          pairs.add(new String[] {offered, next});
        } else {
          missing++;
        }
      }
      offered = next;
    }
    presence(agent, "Offline");
    Samples gaps = pairGaps(pairs);
    String q = String.format("%,d", queued);
    report.latency("frees up → next offer: complete round-trip, " + q + " queued (p50 / p99)", completes, 25);
    report.latencyInfo("frees up → next offer: DB gap Completed → next Offered (p50 / p99)", gaps);
    report.note(
        String.format(
            "frees up: one agent (capacity 1, after-work 0 s) accepts and completes %d tasks after %d warm-up ones; the next task"
                + " is offered inside the complete request; %d times no offer was found right after complete (expected 0)",
            settings.frees(), settings.freesWarmup(), missing));
  }

  String offeredTo(Caller me, String agent) {
    for (JsonNode s : expectOk(http.get(me, "/v1/users/" + agent + "/sessions"), "sessions").json()) {
      if ("Offered".equals(s.path("state").asText())) {
        return s.path("id").asText();
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- 6. queuePosition with a deep queue

  private void queuePosition(String deep) throws Exception {
    DataSource dataSource = context.getBean(DataSource.class);
    QueuePositions positionsOf = context.getBean(QueuePositions.class);
    int n = settings.deepQueue();
    log("inserting %,d queued tasks with JDBC", n);
    long t0 = System.nanoTime();
    List<String> ids = insertQueuedTasks(dataSource, deep, n);
    log("inserted in %.1f s", (System.nanoTime() - t0) / 1e9);
    var random = new Random(42);
    // as autovacuum leaves a table that has settled (statistics, visibility map: index-only scans)
    maintain(dataSource);
    // the API read, as many as settings.reads() but at most settings.readsSeconds() (a slow read must
    // not make the run endless); warm-up likewise bounded
    Samples reads = new Samples();
    long minPosition = Long.MAX_VALUE;
    long maxPosition = 0;
    long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, settings.readsSeconds() / 4));
    long measureEnd = Long.MAX_VALUE;
    int done = 0;
    while (reads.size() < settings.reads() && System.nanoTime() < measureEnd) {
      String id = ids.get(random.nextInt(ids.size()));
      long s = System.nanoTime();
      Reply r = http.get(flow, "/v1/ExternalTasks/" + id);
      long elapsed = System.nanoTime() - s;
      long position = checkedPosition(r, id, n);
      minPosition = Math.min(minPosition, position);
      maxPosition = Math.max(maxPosition, position);
      done++;
      boolean warm = done > settings.readsWarmup() || System.nanoTime() > warmupEnd;
      if (warm && measureEnd == Long.MAX_VALUE) {
        measureEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.readsSeconds());
      } else if (warm) {
        reads.add(elapsed);
      }
    }
    // a read after a quiet second: the per-node snapshot of a long queue is older than its 1 s limit
    Samples quiet = new Samples();
    for (int i = 0; i < settings.quietReads(); i++) {
      Thread.sleep(1100);
      String id = ids.get(random.nextInt(ids.size()));
      long s = System.nanoTime();
      Reply r = http.get(flow, "/v1/ExternalTasks/" + id);
      quiet.add(System.nanoTime() - s);
      checkedPosition(r, id, n);
    }
    // the position lookup the API uses (QueuePositions), and the exact SQL count, on their own
    Samples lookups = new Samples();
    Samples counts = new Samples();
    for (int i = 0; i < settings.readsWarmup() + settings.reads(); i++) {
      String id = ids.get(random.nextInt(ids.size()));
      long s = System.nanoTime();
      positionsOf.of(id).orElseThrow();
      long lookup = System.nanoTime() - s;
      s = System.nanoTime();
      positionsOf.counted(id).orElseThrow();
      long count = System.nanoTime() - s;
      if (i >= settings.readsWarmup()) {
        lookups.add(lookup);
        counts.add(count);
      }
    }
    String q = String.format("%,d", n);
    report.latency("queuePosition read: GET /v1/ExternalTasks/{id}, " + q + " queued (p50 / p99)", reads, 5);
    report.info(
        String.format("  GET after a quiet second (snapshot reloaded), %d reads (p50 / max)", quiet.size()),
        String.format("%.1f / %.1f ms", quiet.p50(), quiet.maxMillis()));
    report.latency("queuePosition lookup alone (QueuePositions.of) (p50 / p99)", lookups, 5);
    report.latencyInfo("  exact SQL count (QueueStore.position), for comparison (p50 / p99)", counts);
    report.info("heap used after GC, " + q + " queued (plus the tasks of earlier phases)", heapUsedMb() + " MB");
    report.note(
        String.format(
            "queuePosition: %s tasks inserted with JDBC batches into external_task + queue_entry of one service (10 %% High,"
                + " 80 %% Normal, 10 %% Low), without process instances or events (read-only measurement; the repair sweep's grace"
                + " is raised so it leaves them alone); %s first; %d API reads back to back (at most %d s), positions %d…%d;"
                + " %d reads each after 1.1 s without reads; %d lookups by QueuePositions and by the SQL count",
            q, postgres ? "VACUUM ANALYZE" : "ANALYZE", reads.size(), settings.readsSeconds(), minPosition, maxPosition, quiet.size(),
            lookups.size()));
  }

  private static long checkedPosition(Reply r, String id, int n) {
    expectOk(r, "GET task");
    long position = r.json().path("queuePosition").asLong(-1);
    if (position < 1 || position > n || !"Queued".equals(r.json().path("state").asText())) {
      throw new IllegalStateException("queuePosition " + position + " for " + id + ": " + r);
    }
    return position;
  }

  private List<String> insertQueuedTasks(DataSource dataSource, String service, int n) throws SQLException {
    var ids = new ArrayList<String>(n);
    OffsetDateTime start = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1);
    OffsetDateTime expires = start.plusDays(2);
    var random = new Random(7);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into external_task (id, service_upn, state, distribution_priority, customer_identifier, title,"
                  + " context_parameters, preferred_users, created_at, enqueued_at, expires_at, created_by)"
                  + " values (?,?,'Queued',?,?,?,?,'[]',?,?,?,'flow:demo***')")) {
        for (int i = 0; i < n; i++) {
          String id = UUID.randomUUID().toString();
          ids.add(id);
          int p = random.nextInt(10);
          String priority = p == 0 ? "High" : p == 9 ? "Low" : "Normal";
          OffsetDateTime at = start.plusNanos(i * 50_000L);
          ps.setString(1, id);
          ps.setString(2, service);
          ps.setString(3, priority);
          ps.setString(4, "C-deep-" + i);
          ps.setString(5, "Deep queue task " + i);
          ps.setString(6, "[{\"name\":\"orderId\",\"value\":\"" + i + "\"}]");
          ps.setObject(7, at);
          ps.setObject(8, at);
          ps.setObject(9, expires);
          ps.addBatch();
          if (i % 1000 == 999) {
            ps.executeBatch();
          }
          if (i % 20_000 == 19_999) {
            c.commit();
          }
        }
        ps.executeBatch();
      }
      String rank = "case distribution_priority when 'High' then 2 when 'Low' then 0 else 1 end";
      // the queue keeps a task's own priority next to the effective one where the schema has it (V2)
      boolean basePriority = hasColumn(c, "queue_entry", "base_priority");
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into queue_entry (task_id, service_upn, priority, " + (basePriority ? "base_priority, " : "") + "enqueued_at, seq)"
                  + " select id, service_upn, " + rank + ", " + (basePriority ? rank + ", " : "")
                  + " enqueued_at, seq from external_task where service_upn = ?")) {
        ps.setString(1, service);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("update cumulus_service set open_tasks = open_tasks + ? where upn = ?")) {
        ps.setInt(1, n);
        ps.setString(2, service);
        ps.executeUpdate();
      }
      c.commit();
    }
    return ids;
  }

  private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select * from " + table + " where 1 = 0")) {
      var meta = rs.getMetaData();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        if (meta.getColumnName(i).equalsIgnoreCase(column)) {
          return true;
        }
      }
      return false;
    }
  }

  private void maintain(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      c.setAutoCommit(true);
      if (postgres) {
        st.execute("vacuum analyze queue_entry");
        st.execute("vacuum analyze external_task");
      } else {
        st.execute("analyze");
      }
    }
  }


  // ---------------------------------------------------------------- database-side gaps

  /** For each task, the time from its first {@code from} event to its first {@code to} event. */
  private Samples eventGaps(Collection<String> taskIds, String from, String to) throws SQLException {
    Map<String, OffsetDateTime[]> times = eventTimes(taskIds, from, to);
    var gaps = new Samples();
    for (OffsetDateTime[] t : times.values()) {
      if (t[0] != null && t[1] != null) {
        gaps.add(java.time.Duration.between(t[0], t[1]).toNanos());
      }
    }
    return gaps;
  }

  /** For each (completed task, next offered task): Completed of the first → Offered of the second. */
  private Samples pairGaps(List<String[]> pairs) throws SQLException {
    var ids = new ArrayList<String>();
    for (String[] p : pairs) {
      ids.add(p[0]);
      ids.add(p[1]);
    }
    Map<String, OffsetDateTime[]> completed = eventTimes(ids, "Completed", "Completed");
    Map<String, OffsetDateTime[]> offered = eventTimes(ids, "Offered", "Offered");
    var gaps = new Samples();
    for (String[] p : pairs) {
      OffsetDateTime[] c = completed.get(p[0]);
      OffsetDateTime[] o = offered.get(p[1]);
      if (c != null && o != null && c[0] != null && o[0] != null) {
        gaps.add(java.time.Duration.between(c[0], o[0]).toNanos());
      }
    }
    return gaps;
  }

  /** For each task, the first time of event {@code from} and the first of {@code to}. */
  Map<String, OffsetDateTime[]> eventTimes(Collection<String> taskIds, String from, String to) throws SQLException {
    var result = new HashMap<String, OffsetDateTime[]>();
    var list = new ArrayList<>(taskIds);
    DataSource dataSource = context.getBean(DataSource.class);
    try (Connection c = dataSource.getConnection()) {
      for (int start = 0; start < list.size(); start += 200) {
        var chunk = list.subList(start, Math.min(list.size(), start + 200));
        String in = String.join(",", chunk.stream().map(x -> "?").toList());
        try (PreparedStatement ps =
            c.prepareStatement(
                "select task_id, event, occurred_at from task_event where task_id in (" + in + ") and event in (?,?) order by id")) {
          int k = 1;
          for (String id : chunk) {
            ps.setString(k++, id);
          }
          ps.setString(k++, from);
          ps.setString(k, to);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              OffsetDateTime[] t = result.computeIfAbsent(rs.getString(1), x -> new OffsetDateTime[2]);
              OffsetDateTime at = rs.getObject(3, OffsetDateTime.class);
              String event = rs.getString(2);
              if (event.equals(from) && t[0] == null) {
                t[0] = at;
              }
              if (event.equals(to) && t[1] == null) {
                t[1] = at;
              }
            }
          }
        }
      }
    }
    return result;
  }

  // ---------------------------------------------------------------- facts

  private void facts() {
    report.fact("load average when Cumulus had started: " + CpuMeter.loadAverage());
    DataSource dataSource = context.getBean(DataSource.class);
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      if (postgres) {
        report.fact("server: " + one(st, "select version()"));
        report.fact(
            "synchronous_commit " + one(st, "show synchronous_commit") + ", fsync " + one(st, "show fsync") + ", shared_buffers "
                + one(st, "show shared_buffers"));
        if (!"on".equals(one(st, "show synchronous_commit")) || !"on".equals(one(st, "show fsync"))) {
          report.note("WARNING: this PostgreSQL does not flush each commit to disk (synchronous_commit/fsync off); its figures are"
              + " optimistic. Point CUMULUS_IT_POSTGRES_URL at a stock server for production-like figures.");
        }
      } else {
        report.fact("H2 " + one(st, "select h2version()") + ", file database, WRITE_DELAY=0 (every commit written before the answer)");
      }
    } catch (SQLException e) {
      report.fact("database facts unavailable: " + e.getMessage());
    }
    String pool = context.getEnvironment().getProperty("spring.datasource.hikari.maximum-pool-size", "10");
    String history = context.getBean(ProcessEngine.class).getProcessEngineConfiguration().getHistory();
    report.fact("Hikari pool " + pool + ", Camunda history level " + history + ", job executor on");
  }

  private static String one(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  static long heapUsedMb() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
  }

  private void log(String format, Object... args) {
    CumulusBenchmark.log("[" + report.title + "] " + String.format(format, args));
  }

  @Override
  public void close() {
    context.close();
  }

  // ---------------------------------------------------------------- PostgreSQL's own counters

  /**
   * On PostgreSQL, what the database did per counted operation over a window, from its cumulative
   * statistics (pg_stat_database, pg_stat_user_tables; no extension needed): commits, rows written,
   * index scans, and the tables read by sequential scans. Empty on H2.
   */
  private final class TableStats {

    private Map<String, long[]> before;
    private long[] databaseBefore;
    private Map<Integer, Long> backendTicks;
    private Map<Integer, Long> endTicks;
    private long startNanos;
    private long endNanos;

    void start() {
      if (postgres) {
        before = tableCounters();
        databaseBefore = databaseCounters();
        backendTicks = backendTicks();
        startNanos = System.nanoTime();
      }
    }

    /**
     * The end of the measured window for the backends' CPU, read from /proc at once (the table
     * counters are read in {@link #stop}, once the backends have reported them).
     */
    void markEnd() {
      if (postgres && before != null) {
        endTicks = backendTicks();
        endNanos = System.nanoTime();
      }
    }

    /**
     * What PostgreSQL did: a description, the cores its backends for this database used, commits and
     * rows written per operation (NaN if unknown), and the tables written most, rows per operation.
     */
    record Work(String text, double cores, double commitsPerOperation, double rowsPerOperation, String writers) {
      static final Work NONE = new Work("", Double.NaN, Double.NaN, Double.NaN, "");
    }

    Work stop(long operations) {
      if (!postgres || before == null || operations == 0) {
        return Work.NONE;
      }
      try {
        // backends report their counters when idle, at most once a second
        Thread.sleep(1200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Map<Integer, Long> ticks = endTicks != null ? endTicks : backendTicks();
      double wall = ((endTicks != null ? endNanos : System.nanoTime()) - startNanos) / 1e9;
      long usedTicks = 0;
      for (var e : ticks.entrySet()) {
        usedTicks += e.getValue() - backendTicks.getOrDefault(e.getKey(), 0L);
      }
      Map<String, long[]> after = tableCounters();
      long[] databaseAfter = databaseCounters();
      long written = 0;
      long indexScans = 0;
      var seqScans = new ArrayList<Map.Entry<Long, String>>();
      var writers = new ArrayList<Map.Entry<Long, String>>();
      for (var e : after.entrySet()) {
        long[] b = before.getOrDefault(e.getKey(), new long[6]);
        long[] a = e.getValue();
        indexScans += a[2] - b[2];
        long rows = (a[3] - b[3]) + (a[4] - b[4]) + (a[5] - b[5]);
        written += rows;
        if (rows > 0) {
          writers.add(Map.entry(rows, String.format("%s %.1f", e.getKey(), (double) rows / operations)));
        }
        long scans = a[0] - b[0];
        long read = a[1] - b[1];
        if (scans > 0 && read > 0) {
          seqScans.add(Map.entry(read, String.format("%s %.1f× reading %.0f rows", e.getKey(), (double) scans / operations, (double) read / operations)));
        }
      }
      seqScans.sort(Map.Entry.<Long, String>comparingByKey().reversed());
      writers.sort(Map.Entry.<Long, String>comparingByKey().reversed());
      double cores = ticks.isEmpty() ? Double.NaN : usedTicks / 100.0 / wall;
      double commits = (double) (databaseAfter[0] - databaseBefore[0]) / operations;
      String top =
          String.join(", ", writers.stream().limit(8).map(Map.Entry::getValue).toList()) + (writers.size() > 8 ? ", …" : "");
      String text = String.format(
          "PostgreSQL: its backends for this database used %s cores; per operation %.1f commits,"
              + " %.0f index scans, %.0f rows written (%s), sequential scans %s",
          Double.isNaN(cores) ? "?" : String.format("%.2f", cores),
          commits, (double) indexScans / operations, (double) written / operations, top,
          seqScans.isEmpty() ? "none" : String.join(", ", seqScans.stream().limit(3).map(Map.Entry::getValue).toList()) + (seqScans.size() > 3 ? ", …" : ""));
      return new Work(text, cores, commits, (double) written / operations, top);
    }

    /**
     * CPU clock ticks (1/100 s) used so far by each server process serving this database, read from
     * /proc when PostgreSQL runs on this machine; empty otherwise.
     */
    private Map<Integer, Long> backendTicks() {
      var result = new HashMap<Integer, Long>();
      try (Connection c = context.getBean(DataSource.class).getConnection(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("select pid from pg_stat_activity where datname = current_database()")) {
        while (rs.next()) {
          int pid = rs.getInt(1);
          try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state(0) … utime(11) stime(12)
            result.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
          } catch (java.io.IOException | RuntimeException e) {
            // not on this machine, or gone
          }
        }
      } catch (SQLException e) {
        // a diagnostic only
      }
      return result;
    }

    private Map<String, long[]> tableCounters() {
      var result = new HashMap<String, long[]>();
      try (Connection c = context.getBean(DataSource.class).getConnection(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(
              "select relname, coalesce(seq_scan,0), coalesce(seq_tup_read,0), coalesce(idx_scan,0), n_tup_ins, n_tup_upd, n_tup_del"
                  + " from pg_stat_user_tables")) {
        while (rs.next()) {
          result.put(rs.getString(1).toLowerCase(), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7)});
        }
      } catch (SQLException e) {
        // statistics are a diagnostic only
      }
      return result;
    }

    private long[] databaseCounters() {
      try (Connection c = context.getBean(DataSource.class).getConnection(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("select xact_commit from pg_stat_database where datname = current_database()")) {
        rs.next();
        return new long[] {rs.getLong(1)};
      } catch (SQLException e) {
        return new long[1];
      }
    }
  }

  // ---------------------------------------------------------------- load threads

  /** Threads that each repeat one step until stopped; counts successes ({@link #done}) and errors. */
  private final class Load {

    interface Step {
      void run() throws Exception;
    }

    record Rate(double perSecond, long count, double seconds, CpuMeter.Split cpu, long errors, String firstError, TableStats.Work database) {
      String errorText() {
        return errors == 0 ? "" : String.format("; %d errors, first: %s", errors, firstError);
      }

      /**
       * The CPU one operation costs the server side (this JVM without the benchmark's client threads,
       * plus on PostgreSQL its backends for this database), and what that allows on this machine's
       * cores if nothing else ran: a figure that other work on a shared machine does not distort.
       */
      String cost() {
        if (count == 0) {
          return "";
        }
        double jvmMs = jvmMs();
        double dbMs = Double.isNaN(database.cores()) ? 0 : databaseMs();
        int cores = Runtime.getRuntime().availableProcessors();
        return String.format(
            "server CPU per operation %.1f ms (Cumulus JVM %.1f ms%s) → at most %.0f/s on %d dedicated cores; ",
            jvmMs + dbMs, jvmMs, Double.isNaN(database.cores()) ? "" : String.format(", PostgreSQL %.1f ms", dbMs),
            cores * 1000 / (jvmMs + dbMs), cores);
      }

      /** CPU of the Cumulus JVM per operation, without the benchmark's client threads. */
      double jvmMs() {
        return count == 0 ? Double.NaN : (cpu.jvm() - cpu.client()) * seconds * 1000 / count;
      }

      /** CPU of PostgreSQL's backends for this database per operation; NaN where unknown (H2, a remote server). */
      double databaseMs() {
        return count == 0 ? Double.NaN : database.cores() * seconds * 1000 / count;
      }

      /** Server CPU per operation, as {@code 12.3 ms (JVM 6.1 + PostgreSQL 6.2)}. */
      String serverCpuText() {
        if (count == 0) {
          return "n/a";
        }
        double db = databaseMs();
        return Double.isNaN(db)
            ? String.format("%.1f ms (JVM only)", jvmMs())
            : String.format("%.1f ms (JVM %.1f + PostgreSQL %.1f)", jvmMs() + db, jvmMs(), db);
      }

      /** CPU split, and on PostgreSQL the database work per counted operation. */
      String detail() {
        return cost() + cpu + (database.text().isEmpty() ? "" : "; " + database.text()) + errorText();
      }
    }

    final String name;
    final AtomicLong done = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicReference<String> firstError = new AtomicReference<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    /** Whether the threads run the engine themselves (server side in {@link CpuMeter}), not HTTP clients. */
    private final boolean engineThreads;

    Load(String name) {
      this(name, false);
    }

    Load(String name, boolean engineThreads) {
      this.name = name;
      this.engineThreads = engineThreads;
    }

    void loop(Step step) {
      threads.add(
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    step.run();
                  } catch (InterruptedException e) {
                    return;
                  } catch (Exception e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e.toString());
                  }
                }
              },
              // the raw and anchor phases' threads run the engine itself: server side, not benchmark clients (CpuMeter)
              (engineThreads ? "engine-" : "bench-") + name + "-" + ids.incrementAndGet()));
    }

    void count(Reply reply) {
      if (reply.ok()) {
        done.incrementAndGet();
      } else {
        error(reply);
      }
    }

    void error(Reply reply) {
      errors.incrementAndGet();
      firstError.compareAndSet(null, reply.toString());
    }

    String errorText() {
      return errors.get() == 0 ? "" : String.format("; %d errors, first: %s", errors.get(), firstError.get());
    }

    void start() {
      threads.forEach(Thread::start);
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join(120_000);
      }
    }

    Rate measure(int warmupSeconds, int measureSeconds) throws InterruptedException {
      log("%s: %d threads, %d s warm-up", name, threads.size(), warmupSeconds);
      start();
      Thread.sleep(warmupSeconds * 1000L);
      var cpu = new CpuMeter();
      var tables = new TableStats();
      long c0 = done.get();
      long e0 = errors.get();
      long t0 = System.nanoTime();
      cpu.start();
      tables.start();
      Thread.sleep(measureSeconds * 1000L);
      long c1 = done.get();
      long t1 = System.nanoTime();
      CpuMeter.Split split = cpu.stop();
      tables.markEnd();
      long e1 = errors.get();
      stop();
      double seconds = (t1 - t0) / 1e9;
      var rate = new Rate((c1 - c0) / seconds, c1 - c0, seconds, split, e1 - e0, firstError.get(), tables.stop(c1 - c0));
      log("%s: %.1f/s over %.1f s (%d errors)", name, rate.perSecond(), seconds, rate.errors());
      return rate;
    }
  }
}
