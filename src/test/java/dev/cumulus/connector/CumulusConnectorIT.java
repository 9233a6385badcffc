package dev.cumulus.connector;

import static dev.cumulus.connector.ContractReplay.MAPPER;
import static dev.cumulus.connector.ContractReplay.assertRequestValidAndStatus;
import static dev.cumulus.connector.ContractReplay.assertResponseConforms;
import static dev.cumulus.connector.ContractReplay.describe;
import static dev.cumulus.connector.ContractReplay.errors;
import static dev.cumulus.connector.ContractReplay.field;
import static dev.cumulus.connector.ContractReplay.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.report.LevelResolver;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.connector.ContractReplay.Exchange;
import dev.cumulus.reports.Bucket;
import dev.cumulus.reports.DurationFigures;
import dev.cumulus.reports.Report;
import dev.cumulus.reports.ReportFeed;
import dev.cumulus.reports.ReportRow;
import dev.cumulus.reports.TaskRecord;
import dev.cumulus.support.Scenario;
import io.swagger.parser.SwaggerParser;
import io.swagger.parser.util.SwaggerDeserializationResult;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Cumulus's own Power Automate custom connector ({@code docs/connector/}): the definition is a
 * Swagger 2.0 file that Power Automate can import (the parser finds nothing wrong, every parameter
 * carries {@code x-ms-summary} and {@code x-ms-visibility}, every drop-down names an operation of the
 * file, the trigger is declared as the certified file declares its own), and each of its operations,
 * called as the connector calls it, is valid against it in request and answer.
 */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:cumulus-connector-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      // its webhook receiver listens on loopback: allowed by name, as docs/api.md ("Webhooks") says to
      "cumulus.webhooks.allowed-hosts=127.0.0.1",
      "cumulus.demo.enabled=true",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false",
      // the reports' replay feeds when it says so: a scheduled feed holding the cursor would make its
      // feedAll() skip, and the report could be read before that batch commits
      "cumulus.reports.feed-enabled=false"
    })
class CumulusConnectorIT {

  private static final Path DIR = Path.of(System.getProperty("basedir", "."), "docs", "connector");
  private static final Path DEFINITION = DIR.resolve("apiDefinition.swagger.json");
  private static final String CERTIFIED = "/connector/luware-nimbus.apiDefinition.swagger.json";
  private static final String SUPPORT = "support@contoso.com";
  private static final String SALES = "sales@contoso.com";
  private static final Set<String> VISIBILITIES = Set.of("important", "advanced", "internal");

  /** The operations of the certified connector that Cumulus answers (its README.md lists them). */
  private static final List<String> CERTIFIED_OPERATIONS =
      List.of(
          "AddExternalTask", "RemoveExternalTask", "UpdateTask", "GetExternalTasksServices", "GetServices",
          "GetExternalTasksDistributionPriorities", "GetUsersForPreferredRouting", "GetTaskEvents", "GetTaskModalities",
          "GetTaskDirections", "RegisterTaskWebHook", "DeleteTaskEventsTrigger", "TestConnection");

  private static ContractReplay connector;
  private static final Set<String> replayed = new ConcurrentSkipListSet<>();

  @LocalServerPort int port;
  @Autowired ReportFeed feed;

  @BeforeAll
  static void loadDefinition() throws IOException {
    JsonNode definition = MAPPER.readTree(DEFINITION.toFile());
    JsonNode apiKey = definition.path("securityDefinitions").elements().next();
    // the key goes in the header the definition names: a wrong name there fails every replay with 401
    connector = ContractReplay.of(DEFINITION.toUri().toURL(), LevelResolver.create().build(), apiKey.path("name").asText(),
        dev.cumulus.support.Api.FLOW_KEY);
  }

  /** Each operation of the file has been replayed by a test of this class. */
  @AfterAll
  static void everyOperationWasReplayed() {
    assertThat(replayed).as("operations replayed").containsExactlyInAnyOrderElementsOf(operations(connector.spec()).keySet());
  }

  // ---------------------------------------------------------------------------------------------
  // the definition

