package dev.cumulus.connector;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Calls the running application over HTTP the way the Power Automate connector does and checks every
 * request and response against the connector's Swagger 2.0 file
 * ({@code src/test/resources/connector/luware-nimbus.apiDefinition.swagger.json}, see NOTICE.md there).
 *
 * <p>The file authenticates with OAuth2; we authenticate flows with {@code X-API-Key}, so only the
 * validator's security checks (and a complaint about our extra header) are ignored. Schema, status,
 * content type and body checks stay errors.
 */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:contract-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      // its webhook receivers listen on loopback: allowed by name, as docs/api.md ("Webhooks") says to
      "cumulus.webhooks.allowed-hosts=127.0.0.1",
      "cumulus.demo.enabled=true",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false"
    })
class ConnectorContractIT {

  private static final String SPEC = "/connector/luware-nimbus.apiDefinition.swagger.json";
  private static final String API_KEY = dev.cumulus.support.Api.FLOW_KEY;
  private static final String SUPPORT = "support@contoso.com";
  private static final String SALES = "sales@contoso.com";
  private static final String HOOK_URL = "http://127.0.0.1:9/hook";
  private static final String JSON = "application/json";
  private static final String PROBLEM_JSON = "application/problem+json";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();

  private static OpenApiInteractionValidator validator;
  private static JsonNode spec;

  @LocalServerPort int port;

  @BeforeAll
  static void loadContract() throws IOException {
    try (InputStream in = ConnectorContractIT.class.getResourceAsStream(SPEC)) {
      assertThat(in).as("classpath resource %s", SPEC).isNotNull();
      spec = MAPPER.readTree(in);
    }
    assertThat(spec.path("swagger").asText()).isEqualTo("2.0");
    validator =
        OpenApiInteractionValidator.createForSpecificationUrl(ConnectorContractIT.class.getResource(SPEC).toString())
            .withLevelResolver(
                LevelResolver.create()
                    // the file says OAuth2 (Entra ID); Cumulus authenticates flows with X-API-Key
                    .withLevel("validation.request.security.missing", ValidationReport.Level.IGNORE)
                    .withLevel("validation.request.security.invalid", ValidationReport.Level.IGNORE)
                    .withLevel("validation.request.parameter.header.unexpected", ValidationReport.Level.IGNORE)
                    .build())
            .build();
  }

  // ---------------------------------------------------------------------------------------------
  // lookups (the connector's drop-downs) and the connection test

  @Test
  void getExternalTasksServices_listsTheServicesThatTakeExternalTasks() throws Exception {
    Exchange ex = call("GET", "/v1/ExternalTasks/service-contacts", null);

    assertRequestValidAndStatus(ex, "GetExternalTasksServices", 200);
    assertThat(strings(ex.json())).contains(SUPPORT, SALES);
    assertResponseConforms(ex, "GetExternalTasksServices");
  }

  @Test
  void getExternalTasksDistributionPriorities_areExactlyLowNormalHighStrict() throws Exception {
    Exchange ex = call("GET", "/v1/ExternalTasks/distribution-priorities", null);

    assertRequestValidAndStatus(ex, "GetExternalTasksDistributionPriorities", 200);
    assertThat(field(ex.json(), "name")).containsExactlyInAnyOrder("Low", "Normal", "High", "Strict");
    assertThat(field(ex.json(), "value")).containsExactlyInAnyOrder("Low", "Normal", "High", "Strict");
    assertResponseConforms(ex, "GetExternalTasksDistributionPriorities");
  }

  @Test
  void getUsersForPreferredRouting_listsTheAgents() throws Exception {
    Exchange ex = call("GET", "/v1/tasks/users-for-preferred-routing", null);

    assertRequestValidAndStatus(ex, "GetUsersForPreferredRouting", 200);
    assertThat(strings(ex.json()))
        .contains("alice@contoso.com", "bob@contoso.com", "carol@contoso.com", "dave@contoso.com");
    assertResponseConforms(ex, "GetUsersForPreferredRouting");
  }

