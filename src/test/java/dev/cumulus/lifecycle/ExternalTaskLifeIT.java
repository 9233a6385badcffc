package dev.cumulus.lifecycle;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import dev.cumulus.support.TaskProbe;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A task's whole life through the REST API alone. The job executor is off: timers (offer timeout,
 * after-work, expiry) are fired by the test, so nothing here waits on the clock.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:life-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      // its webhook receivers listen on loopback: allowed by name, as docs/api.md ("Webhooks") says to
      "cumulus.webhooks.allowed-hosts=127.0.0.1",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false"
    })
class ExternalTaskLifeIT {

  @LocalServerPort int port;
  @Autowired ManagementService management;
  @Autowired dev.cumulus.lifecycle.DistributionTimers timers;
  @Autowired org.springframework.jdbc.core.JdbcTemplate jdbc;

  Scenario scenario;
  Api flow;
  TaskProbe probe;

  @BeforeEach
  void setUp() {
    scenario = new Scenario("http://127.0.0.1:" + port);
    flow = Api.flow("http://127.0.0.1:" + port);
    probe = new TaskProbe(flow, management, timers, jdbc);
  }

  @Test
  void preferredUserGetsTheOfferAndTheTaskEndsCompletedWithEveryEventInOrder() {
    // given
    String alice = scenario.agent("alice", 1);
    String bob = scenario.agent("bob", 1);
    String service = scenario.service("support", List.of(alice, bob), map("acwSeconds", 15));
    scenario.available(alice, bob);

    // when
    var created =
        flow.post("/v1/ExternalTasks", map("serviceUpn", service, "customerIdentifier", "C-7", "preferredUsers", List.of(map("upn", bob, "priority", 1))));

    // then
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    String id = created.text("id");
    assertThat(created.header("Location")).isEqualTo("/v1/ExternalTasks/" + id);
    assertThat(created.body().has("state")).as("only the connector's fields").isFalse();
    assertThat(task(id).path("state").asText()).isEqualTo("Offered");
    assertThat(task(id).path("assignedUserUpn").asText()).isEqualTo(bob);

    assertThat(scenario.as(bob).post("/v1/ExternalTasks/" + id + "/accept", null).text("state")).isEqualTo("Connected");
    assertThat(scenario.as(bob).post("/v1/ExternalTasks/" + id + "/complete", null).text("state")).isEqualTo("AfterWork");
    assertThat(agent(bob).path("activeTasks").asInt()).isEqualTo(1);

    fireTimer(id, TaskProbe.AFTER_WORK_DUE);

    JsonNode done = task(id);
    assertThat(done.path("state").asText()).isEqualTo("Completed");
    assertThat(done.path("outcome").asText()).isEqualTo("Handled");
    assertThat(done.path("lastConnectedUserUpn").asText()).isEqualTo(bob);
    assertThat(events(done)).containsExactly("Created", "Queued", "Offered", "Accepted", "AfterWorkStarted", "Completed");
    assertThat(done.path("events").get(2).path("detail").path("rule").asText()).isEqualTo("preferredUser");
    assertThat(done.path("events").get(0).path("actor").asText()).startsWith("flow:");
    assertThat(done.path("events").get(3).path("actor").asText()).isEqualTo(bob);
    assertThat(agent(bob).path("activeTasks").asInt()).isZero();
  }