  @Test
  void isSwagger20WithoutAnyParserMessage() throws IOException {
    SwaggerDeserializationResult result = new SwaggerParser().readWithInfo(Files.readString(DEFINITION));

    assertThat(result.getSwagger()).as("parsed").isNotNull();
    assertThat(result.getMessages()).as("swagger-parser's messages").isEmpty();
    assertThat(result.getSwagger().getSwagger()).isEqualTo("2.0");
    assertThat(result.getSwagger().getPaths()).isNotEmpty();
  }

  @Test
  void everyOperationHasAnIdAndSummaryAndEveryParameterASummaryAndVisibility() {
    var problems = new ArrayList<String>();
    operations(connector.spec()).forEach((id, op) -> {
      if (op.path("summary").asText().isBlank() || op.path("description").asText().isBlank()) {
        problems.add(id + ": summary and description");
      }
      for (JsonNode parameter : op.path("parameters")) {
        if (parameter.path("x-ms-summary").asText().isBlank()) {
          problems.add(id + "." + parameter.path("name").asText() + ": x-ms-summary");
        }
        if (!VISIBILITIES.contains(parameter.path("x-ms-visibility").asText())) {
          problems.add(id + "." + parameter.path("name").asText() + ": x-ms-visibility");
        }
      }
    });
    assertThat(problems).isEmpty();
    assertThat(operationIds(connector.spec())).doesNotHaveDuplicates();
  }

  @Test
  void coversTheCertifiedOperationsOnTheirPathsAndCumulusExtensions() throws IOException {
    JsonNode certified = MAPPER.readTree(CumulusConnectorIT.class.getResource(CERTIFIED));
    Map<String, String> ours = routes(connector.spec());
    Map<String, String> theirs = routes(certified);

    for (String id : CERTIFIED_OPERATIONS) {
      assertThat(ours.get(id)).as("%s on the certified file's method and path", id).isNotNull().isEqualTo(theirs.get(id));
    }
    assertThat(ours)
        .containsEntry("AddExternalTasks", "POST /v1/ExternalTasks/bulk")
        .containsEntry("TransferExternalTask", "POST /v1/ExternalTasks/{externalTaskId}/transfer")
        .containsEntry("ChangeExternalTask", "PATCH /v1/ExternalTasks/{externalTaskId}")
        .containsEntry("GetExternalTask", "GET /v1/ExternalTasks/{externalTaskId}")
        .containsEntry("ListExternalTasks", "GET /v1/ExternalTasks")
        .containsEntry("PreviewRouting", "POST /v1/services/{serviceUpn}/routing-preview");
    JsonNode view = connector.spec().path("definitions").path("ExternalTaskView").path("properties");
    assertThat(view.has("queuePosition") && view.has("estimatedWaitSeconds")).as("queue position and ETA").isTrue();
    assertThat(field(connector.spec().path("tags"), "name")).as("the place kept for the reports operations").contains("Reports");
  }

  @Test
  void dropDownsAreFedByTheLookupOperationsOfTheFile() {
    JsonNode spec = connector.spec();
    var dynamic = new ArrayList<String>();
    collectDynamicValues(spec, "", dynamic);
    Set<String> ids = new TreeSet<>(operationIds(spec));
    for (String reference : dynamic) {
      assertThat(ids).as("operation named by x-ms-dynamic-values at %s", reference).contains(reference.substring(reference.indexOf('=') + 1));
    }
    JsonNode definitions = spec.path("definitions");
    assertThat(lookup(definitions.path("ExternalTaskWriteDto").path("properties").path("serviceUpn"))).isEqualTo("GetExternalTasksServices");
    assertThat(lookup(definitions.path("ExternalTaskWriteDto").path("properties").path("distributionPriority")))
        .isEqualTo("GetExternalTasksDistributionPriorities");
    assertThat(lookup(definitions.path("PreferredUser").path("properties").path("upn"))).isEqualTo("GetUsersForPreferredRouting");
    assertThat(lookup(definitions.path("TransferRequest").path("properties").path("serviceUpn"))).isEqualTo("GetExternalTasksServices");
    assertThat(lookup(definitions.path("TaskChange").path("properties").path("distributionPriority")))
        .isEqualTo("GetExternalTasksDistributionPriorities");
    assertThat(lookup(parameter(spec, "ListExternalTasks", "serviceUpn"))).isEqualTo("GetExternalTasksServices");
    assertThat(lookup(parameter(spec, "PreviewRouting", "serviceUpn"))).isEqualTo("GetExternalTasksServices");
    assertThat(lookup(parameter(spec, "GetServiceReport", "service"))).isEqualTo("GetExternalTasksServices");
    assertThat(lookup(parameter(spec, "GetTaskHistory", "service"))).isEqualTo("GetExternalTasksServices");
    assertThat(dynamic).as("dynamic values found").hasSizeGreaterThanOrEqualTo(9);
  }

