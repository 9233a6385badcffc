package dev.cumulus.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

/** The whole path: trigger registered over the API, task created over the API, events POSTed to a receiver. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:webhook-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      // the test receiver listens on loopback, as an on-premises receiver named by the operator would
      "cumulus.webhooks.allowed-hosts=127.0.0.1",
      "cumulus.demo.enabled=false",
      "cumulus.webhooks.initial-backoff=PT0.1S",
      "cumulus.webhooks.poll-interval=PT0.1S"
    })
class WebhookDeliveryIT {

  private static final String FLOW_KEY = dev.cumulus.support.Api.FLOW_KEY;

  @Autowired TestRestTemplate rest;
  @Autowired JdbcTemplate jdbc;
  @Autowired ObjectMapper mapper;
  @Autowired MeterRegistry meters;

  private Receiver receiver;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = new Receiver();
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop();
  }

  @Test
  void postsCreatedThenQueuedWithTheTaskAndServiceFields() throws Exception {
    // given
    String service = newService();
    ResponseEntity<String> registered =
        flowRequest(HttpMethod.POST, "/v1/triggers/tasks", trigger(service, List.of("Created", "Queued"), receiver.url("/ok")), String.class);
    // the connector file's 201 has no schema: Location only, no body
    assertThat(registered.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(registered.getBody()).isNull();
    assertThat(registered.getHeaders().getContentType()).isNull();
    URI location = registered.getHeaders().getLocation();
    assertThat(location).isNotNull();
    assertThat(location.isAbsolute()).isTrue();
    assertThat(location.getPath()).startsWith("/v1/triggers/tasks/");
    String triggerId = location.getPath().substring("/v1/triggers/tasks/".length());
    JsonNode view = asFlow(HttpMethod.GET, "/v1/triggers/tasks/" + triggerId, null).getBody();
    assertThat(view.get("id").asText()).isEqualTo(triggerId);
    assertThat(view.get("services")).containsExactly(mapper.valueToTree(service));
    assertThat(view.get("url").asText()).isEqualTo(receiver.url("/ok"));

    // when
    String taskId = createTask(service);

    // then
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.delivered("/ok").size() >= 2);
    List<JsonNode> events = receiver.delivered("/ok");
    assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("Created", "Queued");
    JsonNode created = events.get(0);
    assertThat(created.get("taskId").asText()).isEqualTo(taskId);
    assertThat(created.get("serviceUPN").asText()).isEqualTo(service);
    assertThat(created.get("serviceName").asText()).isEqualTo(service);
    assertThat(created.get("serviceDisplayName").asText()).isEqualTo("Webhook test service");
    assertThat(created.get("serviceId").asText()).isNotBlank();
    assertThat(created.get("direction").asText()).isEqualTo("Inbound");
    assertThat(created.get("modality").asText()).isEqualTo("ExternalTask");
    assertThat(created.get("customerIdentifier").asText()).isEqualTo("C-42");
    assertThat(created.get("isAnonymous").asBoolean()).isFalse();
    assertThat(created.get("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
    assertThat(created.get("taskInformation").get("customContextParameters").get(0).get("name").asText()).isEqualTo("orderId");
    // the delivery metadata also travels in headers
    List<Headers> headers = receiver.headers("/ok");
    assertThat(headers).allSatisfy(h -> assertThat(h.getFirst("Content-Type")).startsWith("application/json"));
    assertThat(headers).extracting(h -> h.getFirst("Cumulus-Delivery-Attempt")).containsExactly("1", "1");
    long createdEventId = Long.parseLong(headers.get(0).getFirst("Cumulus-Event-Id"));
    long queuedEventId = Long.parseLong(headers.get(1).getFirst("Cumulus-Event-Id"));
    assertThat(queuedEventId).isGreaterThan(createdEventId);
    List<Map<String, Object>> rows =
        jdbc.queryForList("select id, event_id from webhook_delivery where subscription_id = ? order by id", triggerId);
    assertThat(rows).extracting(r -> ((Number) r.get("EVENT_ID")).longValue()).containsExactly(createdEventId, queuedEventId);
    assertThat(headers)
        .extracting(h -> h.getFirst("Cumulus-Delivery-Id"))
        .containsExactly(rows.get(0).get("ID").toString(), rows.get(1).get("ID").toString());
  }

  /** The payload as docs/api.md ("Webhooks") describes it: the connector's TaskEventData and our four fields. */
  @Test
  void deliversTheDocumentedPayloadFieldByField() throws Exception {
    // given a trigger on Created and Accepted, and the service's agent Available
    String service = newService();
    String agent = asAdmin(HttpMethod.GET, "/v1/services/" + service, null).getBody().get("members").get(0).asText();
    register(trigger(service, List.of("Created", "Accepted"), receiver.url("/fields")));
    var presence = rest.withBasicAuth(agent, "secret-1")
        .exchange("/v1/users/" + agent + "/state", HttpMethod.PUT, json(Map.of("presence", "Available")), JsonNode.class);
    assertThat(presence.getStatusCode()).isEqualTo(HttpStatus.OK);

    // when a flow creates a task, it is offered to the agent, and the agent accepts it
    String taskId = createTask(service);
    var accepted = rest.withBasicAuth(agent, "secret-1")
        .exchange("/v1/ExternalTasks/" + taskId + "/accept", HttpMethod.POST, json(null), JsonNode.class);
    assertThat(accepted.getStatusCode()).as(String.valueOf(accepted.getBody())).isEqualTo(HttpStatus.OK);

    // then both payloads arrive, and each field is what the task and its events say
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.delivered("/fields").size() >= 2);
    List<JsonNode> payloads = receiver.delivered("/fields");
    List<Headers> headers = receiver.headers("/fields");
    JsonNode task = asFlow(HttpMethod.GET, "/v1/ExternalTasks/" + taskId, null).getBody();
    JsonNode createdEvent = eventNamed(task, "Created");
    JsonNode acceptedEvent = eventNamed(task, "Accepted");

    JsonNode created = payloads.get(0);
    assertThat(created.get("event").asText()).isEqualTo("Created");
    assertThat(created.get("state").asText()).isEqualTo(createdEvent.get("state").asText());
    assertThat(Instant.parse(created.get("occurredAt").asText())).isEqualTo(Instant.parse(createdEvent.get("occurredAt").asText()));
    assertThat(created.get("occurredAt").asText()).endsWith("Z");
    assertThat(created.get("eventId").isTextual()).isTrue();
    assertThat(created.get("eventId").asText()).isEqualTo(headers.get(0).getFirst("Cumulus-Event-Id"));
    assertThat(created.get("actor").asText()).isEqualTo(createdEvent.get("actor").asText()).startsWith("flow:");
    assertThat(created.has("LastConnectedUserUPN")).isFalse();

    JsonNode accept = payloads.get(1);
    assertThat(fieldNames(accept))
        .containsExactlyInAnyOrder(
            "taskId", "event", "direction", "modality", "created", "lastConnectedUserId", "LastConnectedUserUPN",
            "LastConnectedUserEmail", "isAnonymous", "customerIdentifier", "serviceId", "serviceName", "serviceDisplayName", "serviceUPN", "taskInformation", "state", "occurredAt", "eventId", "actor");
    assertThat(accept.get("taskId").asText()).isEqualTo(taskId);
    assertThat(accept.get("event").asText()).isEqualTo("Accepted");
    assertThat(accept.get("state").asText()).isEqualTo("Connected").isEqualTo(acceptedEvent.get("state").asText());
    assertThat(Instant.parse(accept.get("occurredAt").asText())).isEqualTo(Instant.parse(acceptedEvent.get("occurredAt").asText()));
    assertThat(accept.get("eventId").asLong()).isGreaterThan(created.get("eventId").asLong());
    assertThat(accept.get("eventId").asText()).isEqualTo(headers.get(1).getFirst("Cumulus-Event-Id"));
    assertThat(accept.get("actor").asText()).isEqualTo(agent);
    assertThat(accept.get("direction").asText()).isEqualTo("Inbound");
    assertThat(accept.get("modality").asText()).isEqualTo("ExternalTask");
    assertThat(Instant.parse(accept.get("created").asText())).isEqualTo(Instant.parse(task.get("created").asText()));
    assertThat(accept.get("lastConnectedUserId").asText()).isEqualTo(agent);
    assertThat(accept.get("LastConnectedUserUPN").asText()).isEqualTo(agent);
    assertThat(accept.get("LastConnectedUserEmail").asText()).isEqualTo(agent);
    assertThat(accept.get("isAnonymous").asBoolean()).isFalse();
    assertThat(accept.get("customerIdentifier").asText()).isEqualTo("C-42");
    assertThat(accept.get("serviceUPN").asText()).isEqualTo(service);
    assertThat(accept.get("serviceName").asText()).isEqualTo(service);
    assertThat(accept.get("serviceDisplayName").asText()).isEqualTo("Webhook test service");
    assertThat(accept.has("serviceDescription")).as("the service has no description: no null is sent").isFalse();
    assertThat(accept.get("serviceId").asText()).isNotBlank();
    assertThat(accept.get("taskInformation").get("customContextParameters").get(0).get("name").asText()).isEqualTo("orderId");
    assertThat(accept.get("taskInformation").get("customContextParameters").get(0).get("value").asText()).isEqualTo("A-1");

    // and the OpenAPI document's callback of RegisterTaskWebHook declares every field sent, with these values
    JsonNode document = rest.getForObject("/v3/api-docs", JsonNode.class);
    JsonNode callback = document.at("/paths/~1v1~1triggers~1tasks/post/callbacks/taskEvent/{$request.body#~1config~1url}/post");
    assertThat(callback.at("/requestBody/content/application~1json/schema/$ref").asText()).isEqualTo("#/components/schemas/TaskEventData");
    JsonNode schemas = document.at("/components/schemas");
    for (JsonNode payload : payloads) {
      assertThat(fieldNames(schemas.at("/TaskEventData/properties"))).containsAll(fieldNames(payload));
      assertThat(schemas.at("/TaskState/enum")).extracting(JsonNode::asText).contains(payload.get("state").asText());
      assertThat(schemas.at("/TaskEventType/enum")).extracting(JsonNode::asText).contains(payload.get("event").asText());
    }
  }

  private static JsonNode eventNamed(JsonNode task, String name) {
    for (JsonNode event : task.get("events")) {
      if (event.get("event").asText().equals(name)) {
        return event;
      }
    }
    throw new AssertionError("no " + name + " event in " + task);
  }

  private static java.util.Set<String> fieldNames(JsonNode node) {
    var names = new java.util.TreeSet<String>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static HttpEntity<Object> json(Object body) {
    var headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return new HttpEntity<>(body, headers);
  }

  @Test
  void retriesAFailingReceiverAndDeliversEveryEventOnceInOrder() throws Exception {
    // given a receiver that answers 503 to its first two requests
    String service = newService();
    receiver.failFirst("/flaky", 2);
    String triggerId = register(trigger(service, List.of("Created", "Queued"), receiver.url("/flaky")));

    // when
    String taskId = createTask(service);

    // then Created is tried three times and Queued waits for it
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.delivered("/flaky").size() >= 2);
    await()
        .during(Duration.ofMillis(800))
        .atMost(Duration.ofSeconds(5))
        .until(() -> receiver.delivered("/flaky").size() == 2);
    assertThat(receiver.requests("/flaky")).extracting(e -> e.get("event").asText()).containsExactly("Created", "Created", "Created", "Queued");
    assertThat(receiver.delivered("/flaky")).extracting(e -> e.get("taskId").asText()).containsOnly(taskId);
    // a retry is the same event and the same delivery, one attempt further
    List<Headers> headers = receiver.headers("/flaky");
    assertThat(headers).extracting(h -> h.getFirst("Cumulus-Delivery-Attempt")).containsExactly("1", "2", "3", "1");
    String createdEventId = headers.get(0).getFirst("Cumulus-Event-Id");
    assertThat(headers.subList(0, 3)).extracting(h -> h.getFirst("Cumulus-Event-Id")).containsOnly(createdEventId);
    assertThat(headers.subList(0, 3)).extracting(h -> h.getFirst("Cumulus-Delivery-Id")).containsOnly(headers.get(0).getFirst("Cumulus-Delivery-Id"));
    assertThat(Long.parseLong(headers.get(3).getFirst("Cumulus-Event-Id"))).isGreaterThan(Long.parseLong(createdEventId));
    assertThat(headers.get(3).getFirst("Cumulus-Delivery-Id")).isNotEqualTo(headers.get(0).getFirst("Cumulus-Delivery-Id"));
    List<Map<String, Object>> rows =
        jdbc.queryForList(
            "select attempts, delivered_at, last_error from webhook_delivery where subscription_id = ? order by id", triggerId);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).containsEntry("ATTEMPTS", 3).containsEntry("LAST_ERROR", null);
    assertThat(rows.get(1)).containsEntry("ATTEMPTS", 1);
    assertThat(rows).allSatisfy(r -> assertThat(r.get("DELIVERED_AT")).isNotNull());
    assertThat(meters.get("cumulus.webhook.deliveries").tag("outcome", "failed").counter().count()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void documentsTheConnectorOperationsInTheOpenApiDocument() {
    JsonNode paths = rest.getForObject("/v3/api-docs", JsonNode.class).get("paths");

    assertThat(paths.get("/v1/triggers/tasks").get("post").get("operationId").asText()).isEqualTo("RegisterTaskWebHook");
    assertThat(paths.get("/v1/triggers/tasks").get("post").get("responses").has("201")).isTrue();
    assertThat(paths.get("/v1/triggers/tasks").get("post").get("responses").get("201").has("content")).isFalse();
    assertThat(paths.get("/v1/triggers/tasks/{triggerId}").get("delete").get("operationId").asText()).isEqualTo("DeleteTaskEventsTrigger");
  }

  @Test
  void refusesAnInvalidTriggerNamingTheField() {
    String service = newService();
    // a public address literal: a name would need DNS, which the build must not depend on
    String publicUrl = "https://192.0.2.10/h";

    assertInvalid(Map.of("config", config(List.of(service, "nobody@contoso.com"), List.of("Created"), publicUrl)), "config.services[1]");
    assertInvalid(Map.of("config", config(List.of(), List.of("Created"), publicUrl)), "config.services");
    assertInvalid(Map.of("config", config(List.of(service), List.of("Created", "Exploded"), publicUrl)), "config.taskEvents[1]");
    assertInvalid(Map.of("config", config(List.of(service), List.of("Created"), "ftp://example.com/h")), "config.url");
    assertInvalid(Map.of("config", config(List.of(service), List.of("Created"), "/relative")), "config.url");
    assertInvalid(Map.of("config", config(List.of(service), List.of("Created"), publicUrl), "extra", 1), "extra");
    // targets inside the server's networks (SSRF): only 127.0.0.1 is allowed by name in this test
    for (String internal : List.of("http://169.254.169.254/latest/meta-data/", "http://127.0.0.2:8080/h", "http://10.0.0.1/h",
        "http://[::1]/h", "http://[fe80::1]/h", "http://0.0.0.0/h")) {
      assertInvalid(Map.of("config", config(List.of(service), List.of("Created"), internal)), "config.url");
    }
    assertInvalid(Map.of(), "config");
  }

  @Test
  void deletesATriggerOnceAndAnswers404Afterwards() {
    String service = newService();
    String id = register(trigger(service, List.of("Created"), receiver.url("/ok")));
    assertThat(asFlow(HttpMethod.GET, "/v1/triggers/tasks", null).getBody()).extracting(t -> t.get("id").asText()).contains(id);
    assertThat(asFlow(HttpMethod.GET, "/v1/triggers/tasks/" + id, null).getStatusCode()).isEqualTo(HttpStatus.OK);

    assertThat(asFlow(HttpMethod.DELETE, "/v1/triggers/tasks/" + id, null).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

    ResponseEntity<JsonNode> again = asFlow(HttpMethod.DELETE, "/v1/triggers/tasks/" + id, null);
    assertThat(again.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(again.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(asFlow(HttpMethod.GET, "/v1/triggers/tasks/" + id, null).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
  }

  private void assertInvalid(Map<String, ?> body, String field) {
    ResponseEntity<JsonNode> response = asFlow(HttpMethod.POST, "/v1/triggers/tasks", body);
    assertThat(response.getStatusCode()).as(field).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(response.getBody().get("errors").get(0).get("field").asText()).isEqualTo(field);
  }

  /** A new service with one (offline) agent, so a task waits in the queue after Queued. */
  private String newService() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String user = "agent-" + suffix + "@contoso.com";
    String service = "svc-" + suffix + "@contoso.com";
    assertThat(asAdmin(HttpMethod.PUT, "/v1/users/" + user, Map.of("password", "secret-1", "capacity", 1)).getStatusCode().is2xxSuccessful())
        .isTrue();
    assertThat(
            asAdmin(HttpMethod.PUT, "/v1/services/" + service, Map.of("members", List.of(user), "displayName", "Webhook test service"))
                .getStatusCode()
                .is2xxSuccessful())
        .isTrue();
    return service;
  }

  private String createTask(String service) {
    ResponseEntity<JsonNode> created =
        asFlow(
            HttpMethod.POST,
            "/v1/ExternalTasks",
            Map.of("serviceUpn", service, "customerIdentifier", "C-42", "customContextParameters", List.of(Map.of("name", "orderId", "value", "A-1"))));
    assertThat(created.getStatusCode()).isEqualTo(HttpStatus.OK);
    return created.getBody().get("id").asText();
  }

  private static Map<String, Object> trigger(String service, List<String> events, String url) {
    return Map.of("config", config(List.of(service), events, url));
  }

  private static Map<String, Object> config(List<String> services, List<String> events, String url) {
    return Map.of("services", services, "taskEvents", events, "url", url);
  }

  /** Registers a trigger and returns its ID, the last segment of the answer's Location. */
  private String register(Map<String, Object> trigger) {
    ResponseEntity<String> registered = flowRequest(HttpMethod.POST, "/v1/triggers/tasks", trigger, String.class);
    assertThat(registered.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    String path = registered.getHeaders().getLocation().getPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private ResponseEntity<JsonNode> asFlow(HttpMethod method, String path, Object body) {
    return flowRequest(method, path, body, JsonNode.class);
  }

  private <T> ResponseEntity<T> flowRequest(HttpMethod method, String path, Object body, Class<T> type) {
    var headers = new HttpHeaders();
    headers.set("X-API-Key", FLOW_KEY);
    headers.setContentType(MediaType.APPLICATION_JSON);
    return rest.exchange(path, method, new HttpEntity<>(body, headers), type);
  }

  private ResponseEntity<JsonNode> asAdmin(HttpMethod method, String path, Object body) {
    var headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return rest.withBasicAuth("admin", dev.cumulus.support.Api.ADMIN_PASSWORD).exchange(path, method, new HttpEntity<>(body, headers), JsonNode.class);
  }

  /** A webhook receiver on 127.0.0.1 that records what it gets, per path. */
  private final class Receiver {

    private record Request(String path, JsonNode body, Headers headers, boolean accepted) {}

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", this::handle);
      server.start();
    }

    void failFirst(String path, int times) {
      failuresLeft.put(path, new AtomicInteger(times));
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<JsonNode> requests(String path) {
      return requests.stream().filter(r -> r.path().equals(path)).map(Request::body).toList();
    }

    List<JsonNode> delivered(String path) {
      return requests.stream().filter(r -> r.path().equals(path) && r.accepted()).map(Request::body).toList();
    }

    /** The request headers of every request to the path, in the order they came. */
    List<Headers> headers(String path) {
      return requests.stream().filter(r -> r.path().equals(path)).map(Request::headers).toList();
    }

    void stop() {
      server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        JsonNode body = mapper.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        AtomicInteger left = failuresLeft.get(path);
        boolean accept = left == null || left.getAndDecrement() <= 0;
        var headers = new Headers();
        headers.putAll(exchange.getRequestHeaders());
        requests.add(new Request(path, body, headers, accept));
        byte[] answer = (accept ? "{}" : "{\"error\":\"try later\"}").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(accept ? 200 : 503, answer.length);
        exchange.getResponseBody().write(answer);
      }
    }
  }
}
