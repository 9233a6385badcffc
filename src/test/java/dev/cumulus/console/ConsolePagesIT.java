package dev.cumulus.console;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.ManagementService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The pages' own API over HTTP, as a browser uses it (form login, session cookie, CSRF header, SSE):
 * who sees what, the problem answers for bad input, and live updates fed from the database.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:console-pages-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false"
    })
class ConsolePagesIT {

  /** How long a pushed state may take: far above the 300 ms poll interval, so a slow machine does not fail the test. */
  private static final long LIVE_SECONDS = 15;

  private static final String PROBLEM = "application/problem+json";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired ManagementService management;
  @Autowired dev.cumulus.lifecycle.DistributionTimers timers;

  String base;
  Scenario scenario;
  Api flow;

  @BeforeEach
  void setUp() {
    base = "http://127.0.0.1:" + port;
    scenario = new Scenario(base);
    flow = Api.flow(base);
  }

  @Test
  void withoutLoginThePageApiAnswers401ProblemAndThePagesLeadToTheLoginForm() {
    var anonymous = new PageSession(base);

    var state = anonymous.get("/ui/api/agent/state");
    assertThat(state.status()).isEqualTo(401);
    assertThat(state.contentType()).startsWith(PROBLEM);
    assertThat(state.wwwAuthenticate()).as("no Basic dialog in the browser").isNull();

    var page = anonymous.get("/ui/agent.html");
    assertThat(page.status()).isEqualTo(302);
    assertThat(page.location()).endsWith("/ui/login.html");
    assertThat(anonymous.get("/ui/login.html").status()).isEqualTo(200);
    assertThat(anonymous.get("/").location()).endsWith("/ui/");
  }

  @Test
  void theLoginFormChecksThePasswordAgainstTheIdentityUsersAndTheApiStaysOnBasic() {
    String agent = scenario.agent("lin", 1);
    // another user: the identity service delays a user's next login after a wrong password
    String other = scenario.agent("lou", 1);

    // a wrong password locks the account for 3 s (the engine's policy); the page says so and for how long
    assertThat(new PageSession(base).login(other, "wrong-password").location()).endsWith("/ui/login.html?locked=3&error");
    assertThat(new PageSession(base).login(other, Scenario.PASSWORD).location()).matches(".*/ui/login\\.html\\?locked=[123]$");
    var session = new PageSession(base);
    assertThat(session.login(agent, Scenario.PASSWORD).location()).endsWith("/ui/");
    assertThat(session.get("/ui/").location()).endsWith("/ui/agent.html");
    assertThat(session.get("/ui/api/me").text("upn")).isEqualTo(agent);

    // the page session does not open the REST API: it keeps HTTP Basic and API keys
    var api = session.get("/v1/users/" + agent + "/sessions");
    assertThat(api.status()).isEqualTo(401);
    assertThat(api.wwwAuthenticate()).startsWith("Basic");
  }

  @Test
  void anAgentSeesOnlyTheOffersMadeToThemAndMayAnswerOnlyThose() {
    // given: two agents of one service, one task offered to each
    String ann = scenario.agent("ann", 1);
    String ben = scenario.agent("ben", 1);
    String service = scenario.service("desk", List.of(ann, ben), map("ronaTimeoutSeconds", 300));
    var annPage = loggedIn(ann);
    var benPage = loggedIn(ben);
    assertThat(annPage.put("/ui/api/agent/presence", map("presence", "Available")).status()).isEqualTo(200);
    assertThat(benPage.put("/ui/api/agent/presence", map("presence", "Available")).status()).isEqualTo(200);
    String one = create(service, "one");
    String two = create(service, "two");

    // when
    JsonNode annState = annPage.get("/ui/api/agent/state").body();
    JsonNode benState = benPage.get("/ui/api/agent/state").body();

    // then: each sees one offer, their own, with its countdown
    assertThat(ids(annState.path("offers"))).hasSize(1);
    assertThat(ids(benState.path("offers"))).hasSize(1);
    assertThat(ids(annState.path("offers"))).doesNotContainAnyElementsOf(ids(benState.path("offers")));
    assertThat(List.of(ids(annState.path("offers")).get(0), ids(benState.path("offers")).get(0))).containsExactlyInAnyOrder(one, two);
    JsonNode offer = annState.path("offers").get(0);
    assertThat(OffsetDateTime.parse(offer.path("offerEndsAt").asText()))
        .isEqualTo(OffsetDateTime.parse(offer.path("offeredAt").asText()).plusSeconds(300));

    String bensTask = ids(benState.path("offers")).get(0);
    var foreign = annPage.post("/ui/api/agent/tasks/" + bensTask + "/accept", null);
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.contentType()).startsWith(PROBLEM);
    assertThat(annPage.get("/ui/api/supervisor/state").status()).as("agents have no dashboard").isEqualTo(403);
    assertThat(annPage.get("/ui/reports.html").status()).as("nor the reports page").isEqualTo(403);
    assertThat(annPage.get("/ui/api/supervisor/services").status()).isEqualTo(403);
    assertThat(annPage.get("/ui/api/reports/intervals?by=agent&agent=me").status()).as("but their own figures").isEqualTo(200);
    assertThat(annPage.get("/webjars/chart.js/dist/chart.umd.min.js").status()).as("and the charts' library").isEqualTo(200);