  @Test
  void theTaskWebhookIsATriggerDeclaredAsTheCertifiedFileDeclaresIt() throws IOException {
    JsonNode ours = connector.spec().path("paths").path("/v1/triggers/tasks");
    JsonNode theirs = MAPPER.readTree(CumulusConnectorIT.class.getResource(CERTIFIED)).path("paths").path("/v1/triggers/tasks");

    assertThat(ours.path("post").path("x-ms-trigger").asText()).isEqualTo(theirs.path("post").path("x-ms-trigger").asText()).isEqualTo("single");
    assertThat(ours.path("x-ms-notification-content").path("schema").path("$ref").asText()).isEqualTo("#/definitions/TaskEventData");
    JsonNode url = ours.path("post").path("parameters").get(0).path("schema").path("properties").path("config").path("properties").path("url");
    assertThat(url.path("x-ms-notification-url").asBoolean()).isTrue();
    assertThat(url.path("x-ms-visibility").asText()).isEqualTo("internal");
    assertThat(ours.path("post").path("responses").path("201").path("headers").has("Location")).isTrue();
    assertThat(connector.spec().path("definitions").path("TaskEventData").path("properties").fieldNames())
        .toIterable().contains("taskId", "event", "serviceUPN", "state", "occurredAt", "eventId", "actor");
  }

  @Test
  void authenticatesWithTheApiKeyHeaderThatApiPropertiesAsksFor() throws IOException {
    JsonNode security = connector.spec().path("securityDefinitions");
    assertThat(security.size()).isEqualTo(1);
    JsonNode apiKey = security.elements().next();
    assertThat(apiKey.path("type").asText()).isEqualTo("apiKey");
    assertThat(apiKey.path("in").asText()).isEqualTo("header");
    assertThat(apiKey.path("name").asText()).isEqualTo("X-API-Key");
    assertThat(connector.spec().path("security").get(0).has(security.fieldNames().next())).isTrue();
    assertThat(connector.spec().path("x-ms-capabilities").path("testConnection").path("operationId").asText()).isEqualTo("TestConnection");

    JsonNode properties = MAPPER.readTree(DIR.resolve("apiProperties.json").toFile()).path("properties");
    assertThat(properties.path("connectionParameters").path("api_key").path("type").asText()).isEqualTo("securestring");
    // without a key, Cumulus refuses the connector's calls
    var anonymous = dev.cumulus.support.Api.anonymous(connector.on(port).base()).get("/v1/diagnostics/testconnection");
    assertThat(anonymous.status()).isEqualTo(401);
  }

  // ---------------------------------------------------------------------------------------------
  // every operation, replayed

  @Test
  void lookupsAndTestConnection() throws Exception {
    assertThat(strings(replay("GET", "/v1/ExternalTasks/service-contacts", null, "GetExternalTasksServices", 200).json())).contains(SUPPORT, SALES);
    assertThat(strings(replay("GET", "/v1/tasks/service-contacts", null, "GetServices", 200).json())).contains(SUPPORT, SALES);
    assertThat(field(replay("GET", "/v1/ExternalTasks/distribution-priorities", null, "GetExternalTasksDistributionPriorities", 200).json(), "value"))
        .containsExactlyInAnyOrder("Low", "Normal", "High", "Strict");
    assertThat(strings(replay("GET", "/v1/tasks/users-for-preferred-routing", null, "GetUsersForPreferredRouting", 200).json()))
        .contains("alice@contoso.com", "bob@contoso.com");
    assertThat(field(replay("GET", "/v1/tasks/events", null, "GetTaskEvents", 200).json(), "value")).contains("Created", "Transferred");
    assertThat(field(replay("GET", "/v1/tasks/modalities", null, "GetTaskModalities", 200).json(), "value")).contains("ExternalTask");
    assertThat(field(replay("GET", "/v1/tasks/directions", null, "GetTaskDirections", 200).json(), "value")).contains("Inbound");
    replay("GET", "/v1/diagnostics/testconnection", null, "TestConnection", 200);
  }