  @Test
  void getTaskEvents_namesEveryLifecycleEvent() throws Exception {
    Exchange ex = call("GET", "/v1/tasks/events", null);

    assertRequestValidAndStatus(ex, "GetTaskEvents", 200);
    assertThat(field(ex.json(), "value"))
        .contains(
            "Created", "Queued", "Offered", "Accepted", "Declined", "Rona", "Transferred", "PriorityChanged",
            "Updated", "Completed", "Cancelled", "Expired")
        .doesNotHaveDuplicates();
    assertThat(field(ex.json(), "name")).doesNotContainNull();
    assertResponseConforms(ex, "GetTaskEvents");
  }

  @Test
  void getTaskModalities_offersTheExternalTaskModality() throws Exception {
    Exchange ex = call("GET", "/v1/tasks/modalities", null);

    assertRequestValidAndStatus(ex, "GetTaskModalities", 200);
    assertThat(field(ex.json(), "value")).contains("ExternalTask");
    assertResponseConforms(ex, "GetTaskModalities");
  }

  @Test
  void getTaskDirections_answersNameValuePairs() throws Exception {
    Exchange ex = call("GET", "/v1/tasks/directions", null);

    assertRequestValidAndStatus(ex, "GetTaskDirections", 200);
    assertThat(field(ex.json(), "value")).contains("Inbound").doesNotContainNull();
    assertResponseConforms(ex, "GetTaskDirections");
  }

  @Test
  void testConnection_succeedsWithTheApiKey() throws Exception {
    Exchange ex = call("GET", "/v1/diagnostics/testconnection", null);

    assertRequestValidAndStatus(ex, "TestConnection", 200);
    assertResponseConforms(ex, "TestConnection");
  }

  // ---------------------------------------------------------------------------------------------
  // external tasks

  @Test
  void addExternalTask_withEveryOptionalField_answers200WithLocation() throws Exception {
    Map<String, Object> body = fullAddRequest(SUPPORT);
    assertThat(body.keySet()).as("every property of ExternalTaskWriteDto is sent")
        .containsExactlyInAnyOrderElementsOf(specProperties("ExternalTaskWriteDto"));

    Exchange ex = call("POST", "/v1/ExternalTasks", body);

    assertRequestValidAndStatus(ex, "AddExternalTask", 200);
    JsonNode result = ex.json();
    String id = result.path("id").asText();
    assertThat(id).isNotBlank();
    assertThat(ex.header("Location")).as("Location header").isPresent();
    assertThat(URI.create(base()).resolve(ex.header("Location").orElseThrow()).getPath())
        .isEqualTo("/v1/ExternalTasks/" + id);
    assertThat(result.path("modality").asText()).isEqualTo("ExternalTask");
    assertThat(result.path("serviceUPN").asText()).isEqualTo(SUPPORT);
    assertThat(field(result.path("preferredUsers"), "upn")).containsExactly("alice@contoso.com", "bob@contoso.com");
    assertThat(field(result.path("preferredUsers"), "priority")).containsExactly("1", "5");
    assertResponseConforms(ex, "AddExternalTask");
  }

  @Test
  void addExternalTask_forAnUnknownService_answers400NamingServiceUpn() throws Exception {
    Map<String, Object> body = fullAddRequest("nobody@contoso.com");

    Exchange ex = call("POST", "/v1/ExternalTasks", body);

    assertThat(describe(errors(ex.requestReport()))).as("the request is valid under the file").isEmpty();
    assertThat(ex.status()).isEqualTo(400);
    assertThat(keys(ex.responseReport())).as("400 is a status the file declares for AddExternalTask")
        .doesNotContain("validation.response.status.unknown");
    assertProblem(ex);
    assertThat(ex.json().path("errors").get(0).path("field").asText()).isEqualTo("serviceUpn");
  }

  @Test
  void addExternalTask_withPreferredUserPriority0_isInvalidForTheFileAndRefused() throws Exception {
    Map<String, Object> body = fullAddRequest(SUPPORT);
    body.put("preferredUsers", List.of(Map.of("upn", "alice@contoso.com", "priority", 0)));

    Exchange ex = call("POST", "/v1/ExternalTasks", body);

    assertThat(keys(errors(ex.requestReport())))
        .as("the validator sees the broken minimum")
        .contains("validation.request.body.schema.minimum");
    assertThat(ex.status()).isEqualTo(400);
    assertProblem(ex);
    assertThat(field(ex.json().path("errors"), "field")).contains("preferredUsers[0].priority");
  }

