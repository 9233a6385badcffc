package dev.cumulus.postgres;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cumulus.support.Api;
import dev.cumulus.support.PostgresServer;
import dev.cumulus.support.Scenario;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same life on a real PostgreSQL server, with the postgres profile, under concurrent agents. */
@ActiveProfiles("postgres")
// each class has a database of its own: a cached context would only hold its connections
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"cumulus.demo.enabled=false", "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false"})
class PostgresLifeIT {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    PostgresServer.useFreshDatabase(registry);
  }

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @Test
  void runsOnPostgresqlWithOurMigrationsAndCamundasSchema() {
    assertThat(jdbc.queryForObject("select version()", String.class)).startsWith("PostgreSQL");
    assertThat(jdbc.queryForObject("select count(*) from flyway_schema_history where success", Integer.class)).isPositive();
    assertThat(jdbc.queryForObject("select count(*) from act_ge_schema_log", Integer.class)).isPositive();
  }

  @Test
  void createOfferDeclineAcceptCompleteOnPostgresql() {
    var scenario = new Scenario("http://127.0.0.1:" + port);
    var flow = Api.flow("http://127.0.0.1:" + port);
    String alice = scenario.agent("alice", 1);
    String bob = scenario.agent("bob", 1);
    String service = scenario.service("support", List.of(alice, bob), map("acwSeconds", 0));
    scenario.available(alice, bob);

    String id = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "preferredUsers", List.of(map("upn", alice)))).text("id");
    scenario.as(alice).post("/v1/ExternalTasks/" + id + "/decline", null);
    assertThat(flow.get("/v1/ExternalTasks/" + id).text("assignedUserUpn")).isEqualTo(bob);
    scenario.as(bob).post("/v1/ExternalTasks/" + id + "/accept", null);
    var done = scenario.as(bob).post("/v1/ExternalTasks/" + id + "/complete", null);

    assertThat(done.text("state")).isEqualTo("Completed");
    var events = new ArrayList<String>();
    done.body().path("events").forEach(e -> events.add(e.path("event").asText()));
    assertThat(events).containsExactly("Created", "Queued", "Offered", "Declined", "Offered", "Accepted", "Completed");
  }

  /** PostgreSQL refuses a NUL in text (a 500 once): Cumulus answers 400 naming the field, and writes nothing. */
  @Test
  void aNulCharacterInTextIsA400ProblemNamingTheFieldAndWritesNothing() {
    var scenario = new Scenario("http://127.0.0.1:" + port);
    var flow = Api.flow("http://127.0.0.1:" + port);
    String service = scenario.service("nul", List.of(), map());
    Integer before = jdbc.queryForObject("select count(*) from external_task", Integer.class);

    var refused = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "title", "a\u0000b"));
    var refusedParameter =
        flow.post("/v1/ExternalTasks", map("serviceUpn", service, "customContextParameters", List.of(map("name", "orderId", "value", "4\u00007"))));

    for (var answer : List.of(refused, refusedParameter)) {
      assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
      assertThat(answer.contentType()).startsWith("application/problem+json");
    }
    assertThat(refused.body().toString()).contains("title");
    assertThat(jdbc.queryForObject("select count(*) from external_task", Integer.class)).isEqualTo(before);
  }

  /**
   * Four agents take and complete 60 tasks that flows create at the same time. Row locks keep every
   * agent within capacity and hand every task to exactly one agent.
   */
  @Test
  void concurrentFlowsAndAgentsNeverDoubleAssignAndLoseNothing() throws Exception {
    var scenario = new Scenario("http://127.0.0.1:" + port);
    var flow = Api.flow("http://127.0.0.1:" + port);
    List<String> agents = List.of(scenario.agent("a1", 1), scenario.agent("a2", 1), scenario.agent("a3", 2), scenario.agent("a4", 1));
    String service = scenario.service("bulk", agents, map("acwSeconds", 0));
    agents.forEach(scenario::available);
    int total = 60;
    Map<String, String> handledBy = new ConcurrentHashMap<>();
    List<String> created = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      var work = new ArrayList<Future<?>>();
      for (int c = 0; c < 2; c++) {
        work.add(pool.submit(() -> {
          for (int i = 0; i < total / 2; i++) {
            var r = flow.post("/v1/ExternalTasks", map("serviceUpn", service));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            created.add(r.text("id"));
          }
        }));
      }
      for (String agent : agents) {
        work.add(pool.submit(() -> {
          Api me = scenario.as(agent);
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
          while (handledBy.size() < total && System.nanoTime() < deadline) {
            var sessions = me.get("/v1/users/" + agent + "/sessions").body();
            assertThat(sessions.size()).as("capacity of " + agent).isLessThanOrEqualTo(agent.startsWith("a3.") ? 2 : 1);
            for (var s : sessions) {
              String id = s.path("id").asText();
              if ("Offered".equals(s.path("state").asText())) {
                var accepted = me.post("/v1/ExternalTasks/" + id + "/accept", null);
                assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
                var completed = me.post("/v1/ExternalTasks/" + id + "/complete", null);
                assertThat(completed.status()).as(completed.toString()).isEqualTo(200);
                assertThat(handledBy.putIfAbsent(id, agent)).as("task " + id + " handled twice").isNull();
              }
            }
          }
        }));
      }
      for (Future<?> f : work) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(created).hasSize(total).doesNotHaveDuplicates();
    assertThat(handledBy.keySet()).containsExactlyInAnyOrderElementsOf(created);
    assertThat(jdbc.queryForObject("select count(*) from external_task where service_upn = ? and state = 'Completed'", Integer.class, service)).isEqualTo(total);
    assertThat(jdbc.queryForObject("select count(*) from task_event e join external_task t on t.id = e.task_id where t.service_upn = ? and e.event = 'Completed'", Integer.class, service)).isEqualTo(total);
    assertThat(jdbc.queryForObject("select coalesce(sum(active_tasks), 0) from agent where upn in (?,?,?,?)", Integer.class, agents.toArray())).isZero();
    assertThat(jdbc.queryForObject("select open_tasks from cumulus_service where upn = ?", Integer.class, service)).isZero();
  }
}