  @Test
  void addReadListAndRemove() throws Exception {
    Exchange added = replay("POST", "/v1/ExternalTasks", fullTask(SUPPORT), "AddExternalTask", 200);
    String id = added.json().path("id").asText();
    assertThat(URI.create(connector.on(port).base()).resolve(added.header("Location").orElseThrow()).getPath()).isEqualTo("/v1/ExternalTasks/" + id);

    JsonNode task = replay("GET", "/v1/ExternalTasks/" + id, null, "GetExternalTask", 200).json();
    assertThat(task.path("state").asText()).isEqualTo("Queued");
    assertThat(task.path("queuePosition").asLong()).isPositive();
    assertThat(task.path("title").asText()).isEqualTo("Call back about order A-1001");

    JsonNode page = replay("GET", "/v1/ExternalTasks?serviceUpn=" + SUPPORT + "&state=Queued&page=0&size=200", null, "ListExternalTasks", 200).json();
    assertThat(field(page.path("items"), "id")).contains(id);
    assertThat(field(page.path("items"), "state")).containsOnly("Queued");

    replay("DELETE", "/v1/ExternalTasks/" + id + "?reason=duplicate", null, "RemoveExternalTask", 200);
    assertThat(connector.on(port).call("GET", "/v1/ExternalTasks/" + id, null).json().path("state").asText()).isEqualTo("Cancelled");
  }

  @Test
  void transferChangeAndUpdate() throws Exception {
    String id = replay("POST", "/v1/ExternalTasks", fullTask(SUPPORT), "AddExternalTask", 200).json().path("id").asText();

    JsonNode moved = replay("POST", "/v1/ExternalTasks/" + id + "/transfer", Map.of("serviceUpn", SALES), "TransferExternalTask", 200).json();
    assertThat(moved.path("serviceUpn").asText()).isEqualTo(SALES);

    String later = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    JsonNode changed =
        replay("PATCH", "/v1/ExternalTasks/" + id, Map.of("distributionPriority", "Strict", "expiresAt", later), "ChangeExternalTask", 200).json();
    assertThat(changed.path("distributionPriority").asText()).isEqualTo("Strict");
    assertThat(OffsetDateTime.parse(changed.path("expiresAt").asText()).toInstant()).isEqualTo(OffsetDateTime.parse(later).toInstant());

    replay("PUT", "/v1/tasks/" + id, Map.of("customContextParameters", List.of(Map.of("name", "status", "value", "paid"))), "UpdateTask", 200);
    JsonNode task = connector.on(port).call("GET", "/v1/ExternalTasks/" + id, null).json();
    assertThat(field(task.path("customContextParameters"), "value")).contains("paid");
  }

  @Test
  void previewRouting() throws Exception {
    JsonNode decision =
        replay("POST", "/v1/services/" + SUPPORT + "/routing-preview", fullTask(SUPPORT), "PreviewRouting", 200).json();
    assertThat(field(decision.path("candidates"), "upn")).contains("alice@contoso.com", "bob@contoso.com");
  }