  @Test
  void addExternalTask_with11PreferredUsers_isInvalidForTheFileAndRefused() throws Exception {
    Map<String, Object> body = fullAddRequest(SUPPORT);
    body.put(
        "preferredUsers",
        IntStream.rangeClosed(1, 11).mapToObj(i -> Map.<String, Object>of("upn", "user" + i + "@contoso.com", "priority", i)).toList());

    Exchange ex = call("POST", "/v1/ExternalTasks", body);

    assertThat(keys(errors(ex.requestReport())))
        .as("the validator sees the broken maxItems")
        .contains("validation.request.body.schema.maxItems");
    assertThat(ex.status()).isEqualTo(400);
    assertProblem(ex);
    assertThat(field(ex.json().path("errors"), "field")).contains("preferredUsers");
  }

  @Test
  void updateTask_withFullTaskInformation_answers200() throws Exception {
    String id = addTask(SALES);
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("customer", fullCustomer("Erin", "Ewing"));
    info.put(
        "customContextParameters",
        List.of(Map.of("name", "orderId", "value", "A-2002"), Map.of("name", "callbackReason", "value", "delivery")));
    info.put(
        "preferredUsers",
        List.of(Map.of("upn", "dave@contoso.com", "priority", 1), Map.of("upn", "carol@contoso.com", "priority", 99)));
    assertThat(info.keySet()).as("every property of TaskInformation is sent")
        .containsExactlyInAnyOrderElementsOf(specProperties("TaskInformation"));

    Exchange ex = call("PUT", "/v1/tasks/" + id, info);

    assertRequestValidAndStatus(ex, "UpdateTask", 200);
    JsonNode task = call("GET", "/v1/ExternalTasks/" + id, null).json();
    assertThat(task.path("customer").path("UPN").asText()).isEqualTo("erin.ewing@fabrikam.com");
    assertThat(field(task.path("customer").path("telNumbers"), "name")).containsExactly("mobile", "office");
    assertThat(field(task.path("customer").path("customFields"), "name")).containsExactly("tier", "language");
    assertThat(field(task.path("customContextParameters"), "name")).contains("orderId", "callbackReason");
    assertThat(field(task.path("preferredUsers"), "upn")).containsExactly("dave@contoso.com", "carol@contoso.com");
    assertThat(field(task.path("preferredUsers"), "priority")).containsExactly("1", "99");
    assertResponseConforms(ex, "UpdateTask");
  }

  @Test
  void removeExternalTask_answers200() throws Exception {
    String id = addTask(SUPPORT);

    Exchange ex = call("DELETE", "/v1/ExternalTasks/" + id, null);

    assertRequestValidAndStatus(ex, "RemoveExternalTask", 200);
    assertResponseConforms(ex, "RemoveExternalTask");
  }

  // ---------------------------------------------------------------------------------------------
  // task trigger

  @Test
  void registerTaskWebHook_answers201WithTheLocationOfItsDeleteUrl() throws Exception {
    Exchange ex = call("POST", "/v1/triggers/tasks", triggerRequest());

    assertRequestValidAndStatus(ex, "RegisterTaskWebHook", 201);
    String location = ex.header("Location").orElse(null);
    assertThat(location).as("Location header of the created trigger").isNotBlank();
    URI deleteUrl = URI.create(base()).resolve(location);
    assertThat(deleteUrl.getPath()).matches("/v1/triggers/tasks/[^/]+");
    assertThat(deleteUrl.getPort()).as("Location %s points at this server", location).isEqualTo(port);
    // Power Automate deletes the trigger by calling DELETE on exactly that URL
    assertThat(send("DELETE", deleteUrl, null).statusCode()).isEqualTo(204);
    assertResponseConforms(ex, "RegisterTaskWebHook");
  }

