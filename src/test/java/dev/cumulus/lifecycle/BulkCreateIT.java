package dev.cumulus.lifecycle;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code POST /v1/ExternalTasks/bulk} through the REST API: each item gets the answer a single
 * AddExternalTask would get, in its own transaction; a malformed envelope writes nothing.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:bulk-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false"
    })
class BulkCreateIT {

  private static final String BULK = "/v1/ExternalTasks/bulk";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  Scenario scenario;
  Api flow;

  @BeforeEach
  void setUp() {
    scenario = new Scenario("http://127.0.0.1:" + port);
    flow = Api.flow("http://127.0.0.1:" + port);
  }

  @Test
  void mixedItemsGetOneResultEachInOrderAndOnlyTheAcceptedOnesAreWritten() {
    // given a service that takes 3 open tasks, and one agent to prefer
    String service = scenario.service("bulk", List.of(), map("maxConcurrentTasks", 3));
    String agent = scenario.agent("ann", 1);
    String key = "order-1-" + service;
    var items = new ArrayList<Object>();
    items.add(map("serviceUpn", service, "customerIdentifier", "c0", "idempotencyKey", key));          // 0: created
    items.add(map("serviceUpn", "nobody@contoso.test", "customerIdentifier", "c1"));                   // 1: unknown service
    items.add(map("serviceUpn", service, "customerIdentifier", "c2",
        "preferredUsers", List.of(map("upn", agent, "priority", 2))));                                  // 2: created
    items.add(map("serviceUpn", service, "customerIdentifier", "c0", "idempotencyKey", key));          // 3: replay of 0
    items.add(map("serviceUpn", service, "preferredUsers", List.of(map("upn", agent, "priority", 0)))); // 4: priority 0
    items.add(map("serviceUpn", service, "title", 42));                                                // 5: a number for a text
    items.add(map("serviceUpn", service, "customerIdentifier", "c6"));                                 // 6: created, the 3rd
    items.add(map("serviceUpn", service, "customerIdentifier", "c7"));                                 // 7: past maxConcurrentTasks
    items.add(map("serviceUpn", service, "customerIdentifier", "other", "idempotencyKey", key));      // 8: key with another body
    items.add("not a task");                                                                           // 9: not an object
    items.add(map("serviceUpn", service, "distributionPriority", "Urgent"));                           // 10: no such priority
    long instancesBefore = processInstances();

    // when
    var response = flow.post(BULK, map("items", items));

    // then one result per item, in order
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/json");
    JsonNode results = response.body().path("items");
    assertThat(results).hasSize(items.size());
    for (int i = 0; i < items.size(); i++) {
      assertThat(results.get(i).path("index").asInt()).isEqualTo(i);
    }
    assertThat(statuses(results)).containsExactly(201, 400, 201, 200, 400, 400, 201, 429, 422, 400, 400);
    assertThat(response.body().path("created").asInt()).isEqualTo(3);
    assertThat(response.body().path("replayed").asInt()).isEqualTo(1);
    assertThat(response.body().path("refused").asInt()).isEqualTo(7);

    JsonNode first = results.get(0);
    assertThat(first.path("task").path("serviceUPN").asText()).isEqualTo(service);
    assertThat(first.path("task").path("id").asText()).isEqualTo(first.path("id").asText());
    assertThat(first.has("problem")).isFalse();
    assertThat(results.get(2).path("task").path("preferredUsers").get(0).path("upn").asText()).isEqualTo(agent);
    assertThat(results.get(3).path("id").asText()).as("the replay answers the first item's task").isEqualTo(first.path("id").asText());

    assertProblem(results.get(1), "urn:cumulus:problem:invalid-request", "items[1].serviceUpn", "knownService");
    assertProblem(results.get(4), "urn:cumulus:problem:invalid-request", "items[4].preferredUsers[0].priority", "Min");
    assertProblem(results.get(5), "urn:cumulus:problem:invalid-request", "items[5].title", "type");
    assertProblem(results.get(8), "urn:cumulus:problem:idempotency-key-reused", "items[8].idempotencyKey", "sameBody");
    assertProblem(results.get(9), "urn:cumulus:problem:invalid-request", "items[9]", "type");
    assertProblem(results.get(10), "urn:cumulus:problem:invalid-request", "items[10].distributionPriority", "oneOf");
    JsonNode full = results.get(7).path("problem");
    assertThat(full.path("type").asText()).isEqualTo("urn:cumulus:problem:fair-use-limit");
    assertThat(full.path("status").asInt()).isEqualTo(429);
    assertThat(full.path("retryAfterSeconds").asLong()).isPositive();
    assertThat(full.path("detail").asText()).startsWith("items[7]: ").contains("maxConcurrentTasks");
    assertThat(results.get(7).has("id")).isFalse();

    // and the database holds the three created tasks, each whole (row, instance, counter), and one key
    assertThat(jdbc.queryForList("select customer_identifier from external_task where service_upn = ? order by seq", String.class, service))
        .containsExactly("c0", "c2", "c6");
    assertThat(jdbc.queryForObject("select count(*) from external_task where service_upn = ? and process_instance_id is null", Integer.class, service))
        .isZero();
    assertThat(processInstances() - instancesBefore).isEqualTo(3);
    assertThat(jdbc.queryForObject("select open_tasks from cumulus_service where upn = ?", Integer.class, service)).isEqualTo(3);
    assertThat(jdbc.queryForList("select task_id from idempotency_record where idempotency_key = ?", String.class, key))
        .containsExactly(first.path("id").asText());
    assertThat(flow.get("/v1/ExternalTasks/" + results.get(6).path("id").asText()).body().path("state").asText()).isEqualTo("Queued");
  }

