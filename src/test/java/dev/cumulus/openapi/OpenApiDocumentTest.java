package dev.cumulus.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cumulus.support.Api;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The OpenAPI document is a contract a generated client can trust: every operation has a summary, its
 * problem answers with the Problem body, and a security requirement that matches who really gets in;
 * the enums are enums; the document is valid OpenAPI; and it equals the committed copy that the build
 * generates its test client from ({@code src/test/resources/openapi/cumulus.json}).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:openapi-doc;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false"
    })
class OpenApiDocumentTest {

  static final Path COMMITTED = Path.of("src/test/resources/openapi/cumulus.json");

  /** Operations anybody may call without credentials. Under /v1 there are none. */
  static final Set<String> PUBLIC_OPERATIONS = Set.of();

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @LocalServerPort int port;

  String base;
  JsonNode document;

  @BeforeEach
  void fetch() {
    base = "http://127.0.0.1:" + port;
    var response = Api.anonymous(base).get("/v3/api-docs");
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    document = response.body();
  }

  @Test
  void everyOperationHasASummaryProblemAnswersAndSecurity() {
    var withoutSummary = new ArrayList<String>();
    var withoutProblems = new ArrayList<String>();
    var withoutSecurity = new ArrayList<String>();
    var badProblems = new ArrayList<String>();
    forEachOperation((name, operation) -> {
      if (operation.path("summary").asText("").isBlank()) {
        withoutSummary.add(name);
      }
      boolean has4xx = false;
      for (Map.Entry<String, JsonNode> response : operation.path("responses").properties()) {
        if (response.getKey().startsWith("4")) {
          has4xx = true;
          JsonNode problem = response.getValue().path("content").path("application/problem+json");
          if (!problem.path("schema").path("$ref").asText().equals("#/components/schemas/Problem")
              || problem.path("example").path("status").asInt() != Integer.parseInt(response.getKey())
              || !problem.path("example").path("type").asText().startsWith("urn:cumulus:problem:")
              || !problem.path("example").path("instance").asText().matches("/v1/[^{}]+")) {
            badProblems.add(name + " " + response.getKey());
          }
        }
      }
      if (!has4xx) {
        withoutProblems.add(name);
      }
      JsonNode security = operation.has("security") ? operation.get("security") : document.path("security");
      if (security.isEmpty() && !PUBLIC_OPERATIONS.contains(name)) {
        withoutSecurity.add(name);
      }
    });

    assertThat(withoutSummary).as("operations without a summary").isEmpty();
    assertThat(withoutProblems).as("operations without a 4xx problem answer").isEmpty();
    assertThat(badProblems).as("4xx answers without the Problem schema and a matching example").isEmpty();
    assertThat(withoutSecurity).as("operations without security").isEmpty();
    assertThat(document.path("components").path("securitySchemes").path("basicAuth").path("scheme").asText()).isEqualTo("basic");
    assertThat(document.path("components").path("securitySchemes").path("apiKey").path("name").asText()).isEqualTo("X-API-Key");
  }

  @Test
  void problemAnswersAreDeclaredWhereTheyApply() {
    JsonNode paths = document.path("paths");
    // a list has nothing to be missing; a read has no body to be invalid
    assertThat(statuses(paths.path("/v1/ExternalTasks").path("get"))).containsExactly("200", "400", "401", "403");
    assertThat(statuses(paths.path("/v1/ExternalTasks/{id}").path("get"))).containsExactly("200", "401", "403", "404");
    assertThat(statuses(paths.path("/v1/ExternalTasks").path("post")))
        .containsExactly("200", "400", "401", "403", "409", "422", "429");
    assertThat(statuses(paths.path("/v1/ExternalTasks/{id}/transfer").path("post"))).contains("409", "429");
    // create or replace: what the path names cannot be missing
    assertThat(statuses(paths.path("/v1/services/{serviceUpn}").path("put"))).containsExactly("200", "201", "400", "401", "403");
    JsonNode tooMany = paths.path("/v1/ExternalTasks").path("post").path("responses").path("429");
    assertThat(tooMany.path("headers").has("Retry-After")).isTrue();
  }

  @Test
  void theProblemSchemaIsWhatTheErrorsAreAndEnumsAreEnums() {
    JsonNode schemas = document.path("components").path("schemas");
    assertThat(fieldNames(schemas.path("Problem").path("properties")))
        .containsExactlyInAnyOrder("type", "title", "status", "detail", "instance", "errors");
    assertThat(fieldNames(schemas.path("FieldError").path("properties"))).containsExactlyInAnyOrder("field", "rule", "message");

    // a real 400 has exactly the fields the schema declares
    var invalid = Api.flow(base).post("/v1/ExternalTasks", Api.map("customerIdentifier", "C-1"));
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.contentType()).startsWith("application/problem+json");
    assertThat(fieldNames(schemas.path("Problem").path("properties"))).containsAll(fieldNames(invalid.body()));
    assertThat(fieldNames(schemas.path("FieldError").path("properties"))).containsAll(fieldNames(invalid.body().path("errors").get(0)));

