package dev.cumulus.web;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Generated malformed requests against every write endpoint: no 5xx, every 4xx problem+json, and a
 * refused request changes nothing in Cumulus's tables nor the engine's (a digest of every table's
 * rows after each request). Deterministic: {@code -Dfuzz.seed=...} replays a run, {@code
 * -Dfuzz.requests=...} widens it. Background writers (sweeper, repairs, webhook worker, job executor)
 * are slowed to once an hour so that every change is a request's.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:input-fuzz-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false",
      "camunda.bpm.metrics.enabled=false",
      "cumulus.distribution.sweep-interval=PT1H",
      "cumulus.distribution.repair-interval=PT1H",
      "cumulus.webhooks.poll-interval=PT1H",
      "cumulus.reports.feed-enabled=false"
    })
class InputFuzzIT {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  Scenario scenario;
  String base;
  String agent;
  String otherAgent;
  String service;
  String fullService;
  List<String> tasks;

  @BeforeEach
  void setUp() {
    base = "http://127.0.0.1:" + port;
    scenario = new Scenario(base);
    agent = scenario.agent("ann", 2);
    otherAgent = scenario.agent("ben", 1);
    service = scenario.service("fuzz", List.of(agent, otherAgent), map("acwSeconds", 0));
    fullService = scenario.service("full", List.of(), map("maxConcurrentTasks", 1));
    scenario.available(agent);
    var flow = Api.flow(base);
    tasks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      var created = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "title", "fuzz " + i));
      assertThat(created.status()).as(created.toString()).isEqualTo(200);
      tasks.add(created.text("id"));
    }
  }

  // --- the generated run ---------------------------------------------------------------------

  /** One kind of request: who sends it, how, and a valid body to mutate. */
  private record Endpoint(String name, String method, String path, String auth, Supplier<Map<String, Object>> body) {}

  private List<Endpoint> endpoints() {
    String task = tasks.get(0);
    return List.of(
        new Endpoint("create", "POST", "/v1/ExternalTasks", "flow", () -> map(
            "serviceUpn", service, "customerIdentifier", "c-1", "distributionPriority", "High", "title", "t", "description", "d",
            "expiresAt", "2030-01-01T00:00:00Z", "customContextParameters", List.of(map("name", "n", "value", "v")),
            "preferredUsers", List.of(map("upn", agent, "priority", 1)), "customer", map("firstName", "A", "lastName", "B"))),
        new Endpoint("bulk", "POST", "/v1/ExternalTasks/bulk", "flow", () -> map("items", List.of(
            map("serviceUpn", service, "customerIdentifier", "c-2", "distributionPriority", "Low", "title", "b", "idempotencyKey", "fuzz-bulk",
                "customContextParameters", List.of(map("name", "n", "value", "v")), "preferredUsers", List.of(map("upn", agent, "priority", 2))),
            map("serviceUpn", service, "title", "bulk")))),
        new Endpoint("patch", "PATCH", "/v1/ExternalTasks/" + task, "flow", () -> map(
            "distributionPriority", "Low", "expiresAt", "2031-01-01T00:00:00Z", "preferredUsers", List.of(map("upn", agent)))),
        new Endpoint("updateTask", "PUT", "/v1/tasks/" + task, "flow", () -> map(
            "customContextParameters", List.of(map("name", "k", "value", "v")), "customer", map("firstName", "C"))),
        new Endpoint("transfer", "POST", "/v1/ExternalTasks/" + tasks.get(1) + "/transfer", "flow", () -> map("serviceUpn", service)),
        new Endpoint("priority", "PATCH", "/v1/ExternalTasks/" + tasks.get(2), "flow", () -> map("distributionPriority", "Strict")),
        new Endpoint("cancel", "POST", "/v1/ExternalTasks/" + task + "/cancel", "flow", () -> map("reason", 5)),
        new Endpoint("presence", "PUT", "/v1/users/" + agent + "/state", "agent", () -> map("presence", "Available")),
        new Endpoint("duty", "PUT", "/v1/users/" + agent + "/duty", "agent", () -> map("serviceUpn", service, "onDuty", true)),
        new Endpoint("services", "PUT", "/v1/services/" + service, "admin", () -> map(
            "displayName", "fuzz", "members", List.of(agent, otherAgent), "acwSeconds", 0, "ronaTimeoutSeconds", 20,
            "distributionType", "Direct", "selectionPolicy", "LongestIdle")),
        new Endpoint("users", "PUT", "/v1/users/" + otherAgent, "admin", () -> map(
            "displayName", "ben", "capacity", 1, "roles", List.of("Agent"), "skills", List.of("de"))),
        new Endpoint("supervisors", "PUT", "/v1/services/" + service + "/supervisors", "admin", () -> map("supervisors", List.of())),
        new Endpoint("triggers", "POST", "/v1/triggers/tasks", "flow", () -> map("config", map(
            "services", List.of(service), "taskEvents", List.of("Created"), "url", "http://169.254.169.254/latest"))),
        new Endpoint("workflows", "POST", "/v1/workflows", "admin", () -> map("file", "<bpmn:definitions/>")),
        new Endpoint("accept", "POST", "/v1/ExternalTasks/" + task + "/accept", "other", () -> null),
        new Endpoint("decline", "POST", "/v1/ExternalTasks/" + task + "/decline", "other", () -> null),
        new Endpoint("complete", "POST", "/v1/ExternalTasks/" + task + "/complete", "other", () -> null),
        new Endpoint("pickup", "POST", "/v1/ExternalTasks/" + task + "/pickup", "other", () -> null),
        new Endpoint("remove", "DELETE", "/v1/ExternalTasks/does-not-exist", "flow", () -> null));
  }

  /** A request as sent: everything the mutation may change. */
  private record Shot(String method, String path, Map<String, String> headers, String body, String mutation) {}

  @Test
  void malformedRequestsAreRefusedAsProblemsAndChangeNothing() throws Exception {
    long seed = Long.getLong("fuzz.seed", 20260112L);
    int count = Integer.getInteger("fuzz.requests", 600);
    System.out.println("InputFuzzIT: seed " + seed + " (replay with -Dfuzz.seed=" + seed + "), " + count + " requests");
    var random = new Random(seed);
    var endpoints = endpoints();
    var byStatus = new TreeMap<Integer, Integer>();
    var failures = new ArrayList<String>();
    int refused = 0;
    var bulk = new TreeMap<String, Integer>();
    long started = System.nanoTime();
    Map<String, String> before = snapshot();
    for (int i = 0; i < count; i++) {
      Endpoint endpoint = endpoints.get(random.nextInt(endpoints.size()));
      Shot shot = mutate(endpoint, random);
      HttpResponse<String> response = send(shot);
      int status = response.statusCode();
      byStatus.merge(status, 1, Integer::sum);
      Map<String, String> after = snapshot();
      String what = "#" + i + " " + endpoint.name() + " [" + shot.mutation() + "] " + shot.method() + " " + shot.path() + " -> " + status;
      if (status >= 500) {
        failures.add(what + " 5xx: " + response.body());
      } else if (endpoint.name().equals("bulk") && status == 200) {
        // accepted as a whole: its created items wrote, as they may; a refused item writes nothing
        var answer = JSON.readTree(response.body());
        answer.path("items").forEach(item -> {
          bulk.merge(item.path("status").asInt() < 300 ? "items accepted" : "items refused", 1, Integer::sum);
          if (item.path("status").asInt() >= 500) {
            failures.add(what + " item " + item.path("index").asInt() + " 5xx: " + abbreviate(item.toString()));
          }
        });
        var changed = changedTables(before, after);
        if (answer.path("created").asInt() == 0 && !changed.isEmpty()) {
          failures.add(what + " created no item but changed " + changed + ": " + abbreviate(response.body()));
        }
      } else if (status >= 400) {
        refused++;
        if (endpoint.name().equals("bulk")) {
          bulk.merge("requests refused", 1, Integer::sum);
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/problem+json")) {
          failures.add(what + " Content-Type " + type + ": " + abbreviate(response.body()));
        }
        var changed = changedTables(before, after);
        if (!changed.isEmpty()) {
          failures.add(what + " refused but changed " + changed + ": " + abbreviate(response.body()));
        }
      }
      before = after;
    }
    System.out.printf("InputFuzzIT: %d requests in %.1f s, by status %s, refused %d, 5xx %d, failures %d%n",
        count, (System.nanoTime() - started) / 1e9, byStatus, refused, byStatus.tailMap(500).values().stream().mapToInt(n -> n).sum(),
        failures.size());
    System.out.println("InputFuzzIT: bulk create " + bulk);
    failures.stream().limit(30).forEach(f -> System.out.println("  " + f));
    assertThat(failures).as("seed " + seed).isEmpty();
    assertThat(refused).as("refused requests").isGreaterThanOrEqualTo(500);
    if (count >= 600) {
      // the bulk checks did run: whole requests refused, and answers with both kinds of item
      assertThat(bulk).as("bulk create").containsKeys("requests refused", "items accepted", "items refused");
    }
  }

  private Shot mutate(Endpoint endpoint, Random random) {
    var headers = new LinkedHashMap<String, String>(auth(endpoint.auth()));
    String path = endpoint.path();
    String method = endpoint.method();
    Map<String, Object> valid = endpoint.body().get();
    boolean workflow = endpoint.name().equals("workflows");
    String contentType = endpoint.method().equals("PATCH") ? "application/merge-patch+json" : "application/json";
    String body = valid == null ? null : workflow ? null : write(valid);
    String mutation;
    int kind = random.nextInt(valid == null ? 6 : 14);
    switch (kind) {
      case 0 -> {
        mutation = "unknown id";
        path = path.replaceAll("/ExternalTasks/[^/]+|/tasks/[^/]+|/users/[^/]+|/services/[^/]+",
            pick(random, "/ExternalTasks/nope", "/tasks/nope", "/users/nobody@x.test", "/services/none@x.test"));
      }
      case 1 -> {
        mutation = "odd path";
        path = path + pick(random, "%2F..", "%00", "%2e%2e%2fadmin", "/" + "x".repeat(3000), "?reason=%00", ";jsessionid=x");
      }
      case 2 -> {
        mutation = "wrong method";
        method = pick(random, "PUT", "PATCH", "DELETE", "POST").equals(method) ? "TRACE" : pick(random, "PUT", "PATCH", "DELETE", "POST");
        if (method.equals(endpoint.method())) {
          method = "PUT";
        }
      }
      case 3 -> {
        mutation = "no or wrong credentials";
        headers = new LinkedHashMap<>(pick(random, Map.of(), Map.of("X-API-Key", "wrong"),
            Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString("nobody:x".getBytes(StandardCharsets.UTF_8)))));
      }
      case 4 -> {
        mutation = "Accept the answer cannot meet";
        headers.put("Accept", pick(random, "application/xml", "text/html", "image/png", "text/plain;q=1", "nonsense"));
        if (valid != null) {
          body = workflow ? null : write(valid);
        }
      }
      case 5 -> {
        mutation = "oversize or odd header";
        headers.put(pick(random, "X-Padding", "Idempotency-Key"), "a".repeat(random.nextBoolean() ? 9000 : 300));
      }
      case 6 -> {
        mutation = "wrong Content-Type";
        contentType = pick(random, "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x");
        body = workflow ? "<bpmn/>" : body;
      }
      case 7 -> {
        mutation = "broken JSON";
        String text = workflow ? "{}" : write(valid);
        body = pick(random, text + " garbage", text + text, text.substring(0, text.length() / 2), "", "null", "[]", "\"text\"",
            "{" + "\"a\":[".repeat(300), text.replace("{", "{'"), text.replaceFirst(":", "::"));
        workflow = false;
      }
      case 8 -> {
        mutation = "duplicate key";
        String first = valid.keySet().iterator().next();
        body = "{\"" + first + "\":" + write(valid.get(first)) + "," + write(valid).substring(1);
        workflow = false;
      }
      default -> {
        if (endpoint.name().equals("bulk") && kind >= 11) {
          // the envelope's one field gets the generic wrong values above; these reach into the items
          Map.Entry<String, Map<String, Object>> wrong = wrongBulk(valid, random);
          mutation = wrong.getKey();
          body = write(wrong.getValue());
          break;
        }
        String field = pick(random, valid.keySet().toArray(String[]::new));
        Object wrong = wrongValue(valid.get(field), random);
        mutation = "field " + field + " = " + abbreviate(String.valueOf(write(wrong)));
        var changed = new LinkedHashMap<>(valid);
        changed.put(field, wrong);
        body = workflow ? null : write(changed);
        if (workflow) {
          body = multipart(headers, String.valueOf(wrong));
          contentType = headers.remove("Content-Type");
        }
      }
    }
    if (workflow && body == null) {
      body = multipart(headers, kind == 4 ? "<bpmn:definitions/>" : "not xml");
      contentType = headers.remove("Content-Type");
    }
    if (body != null) {
      headers.put("Content-Type", contentType);
    }
    return new Shot(method, path, headers, body, mutation);
  }

  /** A bulk create's body with its envelope or one of its items made wrong, and what was done to it. */
  private static Map.Entry<String, Map<String, Object>> wrongBulk(Map<String, Object> valid, Random random) {
    @SuppressWarnings("unchecked")
    var items = new ArrayList<Object>((List<Object>) valid.get("items"));
    int index = random.nextInt(items.size());
    @SuppressWarnings("unchecked")
    var item = new LinkedHashMap<String, Object>((Map<String, Object>) items.get(index));
    return switch (random.nextInt(6)) {
      case 0 -> Map.entry("items over the limit", map("items", java.util.Collections.nCopies(101, items.get(1))));
      case 1 -> Map.entry("no items, another field", map(pick(random, "item", "Items", "tasks"), items));
      case 2 -> {
        Object notAnObject = pick(random, "x", 5, List.of(item), "");
        items.set(index, notAnObject);
        yield Map.entry("items[" + index + "] = " + abbreviate(write(notAnObject)), map("items", items));
      }
      case 3 -> {
        String field = pick(random, item.keySet().toArray(String[]::new));
        item.remove(field);
        items.set(index, item);
        yield Map.entry("items[" + index + "] without " + field, map("items", items));
      }
      default -> {
        String field = pick(random, "idempotencyKey", "serviceUpn", "distributionPriority", "preferredUsers", "expiresAt", "customer");
        Object wrong = wrongValue(item.getOrDefault(field, "2030-01-01T00:00:00Z"), random);
        item.put(field, wrong);
        items.set(index, item);
        yield Map.entry("items[" + index + "]." + field + " = " + abbreviate(write(wrong)), map("items", items));
      }
    };
  }

  /** A wrong value for a field that had {@code valid}: the wrong type, a NUL, an edge of a range. */
  private static Object wrongValue(Object valid, Random random) {
    List<Object> candidates = new ArrayList<>(List.of(12, 3.5, true, List.of(1), map("x", 1), "", "a\u0000b", "x".repeat(5000)));
    if (valid instanceof String s) {
      candidates.addAll(List.of(s.toLowerCase(), s + " ", " " + s, s.toUpperCase() + "\u0000", "+999999999-12-31T23:59:59Z",
          "1970-01-01T00:00:00Z", "2030-13-45T99:99:99Z", "${''.getClass()}", "http://127.0.0.1:1/x", "file:///etc/passwd"));
      candidates.remove("");
    } else if (valid instanceof Integer) {
      candidates.addAll(List.of(-1, 0, Integer.MAX_VALUE, Long.MAX_VALUE, "7", 1e308));
    } else if (valid instanceof Boolean) {
      candidates.addAll(List.of("true", 1, 0));
    } else if (valid instanceof List<?> list) {
      candidates.addAll(List.of(List.of(), java.util.Collections.nCopies(60, list.isEmpty() ? "x" : list.get(0)),
          java.util.Collections.singletonList(null), List.of(map("upn", "nobody@x.test", "priority", 1000)), "x"));
      candidates.remove(List.of(1));
    } else if (valid instanceof Map<?, ?>) {
      candidates.addAll(List.of(map("firstName", 5), map("telephoneNumbers", "no"), map("unknown", List.of()), List.of()));
    }
    return candidates.get(random.nextInt(candidates.size()));
  }

  private String multipart(Map<String, String> headers, String content) {
    String boundary = "fuzz" + content.length();
    headers.put("Content-Type", "multipart/form-data; boundary=" + boundary);
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.bpmn\"\r\n"
        + "Content-Type: application/xml\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
  }

  private Map<String, String> auth(String who) {
    return switch (who) {
      case "flow" -> Map.of("X-API-Key", Api.FLOW_KEY);
      case "admin" -> basic("admin", Api.ADMIN_PASSWORD);
      case "agent" -> basic(agent, Scenario.PASSWORD);
      default -> basic(otherAgent, Scenario.PASSWORD);
    };
  }

  private static Map<String, String> basic(String user, String password) {
    return Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
  }

  private HttpResponse<String> send(Shot shot) throws Exception {
    var builder = HttpRequest.newBuilder(URI.create(base + shot.path()))
        .timeout(Duration.ofSeconds(30))
        .method(shot.method(), shot.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(shot.body()));
    shot.headers().forEach(builder::header);
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  // --- the database before and after ---------------------------------------------------------

  /** A digest of every row of every table, Cumulus's and the engine's (metrics aside), by table. */
  private Map<String, String> snapshot() throws Exception {
    var digests = new TreeMap<String, String>();
    List<String> tables = jdbc.queryForList(
        "select table_name from information_schema.tables where table_schema = 'PUBLIC' and table_type = 'BASE TABLE'"
            + " and table_name not in ('ACT_RU_METER_LOG', 'flyway_schema_history')", String.class);
    for (String table : tables) {
      var rows = new ArrayList<String>();
      jdbc.query("select * from \"" + table + "\"", rs -> {
        var row = new StringBuilder();
        for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
          Object value = rs.getObject(c);
          // LOBs by content: their objects' toString differs on every read
          row.append(value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes)
              : value instanceof java.sql.Blob blob ? HexFormat.of().formatHex(blob.getBytes(1, (int) blob.length()))
              : value instanceof java.sql.Clob clob ? clob.getSubString(1, (int) clob.length())
              : String.valueOf(value)).append('|');
        }
        rows.add(row.toString());
      });
      rows.sort(null);
      var digest = MessageDigest.getInstance("SHA-256");
      rows.forEach(r -> digest.update(r.getBytes(StandardCharsets.UTF_8)));
      digests.put(table, rows.size() + ":" + HexFormat.of().formatHex(digest.digest()));
    }
    return digests;
  }

  private static List<String> changedTables(Map<String, String> before, Map<String, String> after) {
    var changed = new ArrayList<String>();
    after.forEach((table, digest) -> {
      if (!digest.equals(before.get(table))) {
        changed.add(table + " " + before.get(table) + " -> " + digest);
      }
    });
    return changed;
  }

  // --- the findings of the first fuzz run, one by one ----------------------------------------

  @Test
  void aTransferIntoAServiceAtItsFairUseLimitIs429AndChangesNothing() throws Exception {
    var flow = Api.flow(base);
    assertThat(flow.post("/v1/ExternalTasks", map("serviceUpn", fullService)).status()).isEqualTo(200);
    Map<String, String> before = snapshot();

    var transfer = flow.post("/v1/ExternalTasks/" + tasks.get(1) + "/transfer", map("serviceUpn", fullService));

    assertThat(transfer.status()).as(transfer.toString()).isEqualTo(429);
    assertThat(transfer.text("type")).isEqualTo(Problems.FAIR_USE);
    assertThat(transfer.header("Retry-After")).isEqualTo("30");
    assertThat(changedTables(before, snapshot())).isEmpty();
  }

  @Test
  void anAgentCompletingOrPickingUpAnotherAgentsOfferIs403WithoutItsState() {
    // the task is offered to ann (Available); ben is a member too
    var asBen = scenario.as(otherAgent);
    for (String action : List.of("complete", "pickup")) {
      var refused = asBen.post("/v1/ExternalTasks/" + tasks.get(0) + "/" + action, null);
      assertThat(refused.status()).as(action + " " + refused).isEqualTo(403);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.raw().body()).doesNotContain("Offered", "Queued", "Connected");
    }
  }

  @Test
  void aRefusedAcceptHeaderCreatesNoTask() throws Exception {
    Map<String, String> before = snapshot();
    var refused = Api.flow(base).with("Accept", "application/xml").post("/v1/ExternalTasks", map("serviceUpn", service));
    assertThat(refused.status()).isEqualTo(406);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.body().at("/errors/0/field").asText()).isEqualTo("Accept");
    assertThat(changedTables(before, snapshot())).isEmpty();
  }

  @Test
  void aFlowsBodylessCancelAndRemoveRecordTheFlowAsActor() {
    var flow = Api.flow(base);
    assertThat(flow.send("POST", "/v1/ExternalTasks/" + tasks.get(1) + "/cancel", null, "application/json").status()).isEqualTo(200);
    assertThat(flow.delete("/v1/ExternalTasks/" + tasks.get(2)).status()).isEqualTo(200);
    for (String id : List.of(tasks.get(1), tasks.get(2))) {
      var events = flow.get("/v1/ExternalTasks/" + id).body().path("events");
      var cancelled = events.get(events.size() - 1);
      assertThat(cancelled.path("event").asText()).isEqualTo("Cancelled");
      assertThat(cancelled.path("actor").asText()).startsWith("flow:");
      assertThat(cancelled.at("/detail/reason").asText()).startsWith("removed by flow:");
    }
  }

  @Test
  void aWrongPasswordSaysTheAccountIsBrieflyLockedAndForHowLong() {
    var wrong = Api.user(base, otherAgent, "wrong").get("/v1/users/" + otherAgent + "/sessions");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.text("detail")).isEqualTo("wrong user or password; the account is locked for 3 s after a wrong password; try again then");
    var right = scenario.as(otherAgent).get("/v1/users/" + otherAgent + "/sessions");
    assertThat(right.status()).isEqualTo(401);
    assertThat(right.text("detail")).matches("the account is locked for [123] s after a wrong password; try again then");
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... options) {
    return options[random.nextInt(options.length)];
  }

  private static String abbreviate(String text) {
    return text == null || text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
