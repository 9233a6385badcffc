package dev.cumulus.lifecycle;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import dev.cumulus.support.TaskProbe;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Distribution's own timers as they run in production: polled every 100 ms here (half a second by
 * default), acting on due rows of Cumulus's tables without the engine. The due times are moved by
 * hand so that nothing waits for a real offer timeout.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:distribution-timers-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "cumulus.distribution.timer-interval=PT0.1S",
      "cumulus.distribution.repair-interval=PT1H"
    })
class DistributionTimersIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired TransactionTemplate transaction;
  @Autowired RuntimeService runtime;
  Scenario scenario;
  Api flow;

  @BeforeEach
  void setUp() {
    scenario = new Scenario("http://127.0.0.1:" + port);
    flow = Api.flow("http://127.0.0.1:" + port);
  }

  @Test
  void aDueOfferTimesOutOnItsOwnAndTheTaskGoesToTheNextAgent() {
    String a = scenario.agent("a", 1);
    String b = scenario.agent("b", 1);
    String service = scenario.service("s", List.of(a, b), map("ronaTimeoutSeconds", 60));
    scenario.available(a);
    String id = flow.post("/v1/ExternalTasks", map("serviceUpn", service)).text("id");
    scenario.available(b);
    assertThat(task(id).path("assignedUserUpn").asText()).isEqualTo(a);

    // when its due time passes
    jdbc.update("update offer set due_at = ? where task_id = ?", OffsetDateTime.now().minusSeconds(1), id);

    // then a node acts on it within a poll: RONA, a is set Away, b gets the task
    await().atMost(Duration.ofSeconds(10)).until(() -> b.equals(task(id).path("assignedUserUpn").asText()));
    assertThat(TaskProbe.events(task(id))).containsExactly("Created", "Queued", "Offered", "Rona", "Offered");
    assertThat(scenario.admin().get("/v1/users/" + a).body().path("presence").asText()).isEqualTo("Away");
  }

  @Test
  void afterWorkEndsOnItsOwnAndTheWorkflowGoesOnToItsEnd() {
    String a = scenario.agent("a", 1);
    String service = scenario.service("s", List.of(a), map("acwSeconds", 600));
    scenario.available(a);
    String id = flow.post("/v1/ExternalTasks", map("serviceUpn", service)).text("id");
    scenario.as(a).post("/v1/ExternalTasks/" + id + "/accept", null);
    assertThat(scenario.as(a).post("/v1/ExternalTasks/" + id + "/complete", null).text("state")).isEqualTo("AfterWork");
    String instance = task(id).path("processInstanceId").asText();
    assertThat(runtime.getActiveActivityIds(instance)).containsExactly("Task_WithAgents");

    jdbc.update("update after_work set due_at = ? where task_id = ?", OffsetDateTime.now().minusSeconds(1), id);

    await().atMost(Duration.ofSeconds(10)).until(() -> "Completed".equals(task(id).path("state").asText()));
    assertThat(runtime.createProcessInstanceQuery().processInstanceId(instance).count()).as("the instance ended").isZero();
    assertThat(jdbc.queryForObject("select count(*) from after_work where task_id = ?", Integer.class, id)).isZero();
  }

  @Test
  void aTaskThatIsChangingIsLeftForTheNextRoundWhileOtherDueTasksGoOn() throws Exception {
    String a = scenario.agent("a", 1);
    String c = scenario.agent("c", 1);
    String service = scenario.service("s", List.of(a, c), map("ronaTimeoutSeconds", 60));
    scenario.available(a);
    String held = flow.post("/v1/ExternalTasks", map("serviceUpn", service)).text("id");
    scenario.available(c);
    String other = flow.post("/v1/ExternalTasks", map("serviceUpn", service)).text("id");
    assertThat(task(held).path("assignedUserUpn").asText()).isEqualTo(a);
    assertThat(task(other).path("assignedUserUpn").asText()).isEqualTo(c);

    // given another transaction holds the first task's row (an agent's answer being written, say)
    var locked = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    var holder = new Thread(() -> transaction.executeWithoutResult(status -> {
      jdbc.queryForList("select id from external_task where id = ? for update", held);
      locked.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    holder.start();
    assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();

    // when both offers are due, the held one first
    jdbc.update("update offer set due_at = ? where task_id = ?", OffsetDateTime.now().minusSeconds(2), held);
    jdbc.update("update offer set due_at = ? where task_id = ?", OffsetDateTime.now().minusSeconds(1), other);

    // then the other times out at once: the timers skip the held row rather than wait for its lock (10 s)
    await().atMost(Duration.ofSeconds(5)).until(() -> "Queued".equals(task(other).path("state").asText()));
    assertThat(jdbc.queryForObject("select state from external_task where id = ?", String.class, held)).isEqualTo("Offered");

    // and the held one times out once its row is free
    release.countDown();
    holder.join(10_000);
    await().atMost(Duration.ofSeconds(10)).until(() -> "Queued".equals(task(held).path("state").asText()));
    assertThat(TaskProbe.events(task(held))).endsWith("Rona");
  }

  private JsonNode task(String id) {
    return flow.get("/v1/ExternalTasks/" + id).body();
  }
}