  @Test
  void aWebhookReceiverGetsEveryEventOfTheLifeInOrder() throws Exception {
    var received = new java.util.concurrent.CopyOnWriteArrayList<JsonNode>();
    var receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      received.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(exchange.getRequestBody()));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
    try {
      String bob = scenario.agent("bob", 1);
      String service = scenario.service("hooked", List.of(bob), map("acwSeconds", 5));
      scenario.available(bob);
      var all = java.util.Arrays.stream(dev.cumulus.externaltask.TaskEventType.values()).map(Enum::name).toList();
      var trigger =
          flow.post("/v1/triggers/tasks", map("config", map("services", List.of(service), "taskEvents", all, "url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")));
      assertThat(trigger.status()).as(trigger.toString()).isEqualTo(201);

      String id = create(map("serviceUpn", service, "preferredUsers", List.of(map("upn", bob))));
      scenario.as(bob).post("/v1/ExternalTasks/" + id + "/accept", null);
      scenario.as(bob).post("/v1/ExternalTasks/" + id + "/complete", null);
      fireTimer(id, TaskProbe.AFTER_WORK_DUE);

      var expected = List.of("Created", "Queued", "Offered", "Accepted", "AfterWorkStarted", "Completed");
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> received.size() >= expected.size());
      assertThat(received).extracting(e -> e.path("event").asText()).containsExactlyElementsOf(expected);
      assertThat(received).allSatisfy(e -> assertThat(e.path("taskId").asText()).isEqualTo(id));
      assertThat(received.get(received.size() - 1).path("LastConnectedUserUPN").asText()).isEqualTo(bob);
      assertThat(received.get(received.size() - 1).path("terminated").asText()).isNotBlank();
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void declinedOfferGoesToTheNextAgent() {
    String alice = scenario.agent("alice", 1);
    String bob = scenario.agent("bob", 1);
    String service = scenario.service("support", List.of(alice, bob), map());
    scenario.available(alice, bob);
    String id = create(map("serviceUpn", service, "preferredUsers", List.of(map("upn", alice))));
    assertThat(task(id).path("assignedUserUpn").asText()).isEqualTo(alice);

    var declined = scenario.as(alice).post("/v1/ExternalTasks/" + id + "/decline", null);

    assertThat(declined.status()).isEqualTo(200);
    JsonNode task = task(id);
    assertThat(task.path("state").asText()).isEqualTo("Offered");
    assertThat(task.path("assignedUserUpn").asText()).isEqualTo(bob);
    assertThat(events(task)).containsExactly("Created", "Queued", "Offered", "Declined", "Offered");
    assertThat(agent(alice).path("activeTasks").asInt()).isZero();
  }

  @Test
  void unansweredOfferGoesBackToTheQueueWithRonaAndToTheNextAgent() {
    String alice = scenario.agent("alice", 1);
    String bob = scenario.agent("bob", 1);
    String service = scenario.service("support", List.of(alice, bob), map("ronaTimeoutSeconds", 5));
    scenario.available(alice);
    String id = create(map("serviceUpn", service));
    assertThat(task(id).path("assignedUserUpn").asText()).isEqualTo(alice);
    assertThat(probe.offerDueAt(id)).isBetween(Instant.now().plusSeconds(3), Instant.now().plusSeconds(6));

    probe.fireTimer(id, TaskProbe.OFFER_DUE);

    JsonNode task = task(id);
    assertThat(task.path("state").asText()).isEqualTo("Queued");
    assertThat(task.path("queuePosition").asInt()).isEqualTo(1);
    assertThat(events(task)).containsExactly("Created", "Queued", "Offered", "Rona");
    assertThat(agent(alice).path("activeTasks").asInt()).isZero();

    scenario.available(bob);
    assertThat(task(id).path("assignedUserUpn").asText()).isEqualTo(bob);
  }

  @Test
  void lifetimeEndExpiresAWaitingTaskAndProlongingMovesIt() {
    String service = scenario.service("support", List.of(), map());
    Instant expiresAt = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    String id = create(map("serviceUpn", service, "expiresAt", expiresAt.toString()));
    assertThat(probe.job(id, "BoundaryEvent_Expired").getDuedate().toInstant()).isEqualTo(expiresAt);

    Instant later = expiresAt.plus(1, ChronoUnit.DAYS);
    var patched = flow.patch("/v1/ExternalTasks/" + id, map("expiresAt", later.toString()));
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    assertThat(Instant.parse(patched.text("expiresAt"))).isEqualTo(later);
    assertThat(probe.job(id, "BoundaryEvent_Expired").getDuedate().toInstant()).isEqualTo(later);

    fireTimer(id, "BoundaryEvent_Expired");

    JsonNode task = task(id);
    assertThat(task.path("state").asText()).isEqualTo("Expired");
    assertThat(task.path("outcome").asText()).isEqualTo("Expired");
    assertThat(task.has("queuePosition")).isFalse();
    assertThat(events(task)).containsExactly("Created", "Queued", "Updated", "Expired");
  }

