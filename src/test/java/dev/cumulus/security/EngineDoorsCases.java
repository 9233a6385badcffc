package dev.cumulus.security;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;

/**
 * The engine's doors (/engine-rest and the webapps' /camunda/api) replayed as a supervisor, an agent
 * and a flow would try them: each critical finding of issue 10 is refused, and what each role is
 * granted still works. Run on H2 (EngineDoorsIT) and PostgreSQL (EngineDoorsPostgresIT).
 */
abstract class EngineDoorsCases {

  private static final String ENGINE = "/camunda/api/engine/engine/default";

  Scenario scenario;
  Api admin;
  Api flow;
  String service;
  String agent;
  String supervisor;

  abstract String base();

  @BeforeEach
  void given() {
    scenario = new Scenario(base());
    admin = scenario.admin();
    flow = Api.flow(base());
    agent = scenario.agent("ann", 1);
    service = scenario.service("doors", List.of(agent), map("ronaTimeoutSeconds", 300));
    supervisor = scenario.supervisor("sid", service);
  }

  @Test
  void aSupervisorCannotMakeThemselvesAdminNorCreateUsersThroughEngineRest() {
    Api sup = scenario.as(supervisor);

    var join = sup.put("/engine-rest/group/camunda-admin/members/" + supervisor, null);
    var create = sup.post("/engine-rest/user/create", map(
        "profile", map("id", "mallory@contoso.test", "firstName", "M", "lastName", "M", "email", "mallory@contoso.test"),
        "credentials", map("password", "mallory-1")));
    var grant = sup.post("/engine-rest/authorization/create", map(
        "type", 1, "permissions", List.of("ALL"), "groupId", "cumulus-supervisors", "resourceType", 0, "resourceId", "*"));
    var group = sup.post("/engine-rest/group/create", map("id", "mallories", "name", "M", "type", "WORKFLOW"));

    assertThat(join.status()).as(join.toString()).isEqualTo(403);
    assertThat(join.text("type")).as("the engine's own error format").isEqualTo("AuthorizationException");
    assertThat(create.status()).as(create.toString()).isEqualTo(403);
    assertThat(grant.status()).as(grant.toString()).isEqualTo(403);
    assertThat(group.status()).as(group.toString()).isEqualTo(403);
    assertThat(groupsOf(supervisor)).doesNotContain("camunda-admin");
    assertThat(admin.get("/engine-rest/user/mallory@contoso.test/profile").status()).isEqualTo(404);
    assertThat(admin.get("/engine-rest/group/mallories").status()).isEqualTo(404);
    assertThat(sup.put("/v1/users/" + agent, map("displayName", "x", "password", "owned-1")).status()).isEqualTo(403);
    // the same request as an admin is what the grant allows
    assertThat(admin.put("/engine-rest/group/cumulus-supervisors/members/" + agent, null).status()).isEqualTo(204);
  }

  @Test
  void onlyAdminsDeployAndNobodyStartsAnInstanceThroughEngineRest() {
    Api sup = scenario.as(supervisor);
    long instances = admin.get("/engine-rest/process-instance/count").body().path("count").asLong();
    long deployments = admin.get("/engine-rest/deployment/count").body().path("count").asLong();

    var deploy = deploy(sup);
    var start = sup.post("/engine-rest/process-definition/key/ExternalTaskProcess/start", map("businessKey", "rogue"));
    var agentStart = scenario.as(agent).post("/engine-rest/process-definition/key/ExternalTaskProcess/start", map("businessKey", "rogue"));
    var flowStart = flow.post("/engine-rest/process-definition/key/ExternalTaskProcess/start", map("businessKey", "rogue"));

    assertThat(deploy.status()).as(deploy.toString()).isEqualTo(403);
    assertThat(start.status()).as(start.toString()).isEqualTo(403);
    assertThat(agentStart.status()).as(agentStart.toString()).isEqualTo(403);
    assertThat(flowStart.status()).as(flowStart.toString()).isEqualTo(403);
    assertThat(admin.get("/engine-rest/process-instance/count").body().path("count").asLong()).isEqualTo(instances);
    assertThat(admin.get("/engine-rest/deployment/count").body().path("count").asLong()).isEqualTo(deployments);
    // an admin's deployment through the same door is granted
    assertThat(deploy(admin).status()).isEqualTo(200);
  }