  @Test
  void anItemsIdempotencyKeyIsTheSingleCreatesHeaderKey() {
    String service = scenario.service("keys", List.of(), map());
    String key = "order-2-" + service;
    var single = flow.with("Idempotency-Key", key).post("/v1/ExternalTasks", map("serviceUpn", service, "customerIdentifier", "k"));
    assertThat(single.status()).as(single.toString()).isEqualTo(200);

    var again = flow.post(BULK, map("items", List.of(
        map("idempotencyKey", key, "serviceUpn", service, "customerIdentifier", "k"),
        map("idempotencyKey", "", "serviceUpn", service),
        map("idempotencyKey", 7, "serviceUpn", service))));

    assertThat(statuses(again.body().path("items"))).containsExactly(200, 400, 400);
    assertThat(again.body().path("items").get(0).path("id").asText()).isEqualTo(single.text("id"));
    assertProblem(again.body().path("items").get(1), "urn:cumulus:problem:invalid-request", "items[1].idempotencyKey", "length");
    assertProblem(again.body().path("items").get(2), "urn:cumulus:problem:invalid-request", "items[2].idempotencyKey", "type");
    assertThat(jdbc.queryForObject("select count(*) from external_task where service_upn = ?", Integer.class, service)).isEqualTo(1);
  }

  @Test
  void aFullServiceRefusesOnlyItsOwnItemsAndTheOthersGoOn() {
    // given a service that takes one open task, and one without a limit
    String full = scenario.service("full", List.of(), map("maxConcurrentTasks", 1));
    String open = scenario.service("open", List.of(), map());

    var response = flow.post(BULK, map("items", List.of(
        map("serviceUpn", full), map("serviceUpn", full), map("serviceUpn", open), map("serviceUpn", full), map("serviceUpn", open))));

    assertThat(statuses(response.body().path("items"))).containsExactly(201, 429, 201, 429, 201);
    assertThat(jdbc.queryForObject("select count(*) from external_task where service_upn = ?", Integer.class, full)).isEqualTo(1);
    assertThat(jdbc.queryForObject("select count(*) from external_task where service_upn = ?", Integer.class, open)).isEqualTo(2);
  }

