package dev.cumulus.lifecycle;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** Each breach the sweeper knows, made by hand in the database, is found and repaired visibly. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:repairs-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false",
      "cumulus.distribution.repair-interval=PT1H",
      "cumulus.distribution.repair-grace=PT1S"
    })
class RepairsIT {

  @LocalServerPort int port;
  @Autowired Repairs repairs;
  @Autowired JdbcTemplate jdbc;
  Scenario scenario;
  Api flow;

  @BeforeEach
  void setUp() {
    scenario = new Scenario("http://127.0.0.1:" + port);
    flow = Api.flow("http://127.0.0.1:" + port);
  }

  @Test
  void anOfferLongPastItsDueTimeGoesBackToTheQueueAndToTheNextAgent() {
    String a = scenario.agent("a", 1);
    String b = scenario.agent("b", 1);
    String service = scenario.service("s", List.of(a, b), map("ronaTimeoutSeconds", 5));
    scenario.available(a);
    String id = flow.post("/v1/ExternalTasks", map("serviceUpn", service)).text("id");
    scenario.available(b);
    // the timers missed it (they are off in this test): its due time passed by more than the grace
    jdbc.update("update offer set offered_at = ?, due_at = ? where task_id = ?", OffsetDateTime.now().minusMinutes(10), OffsetDateTime.now().minusMinutes(9), id);

    assertThat(repairs.repairAll()).isEqualTo(1);

    JsonNode task = flow.get("/v1/ExternalTasks/" + id).body();
    assertThat(events(task)).containsExactly("Created", "Queued", "Offered", "Repaired", "Offered");
    assertThat(task.path("assignedUserUpn").asText()).isEqualTo(b);
    assertThat(scenario.admin().get("/v1/users/" + a).body().path("activeTasks").asInt()).isZero();
  }

  @Test
  void anAgentCountedBusyWithoutATaskIsRecountedAndOfferedWork() {
    String a = scenario.agent("a", 1);
    String service = scenario.service("s", List.of(a), map());
    scenario.available(a);
    jdbc.update("update agent set active_tasks = 1 where upn = ?", a);
    String id = flow.post("/v1/ExternalTasks", map("serviceUpn", service)).text("id");
    assertThat(flow.get("/v1/ExternalTasks/" + id).text("state")).isEqualTo("Queued");

    assertThat(repairs.repairAll()).isEqualTo(1);

    assertThat(flow.get("/v1/ExternalTasks/" + id).text("assignedUserUpn")).isEqualTo(a);
  }

  @Test
  void anOpenTaskWithoutARunningInstanceIsCancelledAndCountersFollow() {
    String service = scenario.service("s", List.of(), map());
    String id = flow.post("/v1/ExternalTasks", map("serviceUpn", service)).text("id");
    jdbc.update("update external_task set process_instance_id = 'gone', created_at = ? where id = ?", OffsetDateTime.now().minusMinutes(5), id);
    jdbc.update("update cumulus_service set open_tasks = 7 where upn = ?", service);

    assertThat(repairs.repairAll()).isEqualTo(2);

    JsonNode task = flow.get("/v1/ExternalTasks/" + id).body();
    assertThat(task.path("state").asText()).isEqualTo("Cancelled");
    assertThat(task.path("events").get(task.path("events").size() - 1).path("detail").path("reason").asText()).contains("no longer runs");
    assertThat(jdbc.queryForObject("select open_tasks from cumulus_service where upn = ?", Integer.class, service)).isZero();
    assertThat(repairs.repairAll()).as("nothing left to repair").isZero();
  }

  private static List<String> events(JsonNode task) {
    var names = new ArrayList<String>();
    task.path("events").forEach(e -> names.add(e.path("event").asText()));
    return names;
  }
}
