package dev.cumulus.lifecycle;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * One rule over the REST API as on the dashboard: a supervisor sees and steers only the tasks of the
 * services they supervise; admins and flows every task.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:supervisor-scope-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      // its webhook receivers listen on loopback: allowed by name, as docs/api.md ("Webhooks") says to
      "cumulus.webhooks.allowed-hosts=127.0.0.1",
      "cumulus.demo.enabled=false"
    })
class SupervisorScopeIT {

  @LocalServerPort int port;

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  @Test
  void aSupervisorSeesAndSteersOnlyTheTasksOfTheServicesTheySupervise() {
    var scenario = new Scenario(base());
    var flow = Api.flow(base());
    var admin = scenario.admin();
    // no agent is available: the tasks wait in their queues
    String a = scenario.service("a", List.of(), map());
    String b = scenario.service("b", List.of(), map());
    String c = scenario.service("c", List.of(), map());
    String supUpn = scenario.supervisor("sup", a, c);
    Api sup = scenario.as(supUpn);

    String inA = create(flow, a);
    String inA2 = create(flow, a);
    String inB = create(flow, b);

    // read: own service yes, the other 403 (not 404), as problem+json naming the rule
    var readA = sup.get("/v1/ExternalTasks/" + inA);
    assertThat(readA.status()).as(readA.toString()).isEqualTo(200);
    assertThat(readA.text("serviceUpn")).isEqualTo(a);
    assertForbidden(sup.get("/v1/ExternalTasks/" + inB), supUpn, b);
    assertThat(sup.get("/v1/ExternalTasks/" + inA + "/routing").status()).isEqualTo(200);
    assertForbidden(sup.get("/v1/ExternalTasks/" + inB + "/routing"), supUpn, b);

    // list: filtered to the supervised services, never 403
    var listed = sup.get("/v1/ExternalTasks?size=200");
    assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
    assertThat(ids(listed.body())).contains(inA, inA2).doesNotContain(inB);
    assertThat(services(listed.body())).allMatch(s -> s.equals(a) || s.equals(c));
    assertThat(listed.body().path("totalItems").asLong()).isEqualTo(2);
    var listedB = sup.get("/v1/ExternalTasks?serviceUpn=" + b);
    assertThat(listedB.status()).as(listedB.toString()).isEqualTo(200);
    assertThat(ids(listedB.body())).isEmpty();
    assertThat(listedB.body().path("totalItems").asLong()).isZero();
    assertThat(ids(sup.get("/v1/ExternalTasks?serviceUpn=" + a).body())).containsExactlyInAnyOrder(inA, inA2);

    // abort, remove, priority, UpdateTask on B: 403, and nothing changed
    assertForbidden(sup.post("/v1/ExternalTasks/" + inB + "/cancel", map("reason", "not mine")), supUpn, b);
    assertForbidden(sup.delete("/v1/ExternalTasks/" + inB), supUpn, b);
    assertForbidden(sup.patch("/v1/ExternalTasks/" + inB, map("distributionPriority", "High")), supUpn, b);
    assertForbidden(sup.put("/v1/tasks/" + inB, map("customer", map("displayName", "X"))), supUpn, b);
    var bNow = admin.get("/v1/ExternalTasks/" + inB);
    assertThat(bNow.text("state")).isEqualTo("Queued");
    assertThat(bNow.text("distributionPriority")).isEqualTo("Normal");

    // transfer: both the task's service and the target must be supervised
    assertForbidden(sup.post("/v1/ExternalTasks/" + inA + "/transfer", map("serviceUpn", b)), supUpn, b);
    assertForbidden(sup.post("/v1/ExternalTasks/" + inB + "/transfer", map("serviceUpn", a)), supUpn, b);
    assertThat(admin.get("/v1/ExternalTasks/" + inA).text("serviceUpn")).isEqualTo(a);
    assertThat(admin.get("/v1/ExternalTasks/" + inB).text("serviceUpn")).isEqualTo(b);

    // routing preview: only for a supervised service
    assertThat(sup.post("/v1/services/" + a + "/routing-preview", map("serviceUpn", a)).status()).isEqualTo(200);
    assertForbidden(sup.post("/v1/services/" + b + "/routing-preview", map("serviceUpn", b)), supUpn, b);

    // webhooks carry the tasks' data: only for supervised services
    var hookB = map("config", map("services", List.of(b), "taskEvents", List.of("Completed"), "url", "http://127.0.0.1:9/hook"));
    assertForbidden(sup.post("/v1/triggers/tasks", hookB), supUpn, b);
    var hookA = map("config", map("services", List.of(a), "taskEvents", List.of("Completed"), "url", "http://127.0.0.1:9/hook"));
    assertThat(sup.post("/v1/triggers/tasks", hookA).status()).isEqualTo(201);

    // the supervisor's own services: priority, prolong, transfer to another supervised service, abort
    var high = sup.patch("/v1/ExternalTasks/" + inA, map("distributionPriority", "High"));
    assertThat(high.status()).as(high.toString()).isEqualTo(200);
    assertThat(high.text("distributionPriority")).isEqualTo("High");
    var prolonged = sup.patch("/v1/ExternalTasks/" + inA, map("expiresAt", java.time.OffsetDateTime.now().plusDays(2).toString()));
    assertThat(prolonged.status()).as(prolonged.toString()).isEqualTo(200);
    var moved = sup.post("/v1/ExternalTasks/" + inA + "/transfer", map("serviceUpn", c));
    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
    assertThat(moved.text("serviceUpn")).isEqualTo(c);
    var aborted = sup.post("/v1/ExternalTasks/" + inA2 + "/cancel", map("reason", "duplicate"));
    assertThat(aborted.status()).as(aborted.toString()).isEqualTo(200);
    assertThat(aborted.text("state")).isEqualTo("Cancelled");
    JsonNode last = aborted.body().path("events").get(aborted.body().path("events").size() - 1);
    assertThat(last.path("actor").asText()).isEqualTo(supUpn);

    // admins and flows: every task
    assertThat(admin.get("/v1/ExternalTasks/" + inB).status()).isEqualTo(200);
    assertThat(flow.get("/v1/ExternalTasks/" + inB).status()).isEqualTo(200);
    assertThat(ids(admin.get("/v1/ExternalTasks?size=200").body())).contains(inA, inA2, inB);
    assertThat(ids(flow.get("/v1/ExternalTasks?size=200").body())).contains(inA, inA2, inB);
    var adminHigh = admin.patch("/v1/ExternalTasks/" + inB, map("distributionPriority", "High"));
    assertThat(adminHigh.status()).as(adminHigh.toString()).isEqualTo(200);
  }

