package dev.cumulus.console;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.support.Api;
import dev.cumulus.support.PostgresServer;
import dev.cumulus.support.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The pages' read model, KPIs and live stream on a real PostgreSQL server (their SQL runs on both). */
@ActiveProfiles("postgres")
// each class has a database of its own: a cached context would only hold its connections
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"cumulus.demo.enabled=false", "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false"})
class ConsolePagesPostgresIT {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    PostgresServer.useFreshDatabase(registry);
  }

  @LocalServerPort int port;

  @Test
  void agentAndSupervisorPagesWorkOnPostgresql() throws Exception {
    // given
    String base = "http://127.0.0.1:" + port;
    var scenario = new Scenario(base);
    var flow = Api.flow(base);
    String agent = scenario.agent("pia", 1);
    String service = scenario.service("pg", List.of(agent), map("ronaTimeoutSeconds", 300, "acwSeconds", 0));
    var agentPage = new PageSession(base);
    assertThat(agentPage.login(agent, Scenario.PASSWORD).location()).endsWith("/ui/");
    var supervisorPage = new PageSession(base);
    assertThat(supervisorPage.login(scenario.supervisor("pat", service), Scenario.PASSWORD).location()).endsWith("/ui/");
    BlockingQueue<JsonNode> states = PageSession.queue();

    try (var stream = agentPage.stream("/ui/api/agent/stream", states)) {
      assertThat(states.poll(5, TimeUnit.SECONDS)).isNotNull();

      // when: a task is offered (pushed to the stream), declined, offered again later, accepted and completed
      agentPage.put("/ui/api/agent/presence", map("presence", "Available"));
      String declined = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "title", "declined")).text("id");
      assertThat(awaitOffer(states, declined)).as("the offer is pushed from PostgreSQL's task_event").isTrue();
      assertThat(agentPage.post("/ui/api/agent/tasks/" + declined + "/decline", null).status()).isEqualTo(200);
      String handled = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "title", "handled")).text("id");
      assertThat(awaitOffer(states, handled)).isTrue();
      assertThat(agentPage.post("/ui/api/agent/tasks/" + handled + "/accept", null).status()).isEqualTo(200);
      JsonNode after = agentPage.post("/ui/api/agent/tasks/" + handled + "/complete", null).body();

      // then
      var results = new ArrayList<String>();
      after.path("today").forEach(r -> results.add(r.path("taskId").asText() + ":" + r.path("result").asText()));
      assertThat(results).containsExactlyInAnyOrder(handled + ":Handled", declined + ":Declined");
      JsonNode board = supervisorPage.get("/ui/api/supervisor/state").body().path("services").get(0);
      assertThat(board.path("kpis").path("handledToday").asInt()).isEqualTo(1);
      assertThat(board.path("kpis").path("offeredToday").asInt()).isEqualTo(2);
      assertThat(board.path("kpis").path("acceptedToday").asInt()).isEqualTo(1);
      assertThat(board.path("kpis").path("waitingNow").asInt()).isEqualTo(1);
      assertThat(board.path("tasks").get(0).path("id").asText()).isEqualTo(declined);
      assertThat(supervisorPage.post("/ui/api/supervisor/tasks/" + declined + "/abort", map("reason", "pg")).status()).isEqualTo(200);
      assertThat(flow.get("/v1/ExternalTasks/" + declined).text("state")).isEqualTo("Cancelled");
    }
  }

  private static boolean awaitOffer(BlockingQueue<JsonNode> states, String taskId) throws InterruptedException {
    // far above the 300 ms poll interval: the bound only guards against a hang on a busy machine
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < until) {
      JsonNode state = states.poll(200, TimeUnit.MILLISECONDS);
      if (state != null) {
        for (JsonNode offer : state.path("offers")) {
          if (offer.path("id").asText().equals(taskId)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
