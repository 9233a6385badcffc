package dev.cumulus.lifecycle;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** An agent who declined a task gets it again only after the refusal cooldown, from the sweeper. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:cooldown-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false",
      "cumulus.distribution.refusal-cooldown=PT2S",
      "cumulus.distribution.sweep-interval=PT0.2S"
    })
class RefusalCooldownIT {

  @LocalServerPort int port;

  @Test
  void aDeclinedTaskReturnsToTheOnlyAgentAfterTheCooldown() {
    var scenario = new Scenario("http://127.0.0.1:" + port);
    var flow = Api.flow("http://127.0.0.1:" + port);
    String solo = scenario.agent("solo", 1);
    String service = scenario.service("support", List.of(solo), map());
    scenario.available(solo);
    String id = flow.post("/v1/ExternalTasks", map("serviceUpn", service)).text("id");

    scenario.as(solo).post("/v1/ExternalTasks/" + id + "/decline", null);
    long declinedAt = System.nanoTime();

    assertThat(flow.get("/v1/ExternalTasks/" + id).text("state")).isEqualTo("Queued");
    await().atMost(Duration.ofSeconds(10)).until(() -> "Offered".equals(flow.get("/v1/ExternalTasks/" + id).text("state")));
    assertThat(Duration.ofNanos(System.nanoTime() - declinedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(1800));
    assertThat(flow.get("/v1/ExternalTasks/" + id).text("assignedUserUpn")).isEqualTo(solo);
  }
}
