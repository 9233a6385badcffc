package dev.cumulus.reports;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import dev.cumulus.support.TaskProbe;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.camunda.bpm.engine.ManagementService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reports over REST after real task lives: the feed counts what the REST API did, and each role sees
 * its own figures (JSON and CSV). The feed runs when the test says so.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:reports-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false",
      "cumulus.reports.feed-enabled=false"
    })
class ReportsIT {

  @LocalServerPort int port;
  @Autowired ManagementService management;
  @Autowired dev.cumulus.lifecycle.DistributionTimers timers;
  @Autowired JdbcTemplate jdbc;
  @Autowired ReportFeed feed;

  Scenario scenario;
  Api flow;
  TaskProbe probe;
  String from;

  @BeforeEach
  void setUp() {
    scenario = new Scenario("http://127.0.0.1:" + port);
    flow = Api.flow("http://127.0.0.1:" + port);
    probe = new TaskProbe(flow, management, timers, jdbc);
    from = URLEncoder.encode(Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString(), StandardCharsets.UTF_8);
  }

  @Test
  void aHandledTaskADeclineAndACancelShowInTheServiceAndAgentFigures() {
    String ann = scenario.agent("ann", 1);
    String ben = scenario.agent("ben", 1);
    String service = scenario.service("reports", List.of(ann, ben), map("acwSeconds", 15, "serviceLevelSeconds", 120));
    scenario.available(ann);
    String handled = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "customerIdentifier", "C-1")).text("id");
    assertThat(scenario.as(ann).post("/v1/ExternalTasks/" + handled + "/decline", null).status()).isEqualTo(200);
    scenario.available(ben);
    assertThat(probe.task(handled).path("assignedUserUpn").asText()).isEqualTo(ben);
    assertThat(scenario.as(ben).post("/v1/ExternalTasks/" + handled + "/accept", null).status()).isEqualTo(200);
    assertThat(scenario.as(ben).post("/v1/ExternalTasks/" + handled + "/complete", null).text("state")).isEqualTo("AfterWork");
    probe.fireTimer(handled, TaskProbe.AFTER_WORK_DUE);
    scenario.presence(ann, "Offline");
    String cancelled = flow.post("/v1/ExternalTasks", map("serviceUpn", service)).text("id");
    assertThat(flow.post("/v1/ExternalTasks/" + cancelled + "/cancel", map("reason", "not needed")).status()).isIn(200, 204);

    assertThat(feed.feedAll()).isPositive();

    JsonNode row = single(scenario.admin().get("/v1/reports/intervals?by=service&bucket=day&from=" + from + "&service=" + service));
    assertThat(row.path("serviceUpn").asText()).isEqualTo(service);
    assertThat(row.path("created").asLong()).isEqualTo(2);
    // ann, then ben; then ben again for the second task, which the flow cancels while it is offered
    assertThat(row.path("offered").asLong()).as(row.toString()).isEqualTo(3);
    assertThat(row.path("declined").asLong()).isEqualTo(1);
    assertThat(row.path("accepted").asLong()).isEqualTo(1);
    assertThat(row.path("acceptedWithinTarget").asLong()).isEqualTo(1);
    assertThat(row.path("completed").asLong()).isEqualTo(1);
    assertThat(row.path("cancelledByFlow").asLong()).isEqualTo(1);
    assertThat(row.path("abandoned").asLong()).isEqualTo(1);
    assertThat(row.path("serviceLevelTargetSeconds").asInt()).isEqualTo(120);
    assertThat(row.path("serviceLevel").asDouble()).isEqualTo(0.5);
    assertThat(row.path("waiting").path("count").asLong()).isEqualTo(1);
    assertThat(row.path("handling").path("count").asLong()).isEqualTo(1);
    assertThat(row.path("afterWork").path("count").asLong()).isEqualTo(1);

    var agents = scenario.admin().get("/v1/reports/intervals?by=agent&bucket=day&from=" + from + "&service=" + service);
    assertThat(agents.status()).as(agents.toString()).isEqualTo(200);
    JsonNode annRow = rowOf(agents.body(), ann);
    assertThat(annRow.path("offered").asLong()).isEqualTo(1);
    assertThat(annRow.path("declined").asLong()).isEqualTo(1);
    assertThat(annRow.path("availableSeconds").asDouble()).isPositive();
    JsonNode benRow = rowOf(agents.body(), ben);
    assertThat(benRow.path("accepted").asLong()).isEqualTo(1);
    assertThat(benRow.path("offered").asLong()).isEqualTo(2);
    assertThat(benRow.path("acceptanceRate").asDouble()).isEqualTo(0.5);
    assertThat(benRow.path("completed").asLong()).isEqualTo(1);

    // the task history, as JSON and CSV
    var tasks = scenario.admin().get("/v1/reports/tasks?from=" + from + "&service=" + service);
    assertThat(tasks.status()).as(tasks.toString()).isEqualTo(200);
    assertThat(tasks.body()).hasSize(2);
    JsonNode first = tasks.body().get(0);
    assertThat(first.path("taskId").asText()).isEqualTo(handled);
    assertThat(first.path("agentUpn").asText()).isEqualTo(ben);
    assertThat(first.path("customerIdentifier").asText()).isEqualTo("C-1");
    assertThat(first.path("outcome").asText()).isEqualTo("Handled");
    assertThat(first.path("declines").asInt()).isEqualTo(1);
    assertThat(tasks.body().get(1).path("cancelledBy").asText()).isEqualTo("flow");
    var csv = scenario.admin().with("Accept", "text/csv").get("/v1/reports/tasks?from=" + from + "&service=" + service);
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.contentType()).startsWith("text/csv");
    assertThat(csv.raw().body()).startsWith("\uFEFFtaskId,serviceUpn,agentUpn,customerIdentifier,state,outcome");
    assertThat(csv.raw().body().split("\r\n")).hasSize(3);
  }

  @Test
  void eachRoleSeesItsOwnFigures() {
    String cid = scenario.agent("cid", 1);
    String dee = scenario.agent("dee", 1);
    String mine = scenario.service("mine", List.of(cid), map());
    String theirs = scenario.service("theirs", List.of(dee), map());
    String boss = scenario.supervisor("boss", mine);
    flow.post("/v1/ExternalTasks", map("serviceUpn", mine));
    flow.post("/v1/ExternalTasks", map("serviceUpn", theirs));
    scenario.available(cid, dee);
    feed.feedAll();
    String range = "&bucket=day&from=" + from;

    var supervised = scenario.as(boss).get("/v1/reports/intervals?by=service" + range);
    assertThat(supervised.status()).isEqualTo(200);
    assertThat(services(supervised.body())).containsExactly(mine);
    var asked = scenario.as(boss).get("/v1/reports/intervals?by=service&service=" + theirs + range);
    assertThat(services(asked.body())).isEmpty();
    var members = scenario.as(boss).get("/v1/reports/intervals?by=agent" + range);
    assertThat(agentsOf(members.body())).contains(cid).doesNotContain(dee);

    assertThat(scenario.as(cid).get("/v1/reports/intervals?by=service" + range).status()).isEqualTo(403);
    var own = scenario.as(cid).get("/v1/reports/intervals?by=agent&agent=me" + range);
    assertThat(own.status()).isEqualTo(200);
    assertThat(agentsOf(own.body())).containsOnly(cid);
    var other = scenario.as(cid).get("/v1/reports/intervals?by=agent&agent=" + dee + range);
    assertThat(agentsOf(other.body())).isEmpty();
    assertThat(scenario.as(cid).get("/v1/reports/tasks?from=" + from).status()).isEqualTo(403);

    assertThat(flow.get("/v1/reports/intervals?by=agent" + range).status()).isEqualTo(403);
    assertThat(services(flow.get("/v1/reports/intervals?by=service" + range).body())).contains(mine, theirs);
    assertThat(Api.anonymous("http://127.0.0.1:" + port).get("/v1/reports/intervals").status()).isEqualTo(401);
  }

  @Autowired ReportRetention retention;

  @Test
  void retentionForgetsOldFiguresAndTheCountedEventsOfLongEndedTasksOnly() {
    String ann = scenario.agent("old", 1);
    String service = scenario.service("old", List.of(ann), map("acwSeconds", 0));
    String ended = flow.post("/v1/ExternalTasks", map("serviceUpn", service)).text("id");
    flow.post("/v1/ExternalTasks/" + ended + "/cancel", map("reason", "old"));
    String recent = flow.post("/v1/ExternalTasks", map("serviceUpn", service)).text("id");
    flow.post("/v1/ExternalTasks/" + recent + "/cancel", map("reason", "recent"));
    String open = flow.post("/v1/ExternalTasks", map("serviceUpn", service)).text("id");
    feed.feedAll();
    var longAgo = java.time.OffsetDateTime.now().minusDays(100);
    jdbc.update("update external_task set terminated_at = ? where id = ?", longAgo, ended);
    var yearsAgo = java.time.OffsetDateTime.now().minusMonths(30);
    jdbc.update("insert into report_interval (bucket_start, service_upn, agent_upn, created) values (?, ?, '', 5)", yearsAgo, service);
    jdbc.update("update report_task set created_at = ? where task_id = ?", yearsAgo, recent);

    var forgotten = retention.forgetOld();

    assertThat(forgotten.intervals()).isEqualTo(1);
    assertThat(forgotten.tasks()).isEqualTo(1);
    assertThat(count("select count(*) from task_event where task_id = ?", ended)).isZero();
    assertThat(count("select count(*) from task_event where task_id = ?", recent)).isPositive();
    assertThat(count("select count(*) from task_event where task_id = ?", open)).isPositive();
    assertThat(count("select count(*) from report_task where task_id = ?", ended)).isEqualTo(1);
    assertThat(count("select count(*) from report_task where task_id = ?", recent)).isZero();
  }

  private long count(String sql, Object... args) {
    return jdbc.queryForObject(sql, Long.class, args);
  }

  @Test
  void badParametersAreProblemsNamingTheField() {
    problem(scenario.admin().get("/v1/reports/intervals?bucket=year"), "bucket");
    problem(scenario.admin().get("/v1/reports/intervals?by=team"), "by");
    problem(scenario.admin().get("/v1/reports/intervals?from=yesterday"), "from");
    problem(scenario.admin().get("/v1/reports/intervals?zone=Mars/Olympus"), "zone");
    problem(scenario.admin().get("/v1/reports/intervals?from=2026-01-01&to=2025-01-01"), "to");
    problem(scenario.admin().get("/v1/reports/intervals?bucket=fifteenMinutes&from=2020-01-01&to=2026-01-01"), "bucket");
    problem(scenario.admin().get("/v1/reports/tasks?format=xlsx"), "format");
  }

  private static void problem(Api.Response r, String field) {
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.raw().body()).contains(field);
  }

  private static JsonNode single(Api.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode rows = r.body().path("rows");
    var nonEmpty = new java.util.ArrayList<JsonNode>();
    rows.forEach(row -> {
      if (row.path("created").asLong() > 0 || row.path("accepted").asLong() > 0) {
        nonEmpty.add(row);
      }
    });
    assertThat(nonEmpty).as(rows.toString()).hasSize(1);
    return nonEmpty.get(0);
  }

  private static JsonNode rowOf(JsonNode report, String agent) {
    var matching = new java.util.ArrayList<JsonNode>();
    report.path("rows").forEach(row -> {
      if (agent.equals(row.path("agentUpn").asText()) && (row.path("offered").asLong() > 0 || row.path("availableSeconds").asDouble() > 0)) {
        matching.add(row);
      }
    });
    assertThat(matching).as(report.toString()).hasSize(1);
    return matching.get(0);
  }

  private static List<String> services(JsonNode report) {
    var found = new java.util.ArrayList<String>();
    report.path("rows").forEach(row -> found.add(row.path("serviceUpn").asText()));
    return found.stream().distinct().toList();
  }

  private static List<String> agentsOf(JsonNode report) {
    var found = new java.util.ArrayList<String>();
    report.path("rows").forEach(row -> found.add(row.path("agentUpn").asText()));
    return found.stream().distinct().toList();
  }
}
