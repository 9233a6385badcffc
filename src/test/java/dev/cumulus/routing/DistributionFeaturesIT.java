package dev.cumulus.routing;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.ManagementService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Issue 3's settings through the REST API: each one changes who gets a task, and the trace says why. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:features-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false",
      "cumulus.distribution.sweep-interval=PT0.2S"
    })
class DistributionFeaturesIT {

  @LocalServerPort int port;
  @Autowired ManagementService management;
  @Autowired dev.cumulus.lifecycle.DistributionTimers timers;
  @Autowired org.springframework.jdbc.core.JdbcTemplate jdbc;
  Scenario scenario;
  Api flow;

  @BeforeEach
  void setUp() {
    scenario = new Scenario("http://127.0.0.1:" + port);
    flow = Api.flow("http://127.0.0.1:" + port);
  }

  @Test
  void broadcastOffersToSeveralAndTheFirstAcceptWinsTheOthersAreFreed() {
    String a = scenario.agent("a", 1);
    String b = scenario.agent("b", 1);
    String c = scenario.agent("c", 1);
    String service = scenario.service("bc", List.of(a, b, c), map("distributionType", "Broadcast", "broadcastSize", 2));
    scenario.available(a, b, c);
    String first = create(service);
    JsonNode offered = task(first);
    assertThat(offered.path("offeredTo").size()).isEqualTo(2);
    String winner = offered.path("offeredTo").get(1).asText();
    String loser = offered.path("offeredTo").get(0).asText();
    String second = create(service);
    assertThat(task(second).path("offeredTo").size()).as("only the third agent is free").isEqualTo(1);

    var accepted = scenario.as(winner).post("/v1/ExternalTasks/" + first + "/accept", null);

    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
    assertThat(accepted.text("assignedUserUpn")).isEqualTo(winner);
    assertThat(task(first).path("offeredTo").toString()).as("the other offer is withdrawn at once").doesNotContain(loser);
    assertThat(scenario.as(loser).post("/v1/ExternalTasks/" + first + "/accept", null).status()).isEqualTo(409);
    // freed, with nothing queued, the loser joins the second task's round, which ran with room for one more
    JsonNode joined = task(second);
    assertThat(joined.path("offeredTo").toString()).contains(loser);
    assertThat(joined.path("offeredTo").size()).isEqualTo(2);
    assertThat(agent(loser).path("activeTasks").asInt()).isEqualTo(1);
    assertThat(joined.path("events").toString()).contains("joinedBroadcast");
    var won = scenario.as(loser).post("/v1/ExternalTasks/" + second + "/accept", null);
    assertThat(won.status()).as(won.toString()).isEqualTo(200);
    assertThat(won.text("assignedUserUpn")).isEqualTo(loser);
  }

  @Test
  void aBroadcastRoundThatTimesOutIsBroadcastAgainWithoutRonaForAnybody() {
    String a = scenario.agent("a", 1);
    String b = scenario.agent("b", 1);
    String service = scenario.service("bc2", List.of(a, b), map("distributionType", "Broadcast", "persistentRona", true));
    scenario.available(a, b);
    String id = create(service);
    fireOfferTimeout(id);

    JsonNode again = task(id);
    assertThat(again.path("state").asText()).isEqualTo("Offered");
    assertThat(again.path("offeredTo").size()).isEqualTo(2);
    assertThat(events(again)).containsExactly("Created", "Queued", "Offered", "Rona", "Offered");
    assertThat(agent(a).path("duty").get(0).has("ronaUntil")).as("no RONA flag from a broadcast").isFalse();
  }