  @Test
  void bulkCreateAnswersEachItem() throws Exception {
    Map<String, Object> keyed = fullTask(SALES);
    keyed.put("idempotencyKey", "connector-" + System.nanoTime());
    Exchange ex =
        replay("POST", "/v1/ExternalTasks/bulk", Map.of("items", List.of(keyed, Map.of("serviceUpn", "nobody@contoso.com"), keyed)),
            "AddExternalTasks", 200);

    JsonNode items = ex.json().path("items");
    assertThat(field(items, "status")).containsExactly("201", "400", "200");
    assertThat(items.get(1).path("problem").path("errors").get(0).path("field").asText()).isEqualTo("items[1].serviceUpn");
    assertThat(items.get(2).path("id").asText()).isEqualTo(items.get(0).path("id").asText());

    // a whole request over the limit: the 400 the file declares, nothing created
    var tooMany = new ArrayList<Object>();
    for (int i = 0; i < 101; i++) {
      tooMany.add(Map.of("serviceUpn", SALES));
    }
    Exchange refused = connector.on(port).call("POST", "/v1/ExternalTasks/bulk", Map.of("items", tooMany));
    assertThat(describe(errors(refused.requestReport()))).as("the validator sees the broken maxItems")
        .anyMatch(m -> m.startsWith("validation.request.body.schema.maxItems"));
    assertThat(refused.status()).isEqualTo(400);
    assertResponseConforms(refused, "AddExternalTasks");
  }

  @Test
  void theReportsOperationsDeclareEveryFieldOfTheirAnswers() {
    // the replay below refuses an answer field the file does not name, but not one the file names
    // and the answer left out (nulls are not written): a field added to a record must come here too
    assertThat(connector.specProperties("ServiceReport")).isEqualTo(components(Report.class));
    assertThat(connector.specProperties("ReportRow")).isEqualTo(components(ReportRow.class));
    assertThat(connector.specProperties("DurationFigures")).isEqualTo(components(DurationFigures.class));
    assertThat(connector.specProperties("TaskRecord")).isEqualTo(components(TaskRecord.class));

    JsonNode spec = connector.spec();
    Set<String> buckets = Arrays.stream(Bucket.values()).map(Enum::name).collect(Collectors.toSet());
    assertThat(strings(parameter(spec, "GetServiceReport", "bucket").path("enum"))).containsExactlyInAnyOrderElementsOf(buckets);
    assertThat(strings(spec.at("/definitions/ServiceReport/properties/bucket/enum"))).containsExactlyInAnyOrderElementsOf(buckets);
    // agents' figures answer 403 to an API key: the grouping is no parameter of the flow's report
    assertThat(field(operations(spec).get("GetServiceReport").path("parameters"), "name"))
        .containsExactly("from", "to", "bucket", "service", "zone");
    assertThat(field(operations(spec).get("GetTaskHistory").path("parameters"), "name")).containsExactly("from", "to", "service", "zone");
    for (String id : List.of("GetServiceReport", "GetTaskHistory")) {
      assertThat(strings(operations(spec).get(id).path("tags"))).as(id).containsExactly("Reports");
    }
  }