  @Test
  void aMalformedEnvelopeIsRefusedWholeAndWritesNothing() {
    String service = scenario.service("envelope", List.of(), map());
    Map<String, Object> valid = map("serviceUpn", service, "customerIdentifier", "x");
    var hundredAndOne = new ArrayList<Object>();
    for (int i = 0; i < 101; i++) {
      hundredAndOne.add(valid);
    }
    long[] before = written();

    expectRefused(flow.send("POST", BULK, "{\"items\": [", "application/json"), 400, "body", "json");
    expectRefused(flow.send("POST", BULK, "[{\"serviceUpn\": \"" + service + "\"}]", "application/json"), 400, "body", "type");
    expectRefused(flow.post(BULK, map("tasks", List.of(valid))), 400, "items", "required");
    expectRefused(flow.post(BULK, map("items", valid)), 400, "items", "type");
    expectRefused(flow.post(BULK, map("items", List.of())), 400, "items", "minItems");
    expectRefused(flow.post(BULK, map("items", hundredAndOne)), 400, "items", "maxItems");
    expectRefused(flow.send("POST", BULK, "{\"items\": [{\"serviceUpn\": \"" + service + "\"}]} {}", "application/json"), 400, "body", "singleValue");
    expectRefused(flow.send("POST", BULK, "{\"items\": [{\"serviceUpn\": \"" + service + "\", \"serviceUpn\": \"x\"}]}", "application/json"),
        400, "serviceUpn", "duplicateKey");
    expectRefused(flow.with("Idempotency-Key", "whole").post(BULK, map("items", List.of(valid))), 400, "Idempotency-Key", "perItem");
    expectRefused(flow.send("POST", BULK, "items=1", "text/plain"), 415, "Content-Type", "supported");
    var anonymous = Api.anonymous("http://127.0.0.1:" + port).post(BULK, map("items", List.of(valid)));
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.contentType()).startsWith("application/problem+json");

    assertThat(written()).as("tasks, idempotency records, process instances").containsExactly(before);
  }

  @Test
  void theOpenApiDocumentDescribesBulkCreate() {
    JsonNode doc = Api.anonymous("http://127.0.0.1:" + port).get("/v3/api-docs").body();

    JsonNode operation = doc.path("paths").path(BULK).path("post");
    assertThat(operation.path("operationId").asText()).isEqualTo("AddExternalTasks");
    assertThat(operation.path("summary").asText()).contains("100");
    assertThat(operation.path("responses").has("200")).isTrue();
    assertThat(operation.path("responses").has("400")).isTrue();
    assertThat(operation.path("requestBody").path("content").path("application/json").path("schema").path("$ref").asText())
        .endsWith("/BulkCreateRequest");
    assertThat(doc.path("components").path("schemas").path("BulkCreateItem").toString())
        .contains("AddExternalTaskRequest").contains("idempotencyKey");
    assertThat(operation.path("parameters").toString()).doesNotContain("Idempotency-Key");
  }

  private void expectRefused(Api.Response response, int status, String field, String rule) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.contentType()).as(response.toString()).startsWith("application/problem+json");
    assertThat(response.body().path("instance").asText()).isEqualTo(BULK);
    assertThat(response.body().path("errors").get(0).path("field").asText()).as(response.toString()).isEqualTo(field);
    assertThat(response.body().path("errors").get(0).path("rule").asText()).as(response.toString()).isEqualTo(rule);
  }

  private static void assertProblem(JsonNode item, String type, String field, String rule) {
    assertThat(item.has("id")).as(item.toString()).isFalse();
    assertThat(item.has("task")).as(item.toString()).isFalse();
    JsonNode problem = item.path("problem");
    assertThat(problem.path("type").asText()).as(item.toString()).isEqualTo(type);
    assertThat(problem.path("status").asInt()).isEqualTo(item.path("status").asInt());
    assertThat(problem.path("errors").get(0).path("field").asText()).as(item.toString()).isEqualTo(field);
    assertThat(problem.path("errors").get(0).path("rule").asText()).as(item.toString()).isEqualTo(rule);
    assertThat(problem.path("detail").asText()).as(item.toString()).startsWith(field);
  }

  private static List<Integer> statuses(JsonNode results) {
    var statuses = new ArrayList<Integer>();
    results.forEach(r -> statuses.add(r.path("status").asInt()));
    return statuses;
  }

  private long processInstances() {
    return jdbc.queryForObject("select count(*) from act_hi_procinst", Long.class);
  }

  private long[] written() {
    return new long[] {
      jdbc.queryForObject("select count(*) from external_task", Long.class),
      jdbc.queryForObject("select count(*) from idempotency_record", Long.class),
      processInstances()
    };
  }
}