  @Test
  void pickupServicesOfferNothingAndAgentsPickFromTheQueue() {
    String a = scenario.agent("a", 1);
    String outsider = scenario.agent("o", 1);
    String service = scenario.service("pick", List.of(a), map("distributionType", "Pickup"));
    scenario.available(a, outsider);
    String id = create(service);
    assertThat(task(id).path("state").asText()).isEqualTo("Queued");

    assertThat(scenario.as(outsider).post("/v1/ExternalTasks/" + id + "/pickup", null).status()).isEqualTo(403);
    var picked = scenario.as(a).post("/v1/ExternalTasks/" + id + "/pickup", null);

    assertThat(picked.status()).as(picked.toString()).isEqualTo(200);
    assertThat(picked.text("state")).isEqualTo("Connected");
    assertThat(events(picked.body())).containsExactly("Created", "Queued", "Offered", "Accepted");
    assertThat(picked.body().path("events").get(2).path("detail").path("rule").asText()).isEqualTo("pickup");
  }

  @Test
  void persistentRonaBlocksTheAgentUntilResetOrOffline() {
    String a = scenario.agent("a", 1);
    String b = scenario.agent("b", 1);
    String service = scenario.service("pr", List.of(a, b), map("persistentRona", true, "ronaResetSeconds", 600));
    scenario.available(a);
    String first = create(service);
    scenario.as(a).post("/v1/ExternalTasks/" + first + "/decline", null);
    JsonNode flagged = agent(a);
    assertThat(flagged.path("duty").get(0).path("ronaUntil").isTextual()).isTrue();
    String second = create(service);
    assertThat(task(second).path("state").asText()).as("a is flagged, nobody else is available").isEqualTo("Queued");
    assertThat(routing(second).get(0).path("candidates").toString()).contains("ronaFlag");

    var reset = scenario.as(a).post("/v1/users/" + a + "/rona-reset", null);

    assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
    assertThat(task(second).path("assignedUserUpn").asText()).as("offered at once after the reset").isEqualTo(a);
    scenario.as(a).post("/v1/ExternalTasks/" + second + "/decline", null);
    assertThat(agent(a).path("duty").get(0).path("ronaUntil").isTextual()).isTrue();
    scenario.presence(a, "Offline");
    assertThat(agent(a).path("duty").get(0).has("ronaUntil")).as("Offline resets the flag").isFalse();
  }

  @Test
  void aMissedOfferSetsTheAgentAwayInEveryServiceUntilTheyComeBack() {
    String a = scenario.agent("a", 2);
    String service = scenario.service("miss", List.of(a), map());
    // a service that distributes to Away agents does not reach an agent who is Away for a missed offer
    String awayToo = scenario.service("away", List.of(a), map("distributeWhenAway", true));
    scenario.available(a);
    String missed = create(service);
    assertThat(task(missed).path("assignedUserUpn").asText()).isEqualTo(a);

    fireOfferTimeout(missed);

    JsonNode requeued = task(missed);
    assertThat(requeued.path("state").asText()).isEqualTo("Queued");
    JsonNode rona = requeued.path("events").get(3);
    assertThat(rona.path("event").asText()).isEqualTo("Rona");
    assertThat(rona.path("detail").path("presence").asText()).isEqualTo("Away");
    assertThat(rona.path("detail").path("presenceReason").asText()).isEqualTo("missedOffer");
    JsonNode away = agent(a);
    assertThat(away.path("presence").asText()).isEqualTo("Away");
    assertThat(away.path("presenceReason").asText()).isEqualTo("missedOffer");
    String next = create(awayToo);
    assertThat(task(next).path("state").asText()).as("nothing is offered to an agent who is not there").isEqualTo("Queued");
    assertThat(routing(next).get(0).path("candidates").toString()).contains("presence");

    scenario.presence(a, "Available");

    assertThat(agent(a).has("presenceReason")).as("setting a presence ends the reason").isFalse();
    assertThat(task(next).path("assignedUserUpn").asText()).as("back: offered at once").isEqualTo(a);
    assertThat(task(missed).path("state").asText()).as("the missed task stays refused for the cooldown").isEqualTo("Queued");
  }