  @Test
  void serviceFiguresAndTaskHistoryOfAHandledAndARemovedTask() throws Exception {
    // given a service of its own (nobody else's tasks in its figures) and one agent on duty
    var scenario = new Scenario(connector.on(port).base());
    String agent = scenario.agent("rita", 1);
    String service = scenario.service("reports", List.of(agent), Map.of("acwSeconds", 0, "serviceLevelSeconds", 120));
    scenario.available(agent);
    Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String handled = replay("POST", "/v1/ExternalTasks", Map.of("serviceUpn", service, "customerIdentifier", "CUST-2001"), "AddExternalTask", 200)
        .json().path("id").asText();
    assertThat(scenario.as(agent).post("/v1/ExternalTasks/" + handled + "/accept", null).status()).isEqualTo(200);
    assertThat(scenario.as(agent).post("/v1/ExternalTasks/" + handled + "/complete", null).status()).isEqualTo(200);
    String removed = replay("POST", "/v1/ExternalTasks", Map.of("serviceUpn", service), "AddExternalTask", 200).json().path("id").asText();
    replay("DELETE", "/v1/ExternalTasks/" + removed + "?reason=duplicate", null, "RemoveExternalTask", 200);
    assertThat(feed.feedAll()).as("events counted").isPositive();

    // when the flow reads the figures per day since yesterday (a date), up to an hour from now (a date-time)
    String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    String later = started.plus(1, ChronoUnit.HOURS).toString();
    JsonNode report =
        replay("GET", "/v1/reports/intervals?from=" + yesterday + "&to=" + later + "&bucket=day&service=" + service + "&zone=UTC", null,
            "GetServiceReport", 200).json();

    // then a row per day for the service, yesterday's empty, and the figures of the two tasks
    assertThat(report.path("bucket").asText()).isEqualTo("day");
    assertThat(report.path("by").asText()).isEqualTo("service");
    JsonNode rows = report.path("rows");
    assertThat(rows.size()).as("rows %s", rows).isGreaterThanOrEqualTo(2);
    assertThat(field(rows, "serviceUpn")).containsOnly(service);
    assertThat(field(rows, "agentUpn")).containsOnlyNulls();
    assertThat(rows.get(0).path("created").asLong()).as("yesterday").isZero();
    assertThat(sum(rows, "created")).isEqualTo(2);
    assertThat(sum(rows, "offered")).isEqualTo(2);
    assertThat(sum(rows, "accepted")).isEqualTo(1);
    assertThat(sum(rows, "acceptedWithinTarget")).isEqualTo(1);
    assertThat(sum(rows, "completed")).isEqualTo(1);
    assertThat(sum(rows, "cancelled")).isEqualTo(1);
    assertThat(sum(rows, "cancelledByFlow")).isEqualTo(1);
    assertThat(sum(rows, "abandoned")).isEqualTo(1);
    assertThat(sum(rows, "waiting", "count")).isEqualTo(1);
    assertThat(sum(rows, "handling", "count")).isEqualTo(1);
    assertThat(sum(rows, "afterWork", "count")).as("no after-work time").isZero();
    for (JsonNode row : rows) {
      assertThat(row.path("serviceLevelTargetSeconds").asInt()).isEqualTo(120);
      long waitEnded = row.path("accepted").asLong() + row.path("abandoned").asLong();
      assertThat(row.has("serviceLevel")).as("service level in %s", row).isEqualTo(waitEnded > 0);
      if (waitEnded > 0) {
        assertThat(row.path("serviceLevel").asDouble()).isEqualTo((double) row.path("acceptedWithinTarget").asLong() / waitEnded);
      }
      assertThat(row.path("waiting").has("p90")).isEqualTo(row.path("waiting").path("count").asLong() > 0);
    }

    // and the task history: both tasks, oldest first
    JsonNode history = replay("GET", "/v1/reports/tasks?from=" + started.minus(1, ChronoUnit.MINUTES) + "&service=" + service + "&zone=UTC",
        null, "GetTaskHistory", 200).json();
    assertThat(field(history, "taskId")).containsExactly(handled, removed);
    JsonNode first = history.get(0);
    assertThat(first.path("agentUpn").asText()).isEqualTo(agent);
    assertThat(first.path("customerIdentifier").asText()).isEqualTo("CUST-2001");
    assertThat(first.path("outcome").asText()).isEqualTo("Handled");
    assertThat(first.path("offers").asInt()).isEqualTo(1);
    assertThat(first.has("acceptedAt") && first.has("handledAt") && first.has("waitingSeconds") && first.has("handlingSeconds")).as(first.toString())
        .isTrue();
    JsonNode second = history.get(1);
    assertThat(second.path("outcome").asText()).isEqualTo("Cancelled");
    assertThat(second.path("cancelledBy").asText()).isEqualTo("flow");
    assertThat(second.has("agentUpn")).isFalse();
  }