  @Test
  void deleteTaskEventsTrigger_answers204() throws Exception {
    Exchange registered = call("POST", "/v1/triggers/tasks", triggerRequest());
    assertThat(registered.status()).as("trigger registered: %s", registered.body()).isEqualTo(201);
    String path = URI.create(base()).resolve(registered.header("Location").orElseThrow()).getPath();

    Exchange ex = call("DELETE", path, null);

    assertRequestValidAndStatus(ex, "DeleteTaskEventsTrigger", 204);
    assertThat(call("GET", path, null).status()).as("the trigger is gone").isEqualTo(404);
    assertResponseConforms(ex, "DeleteTaskEventsTrigger");
  }

  // ---------------------------------------------------------------------------------------------
  // requests valid under the file

  /** An ExternalTaskWriteDto with every field; the priority and preferred users come from the lookups. */
  private Map<String, Object> fullAddRequest(String serviceUpn) throws Exception {
    JsonNode priorities = call("GET", "/v1/ExternalTasks/distribution-priorities", null).json();
    String high =
        StreamSupport.stream(priorities.spliterator(), false)
            .filter(p -> "High".equals(p.path("name").asText()))
            .map(p -> p.path("value").asText())
            .findFirst()
            .orElseThrow(() -> new AssertionError("no priority High in " + priorities));
    List<String> users = strings(call("GET", "/v1/tasks/users-for-preferred-routing", null).json());
    assertThat(users).contains("alice@contoso.com", "bob@contoso.com");

    Map<String, Object> body = new LinkedHashMap<>();
    body.put("serviceUpn", serviceUpn);
    body.put("customerIdentifier", "CUST-1001");
    body.put("customer", fullCustomer("Frank", "Fischer"));
    body.put(
        "customContextParameters",
        List.of(Map.of("name", "orderId", "value", "A-1001"), Map.of("name", "channel", "value", "web")));
    body.put("distributionPriority", high);
    body.put(
        "preferredUsers",
        List.of(Map.of("upn", "alice@contoso.com", "priority", 1), Map.of("upn", "bob@contoso.com", "priority", 5)));
    return body;
  }

  /** A Customer with every property of the file's Customer definition. */
  private static Map<String, Object> fullCustomer(String first, String last) {
    String upn = (first + "." + last).toLowerCase() + "@fabrikam.com";
    Map<String, Object> customer = new LinkedHashMap<>();
    customer.put("firstName", first);
    customer.put("lastName", last);
    customer.put("displayName", first + " " + last);
    customer.put("company", "Fabrikam");
    customer.put("jobTitle", "Buyer");
    customer.put("department", "Purchasing");
    customer.put("streetAddress", "1 Main Street");
    customer.put("postCode", "8000");
    customer.put("city", "Zurich");
    customer.put("state", "ZH");
    customer.put("country", "Switzerland");
    customer.put("primaryTelNumber", "+41441234567");
    customer.put(
        "telNumbers", List.of(Map.of("name", "mobile", "value", "+41791234567"), Map.of("name", "office", "value", "+41449876543")));
    customer.put("UPN", upn);
    customer.put("imAddress", upn);
    customer.put("email", upn);
    customer.put("customFields", List.of(Map.of("name", "tier", "value", "gold"), Map.of("name", "language", "value", "de")));
    assertThat(customer.keySet()).as("every property of Customer is sent")
        .containsExactlyInAnyOrderElementsOf(specProperties("Customer"));
    return customer;
  }

  /** A RegisterTaskWebHook body with every config field, the values taken from the lookups. */
  private Map<String, Object> triggerRequest() throws Exception {
    List<String> events = field(call("GET", "/v1/tasks/events", null).json(), "value");
    List<String> modalities = field(call("GET", "/v1/tasks/modalities", null).json(), "value");
    List<String> directions = field(call("GET", "/v1/tasks/directions", null).json(), "value");
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("services", List.of(SUPPORT, SALES));
    config.put("taskEvents", events);
    config.put("modalities", modalities);
    config.put("directions", directions);
    config.put("url", HOOK_URL);
    return Map.of("config", config);
  }

