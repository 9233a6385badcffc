package dev.cumulus.connector;

import static dev.cumulus.connector.ContractReplay.assertProblem;
import static dev.cumulus.connector.ContractReplay.assertRequestValidAndStatus;
import static dev.cumulus.connector.ContractReplay.assertResponseConforms;
import static dev.cumulus.connector.ContractReplay.describe;
import static dev.cumulus.connector.ContractReplay.errors;
import static dev.cumulus.connector.ContractReplay.field;
import static dev.cumulus.connector.ContractReplay.keys;
import static dev.cumulus.connector.ContractReplay.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.connector.ContractReplay.Exchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private static final String SUPPORT = "support@contoso.com";
  private static final String SALES = "sales@contoso.com";
  private static final String HOOK_URL = "http://127.0.0.1:9/hook";

  private static ContractReplay contract;

  @LocalServerPort int port;

  @BeforeAll
  static void loadContract() throws IOException {
    contract =
        ContractReplay.of(
            ConnectorContractIT.class.getResource(SPEC),
            LevelResolver.create()
                // the file says OAuth2 (Entra ID); Cumulus authenticates flows with X-API-Key
                .withLevel("validation.request.security.missing", ValidationReport.Level.IGNORE)
                .withLevel("validation.request.security.invalid", ValidationReport.Level.IGNORE)
                .withLevel("validation.request.parameter.header.unexpected", ValidationReport.Level.IGNORE)
                .build(),
            "X-API-Key",
            dev.cumulus.support.Api.FLOW_KEY);
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
  // HTTP and validation (ContractReplay)

  private Exchange call(String method, String path, Object body) throws Exception {
    return contract.on(port).call(method, path, body);
  }

  private HttpResponse<String> send(String method, URI uri, String json) throws Exception {
    return contract.on(port).send(method, uri, json);
  }

  private String base() {
    return contract.on(port).base();
  }

  private static Set<String> specProperties(String definition) {
    return contract.specProperties(definition);
  }
}