  @Test
  void registerAndDeleteTheTaskTrigger() throws Exception {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("services", List.of(SUPPORT));
    config.put("taskEvents", List.of("Created", "Transferred"));
    config.put("modalities", List.of("ExternalTask"));
    config.put("directions", List.of("Inbound"));
    config.put("url", "http://127.0.0.1:9/hook");
    Exchange registered = replay("POST", "/v1/triggers/tasks", Map.of("config", config), "RegisterTaskWebHook", 201);
    String path = URI.create(connector.on(port).base()).resolve(registered.header("Location").orElseThrow()).getPath();

    replay("DELETE", path, null, "DeleteTaskEventsTrigger", 204);
    assertThat(connector.on(port).call("DELETE", path, null).status()).as("gone").isEqualTo(404);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Calls an operation as the connector does: the request valid, the status its success, the answer as
   * declared (the validator also refuses an answer field that the definition does not name).
   */
  private Exchange replay(String method, String path, Object body, String operationId, int status) throws Exception {
    Exchange ex = connector.on(port).call(method, path, body);
    assertRequestValidAndStatus(ex, operationId, status);
    assertResponseConforms(ex, operationId);
    assertThat(routes(connector.spec()).get(operationId)).as("%s is an operation of the file", operationId).isNotNull();
    replayed.add(operationId);
    return ex;
  }

  /** A task with the certified fields and Cumulus's extensions, its values from the lookups' answers. */
  private static Map<String, Object> fullTask(String service) {
    Map<String, Object> task = new LinkedHashMap<>();
    task.put("serviceUpn", service);
    task.put("customerIdentifier", "CUST-1001");
    task.put("customer", Map.of("firstName", "Ada", "lastName", "Lovelace", "primaryTelNumber", "+41440000000"));
    task.put("customContextParameters", List.of(Map.of("name", "orderId", "value", "A-1001")));
    task.put("distributionPriority", "High");
    task.put("preferredUsers", List.of(Map.of("upn", "alice@contoso.com", "priority", 1)));
    // Instant prints its seconds always (OffsetDateTime drops ":00", which the date-time format refuses)
    task.put("expiresAt", Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString());
    task.put("title", "Call back about order A-1001");
    task.put("description", "The customer asked for a call back");
    return task;
  }

  private static Set<String> components(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).collect(Collectors.toCollection(TreeSet::new));
  }

  private static long sum(JsonNode rows, String... path) {
    long total = 0;
    for (JsonNode row : rows) {
      JsonNode value = row;
      for (String name : path) {
        value = value.path(name);
      }
      total += value.asLong();
    }
    return total;
  }

  private static Map<String, JsonNode> operations(JsonNode spec) {
    var operations = new java.util.TreeMap<String, JsonNode>();
    spec.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      if (!op.getKey().startsWith("x-") && !op.getKey().equals("parameters")) {
        operations.put(op.getValue().path("operationId").asText(), op.getValue());
      }
    }));
    return operations;
  }

  private static List<String> operationIds(JsonNode spec) {
    var ids = new ArrayList<String>();
    spec.path("paths").forEach(path -> path.fields().forEachRemaining(op -> {
      if (!op.getKey().startsWith("x-") && !op.getKey().equals("parameters")) {
        ids.add(op.getValue().path("operationId").asText());
      }
    }));
    return ids;
  }

  /** operationId → "METHOD /path". */
  private static Map<String, String> routes(JsonNode spec) {
    var routes = new LinkedHashMap<String, String>();
    spec.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      if (!op.getKey().startsWith("x-") && !op.getKey().equals("parameters")) {
        routes.put(op.getValue().path("operationId").asText(), op.getKey().toUpperCase() + " " + path.getKey());
      }
    }));
    return routes;
  }

  private static JsonNode parameter(JsonNode spec, String operationId, String name) {
    for (JsonNode parameter : operations(spec).get(operationId).path("parameters")) {
      if (parameter.path("name").asText().equals(name)) {
        return parameter;
      }
    }
    throw new AssertionError(operationId + " has no parameter " + name);
  }

  private static String lookup(JsonNode node) {
    return node.path("x-ms-dynamic-values").path("operationId").asText(null);
  }

  private static void collectDynamicValues(JsonNode node, String at, List<String> found) {
    if (node.isObject()) {
      if (node.has("x-ms-dynamic-values")) {
        found.add(at + "=" + node.path("x-ms-dynamic-values").path("operationId").asText());
      }
      node.fields().forEachRemaining(e -> collectDynamicValues(e.getValue(), at + "/" + e.getKey(), found));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectDynamicValues(node.get(i), at + "/" + i, found);
      }
    }
  }
}