  @Test
  void aServiceCanKeepAgentsAsTheyAreAfterAMissedOffer() {
    String a = scenario.agent("a", 1);
    String service = scenario.service("keep", List.of(a), map("awayOnMissedOffer", false));
    scenario.available(a);
    String missed = create(service);

    fireOfferTimeout(missed);

    assertThat(task(missed).path("events").get(3).path("detail").has("presenceReason")).isFalse();
    assertThat(agent(a).path("presence").asText()).isEqualTo("Available");
    assertThat(agent(a).has("presenceReason")).isFalse();
    String next = create(service);
    assertThat(task(next).path("assignedUserUpn").asText()).isEqualTo(a);
  }

  private void fireOfferTimeout(String taskId) {
    assertThat(timers.fireOfferTimeout(taskId, null)).as("an offer of " + taskId + " timed out").isTrue();
  }

  @Test
  void offDutyMembersGetNothingAndGoingOnDutyOffersAtOnce() {
    String a = scenario.agent("a", 1);
    String service = scenario.service("duty", List.of(a), map());
    scenario.available(a);
    assertThat(scenario.as(a).put("/v1/users/" + a + "/duty", map("serviceUpn", service, "onDuty", false)).status()).isEqualTo(200);
    String id = create(service);
    assertThat(task(id).path("state").asText()).isEqualTo("Queued");

    scenario.as(a).put("/v1/users/" + a + "/duty", map("serviceUpn", service, "onDuty", true));

    assertThat(task(id).path("assignedUserUpn").asText()).isEqualTo(a);
    assertThat(scenario.as(a).put("/v1/users/" + a + "/duty", map("serviceUpn", "nope@x", "onDuty", true)).status()).isEqualTo(400);
  }

  @Test
  void busyAgentsGetTasksOnlyWhereTheServiceOptsIn() {
    String a = scenario.agent("a", 1);
    String strict = scenario.service("no-busy", List.of(a), map());
    String relaxed = scenario.service("busy-ok", List.of(a), map("distributeWhenBusy", true));
    scenario.presence(a, "Busy");

    String notOffered = create(strict);
    String offered = create(relaxed);

    assertThat(task(notOffered).path("state").asText()).isEqualTo("Queued");
    assertThat(task(offered).path("assignedUserUpn").asText()).isEqualTo(a);
  }