  @Test
  void transferMovesTheTaskIntoTheOtherQueueKeepingItsAge() {
    String carol = scenario.agent("carol", 1);
    String support = scenario.service("support", List.of(), map());
    String sales = scenario.service("sales", List.of(carol), map());
    String older = create(map("serviceUpn", sales));
    String id = create(map("serviceUpn", support));
    JsonNode before = task(id);

    var moved = flow.post("/v1/ExternalTasks/" + id + "/transfer", map("serviceUpn", sales));

    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
    assertThat(moved.text("serviceUpn")).isEqualTo(sales);
    assertThat(moved.text("enqueuedAt")).isEqualTo(before.path("enqueuedAt").asText());
    assertThat(task(id).path("queuePosition").asInt()).isEqualTo(2);
    assertThat(task(older).path("queuePosition").asInt()).isEqualTo(1);
    assertThat(events(task(id))).containsExactly("Created", "Queued", "Transferred");

    scenario.available(carol);
    assertThat(task(older).path("state").asText()).isEqualTo("Offered");
    assertThat(task(id).path("queuePosition").asInt()).isEqualTo(1);
  }

  @Test
  void queueServesStrictThenHighThenNormalThenLowAndOldestFirst() {
    String dave = scenario.agent("dave", 1);
    String service = scenario.service("orders", List.of(dave), map("acwSeconds", 0));
    String low = create(map("serviceUpn", service, "distributionPriority", "Low"));
    String normal1 = create(map("serviceUpn", service));
    String high = create(map("serviceUpn", service, "distributionPriority", "High"));
    String normal2 = create(map("serviceUpn", service, "distributionPriority", "Normal"));
    String strict = create(map("serviceUpn", service, "distributionPriority", "Strict"));
    assertThat(List.of(strict, high, normal1, normal2, low))
        .extracting(t -> task(t).path("queuePosition").asInt())
        .containsExactly(1, 2, 3, 4, 5);

    scenario.available(dave);
    var served = new ArrayList<String>();
    for (int i = 0; i < 5; i++) {
      String offered = scenario.as(dave).get("/v1/users/" + dave + "/sessions").body().get(0).path("id").asText();
      served.add(offered);
      scenario.as(dave).post("/v1/ExternalTasks/" + offered + "/accept", null);
      scenario.as(dave).post("/v1/ExternalTasks/" + offered + "/complete", null);
    }
    assertThat(served).containsExactly(strict, high, normal1, normal2, low);
  }