    assertThat(enumOf(schemas, "TaskState")).contains("InWorkflow", "Queued", "Offered", "Connected", "AfterWork", "Completed");
    assertThat(enumOf(schemas, "TaskEventType")).contains("Created", "Rona", "Notified");
    assertThat(enumOf(schemas, "DistributionPriority")).containsExactly("Low", "Normal", "High", "Strict");
    assertThat(enumOf(schemas, "Presence")).containsExactly("Available", "Busy", "Away", "Offline");
    assertThat(enumOf(schemas, "Outcome")).containsExactly("Handled", "Cancelled", "Abandoned", "Expired");
    assertThat(schemas.path("ExternalTaskView").path("properties").path("state").path("$ref").asText()).endsWith("/TaskState");
    assertThat(schemas.path("Event").path("properties").path("event").path("$ref").asText()).endsWith("/TaskEventType");
    assertThat(schemas.path("TriggerConfig").path("properties").path("taskEvents").path("items").path("$ref").asText()).endsWith("/TaskEventType");
    assertThat(schemas.path("UserView").path("properties").path("presence").path("$ref").asText()).endsWith("/Presence");
  }

  /** The declared security is who really gets in: nobody without credentials, flows where apiKey is named. */
  @Test
  void securityRequirementsMatchWhoGetsIn() {
    var wrong = new ArrayList<String>();
    forEachOperation((name, operation) -> {
      String[] parts = name.split(" ", 2);
      String path = parts[1].replaceAll("\\{[^}]+}", "x");
      Object body = operation.has("requestBody") ? Map.of() : null;
      var anonymous = Api.anonymous(base).send(parts[0], path, body, "application/json");
      if (anonymous.status() != 401 || !anonymous.contentType().startsWith("application/problem+json")) {
        wrong.add(name + ": without credentials " + anonymous.status());
      }
      JsonNode security = operation.has("security") ? operation.get("security") : document.path("security");
      boolean flowsDeclared = security.findValues("apiKey").size() > 0;
      var asFlow = Api.flow(base).send(parts[0], path, body, "application/json");
      if (flowsDeclared && (asFlow.status() == 401 || asFlow.status() == 403)) {
        wrong.add(name + ": declared for flows, but a flow gets " + asFlow);
      }
      if (!flowsDeclared && asFlow.status() < 400) {
        wrong.add(name + ": declared for people only, but a flow gets " + asFlow.status());
      }
    });
    assertThat(wrong).isEmpty();
  }

  @Test
  void isValidOpenApi() throws Exception {
    var result = parse(document);
    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getPaths()).hasSizeGreaterThanOrEqualTo(30);
  }

  private static SwaggerParseResult parse(JsonNode document) throws Exception {
    var options = new ParseOptions();
    options.setResolve(true);
    return new OpenAPIV3Parser().readContents(JSON.writeValueAsString(document), null, options);
  }

  /**
   * The build generates the test client from the committed copy, so it must be the live document.
   * {@code ./mvnw test -Dtest=OpenApiDocumentTest -Dopenapi.refresh=true} writes it anew.
   */
  @Test
  void theCommittedDocumentIsTheLiveOne() throws Exception {
    String live = JSON.writeValueAsString(document) + "\n";
    if (Boolean.getBoolean("openapi.refresh")) {
      // never commit a document the generator would refuse: the next build could not compile its client
      assertThat(parse(document).getMessages()).as("not refreshed: the live document is not valid OpenAPI").isEmpty();
      Files.createDirectories(COMMITTED.getParent());
      Files.writeString(COMMITTED, live, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(COMMITTED)).as(COMMITTED + " is missing; write it with -Dopenapi.refresh=true").isTrue();
    JsonNode committed = JSON.readTree(Files.readString(COMMITTED, StandardCharsets.UTF_8));
    var differences = new ArrayList<String>();
    differences(committed, document, "", differences);
    assertThat(differences)
        .as(COMMITTED + " differs from /v3/api-docs: the API changed. Refresh it with "
            + "./mvnw test -Dtest=OpenApiDocumentTest -Dopenapi.refresh=true, review the diff and commit it")
        .isEmpty();
  }

  /** Up to 20 JSON pointers where the two documents differ, with both values shortened. */
  private static void differences(JsonNode committed, JsonNode live, String at, List<String> found) {
    if (found.size() >= 20 || committed.equals(live)) {
      return;
    }
    if (committed.isObject() && live.isObject()) {
      var names = new TreeSet<>(fieldNames(committed));
      names.addAll(fieldNames(live));
      for (String name : names) {
        differences(committed.path(name), live.path(name), at + "/" + name.replace("~", "~0").replace("/", "~1"), found);
      }
      return;
    }
    found.add(at + ": committed " + shorten(committed) + ", live " + shorten(live));
  }

  private static String shorten(JsonNode node) {
    String text = node.isMissingNode() ? "(absent)" : node.toString();
    return text.length() > 120 ? text.substring(0, 120) + "…" : text;
  }

  private void forEachOperation(BiConsumer<String, JsonNode> action) {
    for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        action.accept(op.getKey().toUpperCase() + " " + path.getKey(), op.getValue());
      }
    }
    assertThat(document.path("paths").size()).isGreaterThanOrEqualTo(30);
  }

  private static List<String> statuses(JsonNode operation) {
    return new ArrayList<>(fieldNames(operation.path("responses")));
  }

  private static Set<String> fieldNames(JsonNode node) {
    var names = new TreeSet<String>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> enumOf(JsonNode schemas, String name) {
    var values = new ArrayList<String>();
    schemas.path(name).path("enum").forEach(v -> values.add(v.asText()));
    return values;
  }
}