  @Test
  void preferredUserWindowHoldsTheTaskThenOpensToEveryone() {
    String pat = scenario.agent("pat", 1);
    String ann = scenario.agent("ann", 1);
    String service = scenario.service("pw", List.of(pat, ann), map("preferredWaitSeconds", 2));
    scenario.presence(pat, "Away");
    scenario.available(ann);
    String id = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "preferredUsers", List.of(map("upn", pat)))).text("id");
    assertThat(task(id).path("state").asText()).as("pat is on duty but not available: the task waits for pat").isEqualTo("Queued");
    assertThat(routing(id).get(0).path("candidates").toString()).contains("notPreferredInWindow");

    await().atMost(Duration.ofSeconds(10)).until(() -> "Offered".equals(task(id).path("state").asText()));
    assertThat(task(id).path("assignedUserUpn").asText()).isEqualTo(ann);
  }

  @Test
  void noPreferredUserOnDutyWidensAtOnce() {
    String pat = scenario.agent("pat", 1);
    String ann = scenario.agent("ann", 1);
    String service = scenario.service("pw2", List.of(pat, ann), map("preferredWaitSeconds", 600));
    scenario.as(pat).put("/v1/users/" + pat + "/duty", map("serviceUpn", service, "onDuty", false));
    scenario.available(ann);

    String id = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "preferredUsers", List.of(map("upn", pat)))).text("id");

    assertThat(task(id).path("assignedUserUpn").asText()).isEqualTo(ann);
  }

  @Test
  void skillLevelsWidenWhileTheTaskWaitsAndTheTaskShowsItsLevel() {
    String expert = scenario.agent("expert", 1);
    String novice = scenario.agent("novice", 1);
    scenario.admin().put("/v1/users/" + expert, map("skills", List.of("de", "billing")));
    scenario.admin().put("/v1/users/" + novice, map("skills", List.of("de")));
    String service =
        scenario.service("skills", List.of(expert, novice), map("skillLevels", List.of(map("afterSeconds", 0, "skills", List.of("de", "billing")), map("afterSeconds", 2, "skills", List.of("de")))));
    scenario.available(novice);
    String id = create(service);
    assertThat(task(id).path("distributionLevel").asInt()).isEqualTo(1);

    await().atMost(Duration.ofSeconds(10)).until(() -> "Offered".equals(task(id).path("state").asText()));

    assertThat(task(id).path("assignedUserUpn").asText()).isEqualTo(novice);
    assertThat(routing(id).get(0).path("candidates").toString()).contains("skills");
  }

  @Test
  void agingLiftsAWaitingLowTaskAboveNewerNormalOnes() {
    String service = scenario.service("aging", List.of(), map("agingStepSeconds", 1));
    String low = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "distributionPriority", "Low")).text("id");

    await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(2500)).until(() -> true);
    String normal = create(service);

    await().atMost(Duration.ofSeconds(10)).until(() -> task(low).path("queuePosition").asInt() == 1);
    assertThat(task(normal).path("queuePosition").asInt()).isEqualTo(2);
    assertThat(task(low).path("distributionPriority").asText()).as("its own priority stays").isEqualTo("Low");
  }

  @Test
  void roundRobinAndLeastBusyPickDifferentAgentsThanLongestIdle() {
    String a = scenario.agent("a", 1);
    String b = scenario.agent("b", 1);
    String rr = scenario.service("rr", List.of(a, b), map("selectionPolicy", "RoundRobin", "acwSeconds", 0));
    scenario.available(a, b);
    var assigned = new ArrayList<String>();
    for (int i = 0; i < 4; i++) {
      String id = create(rr);
      String agent = task(id).path("assignedUserUpn").asText();
      assigned.add(agent);
      scenario.as(agent).post("/v1/ExternalTasks/" + id + "/accept", null);
      scenario.as(agent).post("/v1/ExternalTasks/" + id + "/complete", null);
    }
    assertThat(assigned.get(0)).isNotEqualTo(assigned.get(1));
    assertThat(assigned.get(2)).isEqualTo(assigned.get(0));
    assertThat(routing(flow.get("/v1/ExternalTasks?serviceUpn=" + rr).body().path("items").get(0).path("id").asText()).get(0).path("rule").asText())
        .isEqualTo("roundRobin");
    assertThat(agent(a).path("handledToday").asInt()).isEqualTo(2);
  }

  @Test
  void routingPreviewSaysWhoWouldGetATaskAndWritesNothing() {
    String a = scenario.agent("a", 1);
    String b = scenario.agent("b", 1);
    String service = scenario.service("preview", List.of(a, b), map());
    scenario.available(a);

    var preview = flow.post("/v1/services/" + service + "/routing-preview", map("serviceUpn", service, "preferredUsers", List.of(map("upn", b))));

    assertThat(preview.status()).as(preview.toString()).isEqualTo(200);
    assertThat(preview.body().path("chosen").get(0).asText()).isEqualTo(a);
    assertThat(preview.body().path("candidates").toString()).contains("\"verdict\":\"presence\"");
    assertThat(flow.get("/v1/ExternalTasks?serviceUpn=" + service).body().path("totalItems").asInt()).isZero();
  }

  @Test
  void afterWorkEarlyEndAndExtensionFollowTheServiceSettings() {
    String a = scenario.agent("a", 1);
    String strict = scenario.service("acw-strict", List.of(a), map("acwSeconds", 30, "acwAllowEarlyEnd", false));
    String flexible = scenario.service("acw-flex", List.of(a), map("acwSeconds", 30, "acwAllowExtension", true, "acwMaxExtensionSeconds", 120));
    scenario.available(a);
    String t1 = create(strict);
    scenario.as(a).post("/v1/ExternalTasks/" + t1 + "/accept", null);
    scenario.as(a).post("/v1/ExternalTasks/" + t1 + "/complete", null);
    assertThat(scenario.as(a).post("/v1/ExternalTasks/" + t1 + "/complete", null).status()).as("no early end").isEqualTo(409);
    assertThat(scenario.as(a).post("/v1/ExternalTasks/" + t1 + "/after-work/extend", null).status()).as("no extension").isEqualTo(409);
    assertThat(timers.fireAfterWorkEnd(t1)).isTrue();

    String t2 = create(flexible);
    scenario.as(a).post("/v1/ExternalTasks/" + t2 + "/accept", null);
    scenario.as(a).post("/v1/ExternalTasks/" + t2 + "/complete", null);
    var extended = scenario.as(a).post("/v1/ExternalTasks/" + t2 + "/after-work/extend", map("seconds", 90));

    assertThat(extended.status()).as(extended.toString()).isEqualTo(200);
    var due = jdbc.queryForObject("select due_at from after_work where task_id = ?", java.time.OffsetDateTime.class, t2);
    assertThat(due.toInstant()).isAfter(java.time.Instant.now().plusSeconds(80));
    assertThat(scenario.as(a).post("/v1/ExternalTasks/" + t2 + "/after-work/extend", null).status()).as("once").isEqualTo(409);
    assertThat(events(extended.body())).endsWith("AfterWorkStarted", "AfterWorkExtended");
  }

  /**
   * The estimate needs a completed task (how long agents hold one) and somebody on duty to take it.
   * Before issue 14 one accepted offer was enough, and the estimate was the position times 15 minutes
   * divided by the offers: an accept alone tells nothing about how long a task holds an agent.
   */
  @Test
  void queuedTasksShowAnEstimatedWaitOnceTheServiceServedSomebody() {
    String a = scenario.agent("a", 1);
    String service = scenario.service("ewt", List.of(a), map("acwSeconds", 0));
    String waiting = create(service);
    assertThat(task(waiting).has("estimatedWaitSeconds")).as("no history yet, nobody on duty").isFalse();
    scenario.available(a);
    scenario.as(a).post("/v1/ExternalTasks/" + waiting + "/accept", null);
    String accepted = create(service);
    assertThat(task(accepted).has("estimatedWaitSeconds")).as("accepted, none completed yet").isFalse();
    scenario.as(a).post("/v1/ExternalTasks/" + waiting + "/complete", null);
    assertThat(task(accepted).path("state").asText()).as("offered to a, who freed up").isEqualTo("Offered");
    String queued = create(service);
    String second = create(service);

    assertThat(task(second).path("queuePosition").asInt()).isEqualTo(2);
    long secondWait = task(second).path("estimatedWaitSeconds").asLong();
    assertThat(secondWait).isPositive();
    assertThat(task(queued).path("estimatedWaitSeconds").asLong()).isPositive().isLessThanOrEqualTo(secondWait);
    scenario.presence(a, "Offline");
    // each node keeps a service's outlook for up to 1.5 s
    await("nobody could take it now").atMost(Duration.ofSeconds(5)).until(() -> !task(second).has("estimatedWaitSeconds"));
  }

  private String create(String service) {
    var r = flow.post("/v1/ExternalTasks", map("serviceUpn", service));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.text("id");
  }

  private JsonNode task(String id) {
    return flow.get("/v1/ExternalTasks/" + id).body();
  }

  private JsonNode routing(String id) {
    var r = flow.get("/v1/ExternalTasks/" + id + "/routing");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.body();
  }

  private JsonNode agent(String upn) {
    return scenario.admin().get("/v1/users/" + upn).body();
  }

  private static List<String> events(JsonNode task) {
    var names = new ArrayList<String>();
    task.path("events").forEach(e -> names.add(e.path("event").asText()));
    return names;
  }
}