  @Test
  void removeCancelsTheTaskFreesTheAgentAndOffersTheNextTask() {
    String erin = scenario.agent("erin", 1);
    String service = scenario.service("support", List.of(erin), map());
    scenario.available(erin);
    String first = create(map("serviceUpn", service));
    String second = create(map("serviceUpn", service));
    assertThat(task(first).path("state").asText()).isEqualTo("Offered");

    var removed = flow.delete("/v1/ExternalTasks/" + first);

    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.body()).isNull();
    assertThat(task(first).path("state").asText()).isEqualTo("Cancelled");
    assertThat(task(first).path("outcome").asText()).isEqualTo("Cancelled");
    assertThat(task(second).path("assignedUserUpn").asText()).isEqualTo(erin);
    assertThat(flow.delete("/v1/ExternalTasks/" + first).status()).as("removing again").isEqualTo(200);
    assertThat(processInstanceEnded(task(first).path("processInstanceId").asText())).isTrue();
  }

  @Test
  void cancellingWhileAnAgentIsConnectedIsAbandoned() {
    String fay = scenario.agent("fay", 1);
    String service = scenario.service("support", List.of(fay), map());
    scenario.available(fay);
    String id = create(map("serviceUpn", service));
    scenario.as(fay).post("/v1/ExternalTasks/" + id + "/accept", null);

    var aborted = scenario.admin().post("/v1/ExternalTasks/" + id + "/cancel", map("reason", "customer called in"));

    assertThat(aborted.status()).as(aborted.toString()).isEqualTo(200);
    assertThat(aborted.text("outcome")).isEqualTo("Abandoned");
    JsonNode cancelled = aborted.body().path("events").get(aborted.body().path("events").size() - 1);
    assertThat(cancelled.path("actor").asText()).isEqualTo("admin");
    assertThat(cancelled.path("detail").path("reason").asText()).isEqualTo("customer called in");
    assertThat(agent(fay).path("activeTasks").asInt()).isZero();
    assertThat(flow.post("/v1/ExternalTasks/" + id + "/transfer", map("serviceUpn", service)).status()).isEqualTo(409);
  }

  @Test
  void endingTheInstanceFromCockpitCancelsTheTaskAndFreesTheAgent() {
    String gus = scenario.agent("gus", 1);
    String service = scenario.service("support", List.of(gus), map());
    scenario.available(gus);
    String id = create(map("serviceUpn", service));
    String waiting = create(map("serviceUpn", service));
    String instance = task(id).path("processInstanceId").asText();

    // Cockpit's "cancel process instance" (with its "skip custom listeners" option on)
    var deleted = scenario.admin().delete("/engine-rest/process-instance/" + instance + "?skipCustomListeners=true");

    assertThat(deleted.status()).isEqualTo(204);
    JsonNode task = task(id);
    assertThat(task.path("state").asText()).isEqualTo("Cancelled");
    assertThat(events(task)).endsWith("Cancelled");
    assertThat(task.path("events").get(task.path("events").size() - 1).path("actor").asText()).isEqualTo("admin");
    assertThat(task(waiting).path("assignedUserUpn").asText()).as("the freed agent gets the next task").isEqualTo(gus);
  }

  @Test
  void sameIdempotencyKeyAndBodyCreatesOneTaskAndAnotherBodyIs422() {
    String service = scenario.service("support", List.of(), map());
    Api keyed = flow.with("Idempotency-Key", "order-4711-" + service);
    var first = keyed.post("/v1/ExternalTasks", map("serviceUpn", service, "customerIdentifier", "4711"));
    var again = keyed.post("/v1/ExternalTasks", map("serviceUpn", service, "customerIdentifier", "4711"));
    var other = keyed.post("/v1/ExternalTasks", map("serviceUpn", service, "customerIdentifier", "4712"));

    assertThat(first.status()).isEqualTo(200);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.text("id")).isEqualTo(first.text("id"));
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.contentType()).startsWith("application/problem+json");
    assertThat(flow.get("/v1/ExternalTasks?serviceUpn=" + service).body().path("totalItems").asInt()).isEqualTo(1);
  }

  @Test
  void pastTheServiceLimitAddExternalTaskIs429AndCreatesNothing() {
    String service = scenario.service("bulk", List.of(), map("maxConcurrentTasks", 2));
    create(map("serviceUpn", service));
    create(map("serviceUpn", service));

    var refused = flow.post("/v1/ExternalTasks", map("serviceUpn", service));

    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isNotBlank();
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(flow.get("/v1/ExternalTasks?serviceUpn=" + service).body().path("totalItems").asInt()).isEqualTo(2);
  }

  @Test
  void updateTaskMergesContextParametersAndRecordsEachChange() {
    String service = scenario.service("support", List.of(), map());
    String id = create(map("serviceUpn", service, "customContextParameters", List.of(map("name", "orderId", "value", "1"), map("name", "lang", "value", "de"))));

    var updated =
        flow.put("/v1/tasks/" + id, map("customContextParameters", List.of(map("name", "orderId", "value", "2"), map("name", "vip", "value", "yes")), "customer", map("firstName", "Ada", "UPN", "ada@example.com")));

    assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
    assertThat(updated.body()).isNull();
    JsonNode task = task(id);
    assertThat(task.path("customContextParameters").toString()).isEqualTo("[{\"name\":\"orderId\",\"value\":\"2\"},{\"name\":\"lang\",\"value\":\"de\"},{\"name\":\"vip\",\"value\":\"yes\"}]");
    assertThat(task.path("customer").path("UPN").asText()).isEqualTo("ada@example.com");
    assertThat(events(task)).containsExactly("Created", "Queued", "Updated", "Updated", "Updated");
    assertThat(task.path("events").get(2).path("detail")).isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(Map.of("parameterName", "orderId", "parameterValue", "2")));
  }

  @Test
  void priorityChangeReordersTheQueue() {
    String service = scenario.service("support", List.of(), map());
    String first = create(map("serviceUpn", service));
    String second = create(map("serviceUpn", service));

    var patched = flow.patch("/v1/ExternalTasks/" + second, map("distributionPriority", "High"));

    assertThat(patched.status()).isEqualTo(200);
    assertThat(task(second).path("queuePosition").asInt()).isEqualTo(1);
    assertThat(task(first).path("queuePosition").asInt()).isEqualTo(2);
    assertThat(events(task(second))).containsExactly("Created", "Queued", "PriorityChanged");
    assertThat(flow.patch("/v1/ExternalTasks/" + second, map("title", "x")).status()).isEqualTo(400);
  }

  @Test
  void agentsActOnlyOnTheirOwnOffersAndOnlyInTheRightState() {
    String hal = scenario.agent("hal", 1);
    String ivy = scenario.agent("ivy", 1);
    String service = scenario.service("support", List.of(hal, ivy), map());
    scenario.available(hal);
    String id = create(map("serviceUpn", service));

    assertThat(scenario.as(ivy).post("/v1/ExternalTasks/" + id + "/accept", null).status()).isEqualTo(403);
    assertThat(scenario.as(ivy).get("/v1/ExternalTasks/" + id).status()).isEqualTo(403);
    assertThat(scenario.as(hal).get("/v1/ExternalTasks/" + id).status()).isEqualTo(200);
    assertThat(scenario.as(hal).post("/v1/ExternalTasks/" + id + "/complete", null).status()).isEqualTo(409);
    assertThat(scenario.as(ivy).put("/v1/users/" + hal + "/state", map("presence", "Offline")).status()).isEqualTo(403);
    assertThat(scenario.as(hal).post("/v1/ExternalTasks", map("serviceUpn", service)).status()).isEqualTo(403);
    var accepted = scenario.as(hal).post("/v1/ExternalTasks/" + id + "/accept", null);
    assertThat(accepted.status()).isEqualTo(200);
    var twice = scenario.as(hal).post("/v1/ExternalTasks/" + id + "/accept", null);
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.contentType()).startsWith("application/problem+json");
  }

  private String create(Map<String, Object> body) {
    var r = flow.post("/v1/ExternalTasks", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.text("id");
  }

  private JsonNode task(String id) {
    return probe.task(id);
  }

  private JsonNode agent(String upn) {
    return scenario.admin().get("/v1/users/" + upn).body();
  }

  private static List<String> events(JsonNode task) {
    return TaskProbe.events(task);
  }


  private void fireTimer(String taskId, String activityId) {
    probe.fireTimer(taskId, activityId);
  }

  private boolean processInstanceEnded(String instance) {
    return management.createJobQuery().processInstanceId(instance).count() == 0
        && scenario.admin().get("/engine-rest/process-instance/" + instance).status() == 404;
  }
}