  private String addTask(String serviceUpn) throws Exception {
    Exchange ex = call("POST", "/v1/ExternalTasks", fullAddRequest(serviceUpn));
    assertThat(ex.status()).as("task created: %s", ex.body()).isEqualTo(200);
    return ex.json().path("id").asText();
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP and validation

  /** One call: what was sent and received, and the validator's verdict on each side. */
  record Exchange(
      String operation, HttpResponse<String> response, ValidationReport requestReport, ValidationReport responseReport) {

    int status() {
      return response.statusCode();
    }

    String body() {
      return response.body();
    }

    Optional<String> header(String name) {
      return response.headers().firstValue(name);
    }

    JsonNode json() throws IOException {
      return MAPPER.readTree(body());
    }
  }

  private Exchange call(String method, String path, Object body) throws Exception {
    String json = body == null ? null : MAPPER.writeValueAsString(body);
    HttpResponse<String> response = send(method, URI.create(base() + path), json);

    var request = new SimpleRequest.Builder(Request.Method.valueOf(method), path).withHeader("X-API-Key", API_KEY).withAccept(JSON);
    if (json != null) {
      request.withContentType(JSON).withBody(json);
    }
    var received = SimpleResponse.Builder.status(response.statusCode());
    response.headers().map().forEach(received::withHeader);
    if (!response.body().isEmpty()) {
      received.withBody(response.body());
    }
    ValidationReport requestReport = validator.validateRequest(request.build());
    ValidationReport responseReport = validator.validateResponse(path, Request.Method.valueOf(method), received.build());
    return new Exchange(method + " " + path, response, requestReport, responseReport);
  }

  private HttpResponse<String> send(String method, URI uri, String json) throws Exception {
    var request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("X-API-Key", API_KEY)
            .header("Accept", JSON);
    if (json != null) {
      request.header("Content-Type", JSON).method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private String base() {
    return "http://localhost:" + port;
  }

  /** The request is valid under the file and the status is the file's success status. */
  private static void assertRequestValidAndStatus(Exchange ex, String operationId, int successStatus) {
    assertThat(describe(errors(ex.requestReport())))
        .as("%s (%s): validator errors in the request", operationId, ex.operation())
        .isEmpty();
    assertThat(ex.status())
        .as("%s (%s): status; body: %s", operationId, ex.operation(), ex.body())
        .isEqualTo(successStatus);
  }

  /** The response (status, content type, headers, body) is what the file declares. */
  private static void assertResponseConforms(Exchange ex, String operationId) {
    assertThat(describe(errors(ex.responseReport())))
        .as("%s (%s): validator errors in the %d response %s", operationId, ex.operation(), ex.status(), ex.body())
        .isEmpty();
  }

  private static void assertProblem(Exchange ex) throws IOException {
    assertThat(ex.header("Content-Type")).as("Content-Type").hasValueSatisfying(ct -> assertThat(ct).startsWith(PROBLEM_JSON));
    assertThat(ex.json().path("status").asInt()).isEqualTo(ex.status());
    assertThat(ex.json().path("errors").isArray()).as("errors in %s", ex.body()).isTrue();
    assertThat(ex.json().path("errors")).isNotEmpty();
  }

  private static List<ValidationReport.Message> errors(ValidationReport report) {
    return report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR).toList();
  }

  private static List<String> keys(ValidationReport report) {
    return keys(report.getMessages());
  }

  private static List<String> keys(List<ValidationReport.Message> messages) {
    return messages.stream().map(ValidationReport.Message::getKey).toList();
  }

  private static List<String> describe(List<ValidationReport.Message> messages) {
    return messages.stream()
        .map(m -> m.getKey() + ": " + m.getMessage() + (m.getAdditionalInfo().isEmpty() ? "" : " " + m.getAdditionalInfo()))
        .collect(Collectors.toList());
  }

  private static List<String> strings(JsonNode array) {
    assertThat(array.isArray()).as("array expected: %s", array).isTrue();
    List<String> values = new ArrayList<>();
    array.forEach(n -> values.add(n.asText()));
    return values;
  }

  private static List<String> field(JsonNode array, String name) {
    assertThat(array.isArray()).as("array expected: %s", array).isTrue();
    List<String> values = new ArrayList<>();
    array.forEach(n -> values.add(n.hasNonNull(name) ? n.get(name).asText() : null));
    return values;
  }

  private static Set<String> specProperties(String definition) {
    JsonNode properties = spec.path("definitions").path(definition).path("properties");
    assertThat(properties.isObject()).as("definition %s in the file", definition).isTrue();
    Set<String> names = new TreeSet<>();
    properties.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