  @Test
  void aSupervisorSeesAnAgentsSessionsAndDutyOnlyInTheServicesTheySupervise() {
    var scenario = new Scenario(base());
    var flow = Api.flow(base());
    String agent = scenario.agent("agent", 2);
    String a = scenario.service("a", List.of(agent), map());
    String b = scenario.service("b", List.of(agent), map());
    String supUpn = scenario.supervisor("sup", a);
    Api sup = scenario.as(supUpn);
    scenario.available(agent);
    String inA = create(flow, a);
    String inB = create(flow, b);
    assertThat(flow.get("/v1/ExternalTasks/" + inA).text("state")).isEqualTo("Offered");
    assertThat(flow.get("/v1/ExternalTasks/" + inB).text("state")).isEqualTo("Offered");

    var seenBySup = sup.get("/v1/users/" + agent + "/sessions");
    assertThat(seenBySup.status()).as(seenBySup.toString()).isEqualTo(200);
    assertThat(ids(seenBySup.body())).containsExactly(inA);
    assertThat(ids(scenario.as(agent).get("/v1/users/" + agent + "/sessions").body())).containsExactlyInAnyOrder(inA, inB);
    assertThat(ids(scenario.admin().get("/v1/users/" + agent + "/sessions").body())).containsExactlyInAnyOrder(inA, inB);

    // the agent reads the B task offered to them; the supervisor of A may not
    assertThat(scenario.as(agent).get("/v1/ExternalTasks/" + inB).status()).isEqualTo(200);
    assertForbidden(sup.get("/v1/ExternalTasks/" + inB), supUpn, b);

    // duty and RONA reset for another agent: only in a supervised service
    assertForbidden(sup.put("/v1/users/" + agent + "/duty", map("serviceUpn", b, "onDuty", false)), supUpn, b);
    assertForbidden(sup.post("/v1/users/" + agent + "/rona-reset", map("serviceUpn", b)), supUpn, b);
    var duty = sup.put("/v1/users/" + agent + "/duty", map("serviceUpn", a, "onDuty", false));
    assertThat(duty.status()).as(duty.toString()).isEqualTo(200);
    assertThat(sup.post("/v1/users/" + agent + "/rona-reset", map("serviceUpn", a)).status()).isEqualTo(200);
  }

  private static String create(Api flow, String service) {
    var r = flow.post("/v1/ExternalTasks", map("serviceUpn", service));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.text("id");
  }

  private static void assertForbidden(Api.Response r, String supervisor, String service) {
    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.text("type")).isEqualTo("urn:cumulus:problem:forbidden");
    assertThat(r.text("detail")).contains(supervisor).contains("does not supervise " + service);
  }

  private static List<String> ids(JsonNode body) {
    JsonNode items = body.isArray() ? body : body.path("items");
    var ids = new ArrayList<String>();
    items.forEach(t -> ids.add(t.path("id").asText()));
    return ids;
  }

  private static List<String> services(JsonNode body) {
    var services = new ArrayList<String>();
    body.path("items").forEach(t -> services.add(t.path("serviceUpn").asText()));
    return services;
  }
}