    // the agent's own answer works, and is recorded with them as the actor
    String annsTask = ids(annState.path("offers")).get(0);
    JsonNode accepted = annPage.post("/ui/api/agent/tasks/" + annsTask + "/accept", null).body();
    assertThat(ids(accepted.path("connected"))).containsExactly(annsTask);
    assertThat(lastEvent(annsTask).path("actor").asText()).isEqualTo(ann);
  }

  @Test
  void aSupervisorSeesAndSteersOnlyTheServicesTheySuperviseAndAdminsSeeAll() {
    // given
    String agent = scenario.agent("cy", 1);
    String mine = scenario.service("mine", List.of(agent), map());
    String theirs = scenario.service("theirs", List.of(agent), map());
    String supervisor = scenario.supervisor("max", mine);
    String inMine = create(mine, "in mine");
    String inTheirs = create(theirs, "in theirs");
    var page = loggedIn(supervisor);

    // then: only the supervised service, with its queue, KPIs and agents
    JsonNode board = page.get("/ui/api/supervisor/state").body();
    assertThat(board.path("services")).hasSize(1);
    JsonNode service = board.path("services").get(0);
    assertThat(service.path("serviceUpn").asText()).isEqualTo(mine);
    assertThat(ids(service.path("tasks"))).containsExactly(inMine);
    assertThat(service.path("tasks").get(0).path("queuePosition").asInt()).isEqualTo(1);
    assertThat(service.path("tasks").get(0).path("cockpitUrl").asText()).startsWith("/camunda/app/cockpit/default/#/process-instance/");
    assertThat(service.path("kpis").path("waitingNow").asInt()).isEqualTo(1);
    assertThat(service.path("agents").get(0).path("upn").asText()).isEqualTo(agent);
    JsonNode choices = page.get("/ui/api/supervisor/services").body();
    assertThat(choices).as("the reports page offers the same services").hasSize(1);
    assertThat(choices.get(0).path("serviceUpn").asText()).isEqualTo(mine);
    assertThat(choices.get(0).path("serviceLevelSeconds").asInt()).isEqualTo(60);
    assertThat(page.get("/ui/reports.html").status()).isEqualTo(200);

    var foreign = page.post("/ui/api/supervisor/tasks/" + inTheirs + "/abort", map("reason", "not mine"));
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.contentType()).startsWith(PROBLEM);
    var away = page.post("/ui/api/supervisor/tasks/" + inMine + "/transfer", map("serviceUpn", theirs));
    assertThat(away.status()).isEqualTo(400);
    assertThat(away.body().path("errors").get(0).path("field").asText()).isEqualTo("serviceUpn");
    assertThat(away.body().path("errors").get(0).path("rule").asText()).isEqualTo("supervisedService");
    assertThat(flow.get("/v1/ExternalTasks/" + inTheirs).text("state")).isEqualTo("Queued");

    // steering their own service: priority, prolong, abort; each event names the supervisor
    assertThat(page.post("/ui/api/supervisor/tasks/" + inMine + "/priority", map("distributionPriority", "Strict")).status()).isEqualTo(200);
    assertThat(lastEvent(inMine).path("event").asText()).isEqualTo("PriorityChanged");
    assertThat(lastEvent(inMine).path("actor").asText()).isEqualTo(supervisor);
    OffsetDateTime expiresBefore = OffsetDateTime.parse(flow.get("/v1/ExternalTasks/" + inMine).text("expiresAt"));
    assertThat(page.post("/ui/api/supervisor/tasks/" + inMine + "/prolong", map("minutes", 90)).status()).isEqualTo(200);
    assertThat(OffsetDateTime.parse(flow.get("/v1/ExternalTasks/" + inMine).text("expiresAt"))).isEqualTo(expiresBefore.plusMinutes(90));
    assertThat(lastEvent(inMine).path("actor").asText()).isEqualTo(supervisor);
    JsonNode afterAbort = page.post("/ui/api/supervisor/tasks/" + inMine + "/abort", map("reason", "duplicate")).body();
    assertThat(afterAbort.path("services").get(0).path("tasks")).isEmpty();
    assertThat(lastEvent(inMine).path("event").asText()).isEqualTo("Cancelled");
    assertThat(lastEvent(inMine).path("actor").asText()).isEqualTo(supervisor);
    assertThat(lastEvent(inMine).path("detail").toString()).contains("duplicate");

    // admins see every service
    var admin = loggedIn("admin", dev.cumulus.support.Api.ADMIN_PASSWORD);
    List<String> all = new ArrayList<>();
    admin.get("/ui/api/supervisor/state").body().path("services").forEach(s -> all.add(s.path("serviceUpn").asText()));
    assertThat(all).contains(mine, theirs);
  }

  @Test
  void theDashboardShowsEachQueuedTaskWithTheEstimatedWaitOfTheApi() {
    // given a service that completed a task, its only agent busy with the next, and two queued
    String agent = scenario.agent("eta", 1);
    String service = scenario.service("eta", List.of(agent), map("acwSeconds", 0));
    String supervisor = scenario.supervisor("ed", service);
    scenario.available(agent);
    String first = create(service, "first");
    scenario.as(agent).post("/v1/ExternalTasks/" + first + "/accept", null);
    scenario.as(agent).post("/v1/ExternalTasks/" + first + "/complete", null);
    create(service, "offered");
    String queued = create(service, "queued");
    String behind = create(service, "behind");

    // then the dashboard's rows carry the API's estimate, growing with the position
    JsonNode tasks = loggedIn(supervisor).get("/ui/api/supervisor/state").body().path("services").get(0).path("tasks");
    var byId = new java.util.HashMap<String, JsonNode>();
    tasks.forEach(t -> byId.put(t.path("id").asText(), t));
    long api = flow.get("/v1/ExternalTasks/" + behind).body().path("estimatedWaitSeconds").asLong();
    assertThat(byId.get(behind).path("queuePosition").asInt()).isEqualTo(2);
    assertThat(byId.get(behind).path("estimatedWaitSeconds").asLong()).isPositive().isCloseTo(api, org.assertj.core.api.Assertions.within(1L));
    assertThat(byId.get(queued).path("estimatedWaitSeconds").asLong()).isPositive().isLessThanOrEqualTo(byId.get(behind).path("estimatedWaitSeconds").asLong());
    assertThat(byId.get(first)).as("ended: not on the board").isNull();
  }

  @Test
  void anAgentSetAwayForAMissedOfferSeesWhyAndTheDashboardShowsItUntilTheyComeBack() {
    // given an agent who lets an offer time out
    String agent = scenario.agent("mo", 1);
    String service = scenario.service("missed", List.of(agent), map());
    String supervisor = scenario.supervisor("sue", service);
    scenario.available(agent);
    String missed = create(service, "missed");
    assertThat(timers.fireOfferTimeout(missed, null)).isTrue();

    // then My Sessions says why they are Away, and so does the dashboard
    var page = loggedIn(agent);
    JsonNode me = page.get("/ui/api/agent/state").body().path("me");
    assertThat(me.path("presence").asText()).isEqualTo("Away");
    assertThat(me.path("presenceReason").asText()).isEqualTo("missedOffer");
    JsonNode row = loggedIn(supervisor).get("/ui/api/supervisor/state").body().path("services").get(0).path("agents").get(0);
    assertThat(row.path("presence").asText()).isEqualTo("Away");
    assertThat(row.path("presenceReason").asText()).isEqualTo("missedOffer");
    String next = create(service, "next");
    assertThat(flow.get("/v1/ExternalTasks/" + next).text("state")).isEqualTo("Queued");

    // when they come back through the page, the reason goes and work is offered at once
    JsonNode back = page.put("/ui/api/agent/presence", map("presence", "Available")).body();
    assertThat(back.path("me").path("presence").asText()).isEqualTo("Available");
    assertThat(back.path("me").has("presenceReason")).isFalse();
    assertThat(ids(back.path("offers"))).containsExactly(next);
  }

  @Test
  void aBroadcastOfferShowsForEveryAgentItWasMadeTo() {
    String fay = scenario.agent("fay", 1);
    String gus = scenario.agent("gus", 1);
    String service = scenario.service("bcast", List.of(fay, gus), map("distributionType", "Broadcast", "ronaTimeoutSeconds", 300));
    scenario.available(fay, gus);
    String task = create(service, "everyone");

    assertThat(ids(loggedIn(fay).get("/ui/api/agent/state").body().path("offers"))).containsExactly(task);
    assertThat(ids(loggedIn(gus).get("/ui/api/agent/state").body().path("offers"))).containsExactly(task);
  }

  @Test
  void theKpisCountOffersAcceptancesAndTheReportsServiceLevelWithTheServicesOwnTarget() throws InterruptedException {
    // given: one task accepted at once, one aborted before anybody accepted it, one still waiting; a target of 45 s
    String hal = scenario.agent("hal", 1);
    String service = scenario.service("kpi", List.of(hal), map("ronaTimeoutSeconds", 300, "serviceLevelSeconds", 45));
    var agentPage = loggedIn(hal);
    agentPage.put("/ui/api/agent/presence", map("presence", "Available"));
    String accepted = create(service, "accepted");
    assertThat(agentPage.post("/ui/api/agent/tasks/" + accepted + "/accept", null).status()).isEqualTo(200);
    String aborted = create(service, "aborted");
    String waiting = create(service, "waiting");
    var supervisorPage = loggedIn(scenario.supervisor("ida", service));
    assertThat(supervisorPage.post("/ui/api/supervisor/tasks/" + aborted + "/abort", map("reason", "test")).status()).isEqualTo(200);

    // when: the report feed (every second here) has counted them
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(LIVE_SECONDS);
    JsonNode board = supervisorPage.get("/ui/api/supervisor/state").body().path("services").get(0);
    while (board.path("kpis").path("abandonedToday").asInt() < 1 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      board = supervisorPage.get("/ui/api/supervisor/state").body().path("services").get(0);
    }
    JsonNode kpis = board.path("kpis");

    // then
    assertThat(kpis.path("waitingNow").asInt()).isEqualTo(1);
    assertThat(kpis.path("longestWaitSeconds").asLong()).isBetween(0L, 60L);
    assertThat(kpis.path("inProgress").asInt()).isEqualTo(1);
    assertThat(kpis.path("offeredToday").asInt()).isEqualTo(1);
    assertThat(kpis.path("acceptedToday").asInt()).isEqualTo(1);
    assertThat(kpis.path("abandonedToday").asInt()).isEqualTo(1);
    assertThat(kpis.path("acceptedWithinTarget").asInt()).isEqualTo(1);
    assertThat(kpis.path("withinTargetPercent").asInt()).as("1 within target of 1 accepted + 1 abandoned").isEqualTo(50);
    assertThat(board.path("serviceLevelSeconds").asInt()).isEqualTo(45);
    JsonNode report = scenario.admin().get("/v1/reports/intervals?bucket=day&service=" + service).body().path("rows").get(0);
    assertThat(kpis.path("withinTargetPercent").asInt()).as("the reports' serviceLevel of today").isEqualTo((int) Math.round(100 * report.path("serviceLevel").asDouble()));
    assertThat(kpis.path("handledToday").asInt()).isZero();
    assertThat(flow.get("/v1/ExternalTasks/" + waiting).text("state")).isEqualTo("Queued");
  }

  @Test
  void badInputIsAProblemNamingTheFieldAndTheRule() {
    String agent = scenario.agent("dee", 1);
    String service = scenario.service("bad", List.of(agent), map());
    String supervisor = scenario.supervisor("zoe", service);
    String task = create(service, "bad input");
    var agentPage = loggedIn(agent);
    var supervisorPage = loggedIn(supervisor);

    assertProblem(agentPage.put("/ui/api/agent/presence", map("presence", "Sleeping")), 400, "presence");
    assertProblem(agentPage.put("/ui/api/agent/duty", map("serviceUpn", "nowhere@contoso.test", "onDuty", true)), 400, "serviceUpn");
    assertProblem(supervisorPage.post("/ui/api/supervisor/tasks/" + task + "/abort", map("reason", " ")), 400, "reason");
    assertProblem(supervisorPage.post("/ui/api/supervisor/tasks/" + task + "/prolong", map("minutes", 0)), 400, "minutes");
    assertProblem(supervisorPage.post("/ui/api/supervisor/tasks/" + task + "/priority", map("distributionPriority", "Urgent")), 400, "distributionPriority");
    assertProblem(scenario.admin().put("/v1/services/" + service + "/supervisors", map("supervisors", List.of(agent))), 400, "supervisors[0]");
    assertThat(supervisorPage.post("/ui/api/supervisor/tasks/no-such-task/abort", map("reason", "x")).status()).isEqualTo(404);

    var withoutToken = supervisorPage.postWithoutCsrf("/ui/api/supervisor/tasks/" + task + "/abort", map("reason", "forged"));
    assertThat(withoutToken.status()).isEqualTo(403);
    assertThat(withoutToken.contentType()).startsWith(PROBLEM);
    assertThat(withoutToken.text("detail")).contains("CSRF");
    assertThat(flow.get("/v1/ExternalTasks/" + task).text("state")).isEqualTo("Queued");
  }

  @Test
  void theStreamSendsTheStateAndThenEveryChangeCommittedToTheDatabaseByAnyNode() throws Exception {
    // given: an agent following their live stream
    String agent = scenario.agent("eve", 1);
    String service = scenario.service("live", List.of(agent), map("ronaTimeoutSeconds", 300));
    var page = loggedIn(agent);
    BlockingQueue<JsonNode> states = PageSession.queue();
    try (var stream = page.stream("/ui/api/agent/stream", states)) {
      JsonNode first = states.poll(5, TimeUnit.SECONDS);
      assertThat(first).as("the whole state comes first").isNotNull();
      assertThat(first.path("me").path("presence").asText()).isEqualTo("Offline");

      // when another node changes the agent (nothing in this node's memory knows): a row in the database
      jdbc.update("update agent set presence = 'Away' where upn = ?", agent);
      jdbc.update("insert into agent_change (user_upn, kind, occurred_at) values (?, 'presence', ?)", agent, OffsetDateTime.now());

      // then
      // the poll interval is 300 ms; the bound only guards against a hang on a busy machine
      JsonNode pushed = states.poll(LIVE_SECONDS, TimeUnit.SECONDS);
      assertThat(pushed).as("pushed within the poll interval").isNotNull();
      assertThat(pushed.path("me").path("presence").asText()).isEqualTo("Away");

      // and a task event (the agent goes Available, a flow creates a task): the offer is pushed
      scenario.available(agent);
      String task = create(service, "pushed");
      JsonNode withOffer = null;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIVE_SECONDS);
      while (System.nanoTime() < until && (withOffer == null || withOffer.path("offers").isEmpty())) {
        withOffer = states.poll(500, TimeUnit.MILLISECONDS);
      }
      assertThat(withOffer).isNotNull();
      assertThat(ids(withOffer.path("offers"))).containsExactly(task);
    }
  }

  private PageSession loggedIn(String upn) {
    return loggedIn(upn, Scenario.PASSWORD);
  }

  private PageSession loggedIn(String upn, String password) {
    var session = new PageSession(base);
    assertThat(session.login(upn, password).location()).endsWith("/ui/");
    return session;
  }

  private String create(String service, String title) {
    var r = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "title", title));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.text("id");
  }

  private JsonNode lastEvent(String taskId) {
    JsonNode events = flow.get("/v1/ExternalTasks/" + taskId).body().path("events");
    return events.get(events.size() - 1);
  }

  private static List<String> ids(JsonNode array) {
    var ids = new ArrayList<String>();
    array.forEach(n -> ids.add(n.path("id").asText()));
    return ids;
  }

  private static void assertProblem(PageSession.Answer answer, int status, String field) {
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(status);
    assertThat(answer.contentType()).startsWith(PROBLEM);
    assertThat(answer.body().path("errors").get(0).path("field").asText()).isEqualTo(field);
    assertThat(answer.body().path("errors").get(0).path("rule").asText()).isNotBlank();
  }

  private void assertProblem(Api.Response answer, int status, String field) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
    assertThat(answer.contentType()).startsWith(PROBLEM);
    assertThat(answer.body().path("errors").get(0).path("field").asText()).isEqualTo(field);
  }
}