  @Test
  void aSupervisorReadsAndCancelsAnInstanceButCannotChangeIt() {
    Api sup = scenario.as(supervisor);
    scenario.available(agent);
    String offered = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "title", "offered")).text("id");
    String queued = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "title", "queued")).text("id");
    String instance = flow.get("/v1/ExternalTasks/" + offered).text("processInstanceId");

    var read = sup.get("/engine-rest/process-instance?businessKey=" + offered);
    var variables = sup.get("/engine-rest/process-instance/" + instance + "/variables");
    var history = sup.get("/engine-rest/history/process-instance?processInstanceId=" + instance);
    var change = sup.post("/engine-rest/process-instance/" + instance + "/variables", map("modifications", map("serviceUpn", map("value", "elsewhere@contoso.com"))));
    var suspend = sup.put("/engine-rest/process-instance/" + instance + "/suspended", map("suspended", true));
    var cancel = sup.delete("/engine-rest/process-instance/" + instance + "?skipCustomListeners=true");

    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body()).hasSize(1);
    assertThat(variables.status()).isEqualTo(200);
    assertThat(variables.body().path("serviceUpn").path("value").asText()).isEqualTo(service);
    assertThat(history.body()).hasSize(1);
    assertThat(change.status()).as(change.toString()).isEqualTo(403);
    assertThat(suspend.status()).as(suspend.toString()).isEqualTo(403);
    assertThat(cancel.status()).as(cancel.toString()).isEqualTo(204);
    JsonNode task = flow.get("/v1/ExternalTasks/" + offered).body();
    assertThat(task.path("state").asText()).isEqualTo("Cancelled");
    JsonNode last = task.path("events").get(task.path("events").size() - 1);
    assertThat(last.path("event").asText()).isEqualTo("Cancelled");
    assertThat(last.path("actor").asText()).as("the engine user who cancelled it").isEqualTo(supervisor);
    // what Cumulus does next runs as Cumulus, not within the supervisor's grants: the freed agent gets the next task
    JsonNode next = flow.get("/v1/ExternalTasks/" + queued).body();
    assertThat(next.path("state").asText()).isEqualTo("Offered");
    assertThat(next.path("assignedUserUpn").asText()).isEqualTo(agent);
  }

  @Test
  void agentsAndFlowsHaveNoEngineRestAndAgentsNoCockpit() {
    Api ann = scenario.as(agent);
    flow.post("/v1/ExternalTasks", map("serviceUpn", service));

    assertThat(ann.get("/engine-rest/process-instance").status()).isEqualTo(403);
    assertThat(ann.put("/engine-rest/group/camunda-admin/members/" + agent, null).status()).isEqualTo(403);
    assertThat(flow.get("/engine-rest/process-instance").status()).isEqualTo(403);
    assertThat(flow.put("/engine-rest/group/camunda-admin/members/" + agent, null).status()).isEqualTo(403);

    for (String app : List.of("cockpit", "admin", "tasklist")) {
      var login = new WebappSession(base()).login(app, agent, Scenario.PASSWORD);
      assertThat(login.statusCode()).as(app + ": " + login.body()).isIn(401, 403);
    }
    // even with a session of the one webapp every user may open (Welcome, their own profile)
    var session = new WebappSession(base());
    session.login("welcome", agent, Scenario.PASSWORD);
    var join = session.send("PUT", ENGINE + "/group/camunda-admin/members/" + agent, null, null);
    var instances = session.get(ENGINE + "/process-instance/count");
    var users = session.get(ENGINE + "/user");

    assertThat(join.statusCode()).as(join.body()).isIn(401, 403);
    assertThat(groupsOf(agent)).doesNotContain("camunda-admin");
    if (instances.statusCode() == 200) {
      assertThat(json(instances).path("count").asLong()).as("instances an agent sees").isZero();
    } else {
      assertThat(instances.statusCode()).isIn(401, 403);
    }
    if (users.statusCode() == 200) {
      assertThat(ids(json(users))).as("users an agent sees").containsOnly(agent);
    } else {
      assertThat(users.statusCode()).isIn(401, 403);
    }
    // and without any session the webapps' engine API refuses
    var anonymous = new WebappSession(base()).send("PUT", ENGINE + "/group/camunda-admin/members/" + agent, null, null);
    assertThat(anonymous.statusCode()).isIn(401, 403);
  }

  @Test
  void aSupervisorUsesCockpitButNotAdminNorTasklistNorTheirEngineApiToChangeIdentity() {
    flow.post("/v1/ExternalTasks", map("serviceUpn", service));
    var cockpit = new WebappSession(base());

    var login = cockpit.login("cockpit", supervisor, Scenario.PASSWORD);
    var me = cockpit.get("/camunda/api/admin/auth/user/default");
    var instances = cockpit.get(ENGINE + "/process-instance/count");
    var join = cockpit.send("PUT", ENGINE + "/group/camunda-admin/members/" + supervisor, null, null);
    var create = cockpit.send("POST", ENGINE + "/user/create",
        "{\"profile\":{\"id\":\"mallory@contoso.test\"},\"credentials\":{\"password\":\"mallory-1\"}}", "application/json");

    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    assertThat(me.statusCode()).as("the webapps' session holds").isEqualTo(200);
    assertThat(json(me).path("userId").asText()).isEqualTo(supervisor);
    assertThat(json(me).path("authorizedApps").toString()).contains("cockpit").doesNotContain("admin").doesNotContain("tasklist");
    assertThat(json(instances).path("count").asLong()).isPositive();
    assertThat(join.statusCode()).as(join.body()).isEqualTo(403);
    assertThat(create.statusCode()).as(create.body()).isEqualTo(403);
    assertThat(groupsOf(supervisor)).doesNotContain("camunda-admin");
    for (String app : List.of("admin", "tasklist")) {
      assertThat(new WebappSession(base()).login(app, supervisor, Scenario.PASSWORD).statusCode()).as(app).isIn(401, 403);
    }
  }

  @Test
  void cockpitsOwnScriptsAndLoginAreServedByTheWebappsNotTheApiChain() {
    var anonymous = new WebappSession(base());

    var plugin = anonymous.get("/camunda/api/cockpit/plugin/cockpitPlugins/static/app/plugin.js");
    var admins = new WebappSession(base());
    var login = admins.login("cockpit", "admin", Api.ADMIN_PASSWORD);
    var me = admins.get("/camunda/api/admin/auth/user/default");

    assertThat(plugin.statusCode()).isEqualTo(200);
    assertThat(plugin.headers().firstValue("WWW-Authenticate")).isEmpty();
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    assertThat(json(me).path("userId").asText()).isEqualTo("admin");
    assertThat(json(me).path("authorizedApps").toString()).contains("cockpit", "admin", "tasklist");
  }

  @Test
  void theCumulusTabsResourceGivesTheCardOnlyToAdminsAndSupervisorsOfTheTasksService() {
    String id = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "title", "Call back")).text("id");
    String instance = flow.get("/v1/ExternalTasks/" + id).text("processInstanceId");
    String card = "/camunda/api/cockpit/plugin/cumulus/default/process-instance/" + instance + "/task-card";
    String stranger = scenario.supervisor("sam", scenario.service("elsewhere", List.of(), map()));

    var supervisors = new WebappSession(base());
    supervisors.login("cockpit", supervisor, Scenario.PASSWORD);
    var seen = supervisors.get(card);
    var strangers = new WebappSession(base());
    strangers.login("cockpit", stranger, Scenario.PASSWORD);
    var strangerSees = strangers.get(card);
    var admins = new WebappSession(base());
    admins.login("cockpit", "admin", Api.ADMIN_PASSWORD);
    var adminSees = admins.get(card);
    // an agent cannot log in to Cockpit; with a Welcome session the engine finds no instance for them
    var agents = new WebappSession(base());
    agents.login("welcome", agent, Scenario.PASSWORD);
    var agentSees = agents.get(card);
    var anonymous = new WebappSession(base()).get(card);
    var script = new WebappSession(base()).get("/camunda/api/cockpit/plugin/cumulus/static/app/plugin.js");

    assertThat(seen.statusCode()).as(seen.body()).isEqualTo(200);
    assertThat(json(seen).path("taskId").asText()).isEqualTo(id);
    assertThat(json(seen).path("serviceUpn").asText()).isEqualTo(service);
    assertThat(json(seen).path("events").get(0).path("event").asText()).isEqualTo("Created");
    assertThat(json(seen).has("customer")).as("the card carries no customer data").isFalse();
    assertThat(adminSees.statusCode()).as(adminSees.body()).isEqualTo(200);
    assertThat(strangerSees.statusCode()).as(strangerSees.body()).isEqualTo(403);
    assertThat(strangerSees.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(json(strangerSees).path("detail").asText()).contains("does not supervise " + service);
    assertThat(agentSees.statusCode()).as("the engine finds no instance the agent may read: " + agentSees.body()).isEqualTo(404);
    assertThat(agentSees.body()).doesNotContain(id);
    assertThat(anonymous.statusCode()).as("no webapp session: Cockpit's own filter refuses").isEqualTo(401);
    assertThat(anonymous.body()).doesNotContain(id);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isEmpty();
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("WWW-Authenticate")).as("no Basic challenge for Cockpit's plugin script").isEmpty();
    assertThat(script.body()).contains("cockpit.processInstance.runtime.tab");

    // a task that ends while its tab is open: its instance is history, the card shows the end
    assertThat(flow.delete("/v1/ExternalTasks/" + id).status()).isIn(200, 204);
    assertThat(admin.get("/engine-rest/process-instance/" + instance).status()).as("the instance ended").isEqualTo(404);
    var ended = supervisors.get(card);
    assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
    assertThat(json(ended).path("state").asText()).isEqualTo("Cancelled");
  }

  private Api.Response deploy(Api caller) {
    String xml;
    try {
      xml = new ClassPathResource("bpmn/external-task.bpmn").getContentAsString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String boundary = "doors" + System.nanoTime();
    String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\ndoors\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"external-task.bpmn\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n" + xml + "\r\n--" + boundary + "--\r\n";
    return caller.send("POST", "/engine-rest/deployment/create", body, "multipart/form-data; boundary=" + boundary);
  }

  private List<String> groupsOf(String user) {
    var r = admin.get("/engine-rest/group?member=" + user);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return ids(r.body());
  }

  private static List<String> ids(JsonNode array) {
    var ids = new ArrayList<String>();
    array.forEach(n -> ids.add(n.path("id").asText()));
    return ids;
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(response.statusCode() + " " + response.body(), e);
    }
  }
}
