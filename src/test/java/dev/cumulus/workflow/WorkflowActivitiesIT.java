package dev.cumulus.workflow;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cumulus.lifecycle.WorkflowActivities;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import dev.cumulus.support.TaskProbe;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The sample workflows and the workflow activities end to end through the REST API, with the real
 * services behind the delegates. The job executor is off: the test fires timers itself.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:workflow-activities-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false"
    })
class WorkflowActivitiesIT {

  /** The overflow and fallback service the sample diagrams name. */
  private static final String SALES = "sales@contoso.com";

  @LocalServerPort int port;
  @Autowired ManagementService management;
  @Autowired dev.cumulus.lifecycle.DistributionTimers timers;
  @Autowired org.springframework.jdbc.core.JdbcTemplate jdbc;
  @Autowired RuntimeService runtime;
  @Autowired WorkflowActivities activities;

  Scenario scenario;
  Api flow;
  TaskProbe probe;

  @BeforeEach
  void setUp() {
    scenario = new Scenario("http://127.0.0.1:" + port);
    flow = Api.flow("http://127.0.0.1:" + port);
    probe = new TaskProbe(flow, management, timers, jdbc);
  }

  // --- escalation ---------------------------------------------------------------------------

  @Test
  void escalationRaisesThePriorityThenMovesTheTaskToTheOverflowServiceWhereItIsHandled() {
    // given a service using the escalation workflow, nobody free there, and an agent in sales
    String bob = scenario.agent("bob", 1);
    sales(List.of(bob));
    String support = scenario.service("support", List.of(), map("processKey", "EscalationProcess"));
    String id = create(support, map());
    JsonNode queued = task(id);
    assertThat(queued.path("state").asText()).isEqualTo("Queued");

    // when it waited N minutes
    fireTimer(id, "BoundaryEvent_RaisePriority");

    // then its priority went up one step
    assertThat(task(id).path("distributionPriority").asText()).isEqualTo("High");

    // when it waited M minutes
    fireTimer(id, "BoundaryEvent_TransferToOverflow");

    // then it waits in the overflow service with its original age
    JsonNode moved = task(id);
    assertThat(moved.path("serviceUpn").asText()).isEqualTo(SALES);
    assertThat(moved.path("state").asText()).isEqualTo("Queued");
    assertThat(moved.path("enqueuedAt").asText()).isEqualTo(queued.path("enqueuedAt").asText());
    assertThat(events(moved)).containsExactly("Created", "Queued", "PriorityChanged", "Transferred");

    // and an agent there gets it and handles it as usual
    scenario.available(bob);
    assertThat(task(id).path("state").asText()).isEqualTo("Offered");
    assertThat(scenario.as(bob).post("/v1/ExternalTasks/" + id + "/accept", null).text("state")).isEqualTo("Connected");
    scenario.as(bob).post("/v1/ExternalTasks/" + id + "/complete", null);
    fireTimer(id, TaskProbe.AFTER_WORK_DUE);
    assertThat(task(id).path("state").asText()).isEqualTo("Completed");
  }

  @Test
  void escalationWithdrawsAStandingOfferWhenItMovesTheTask() {
    // given the task is offered to alice in its own service, and nobody is free in sales
    String alice = scenario.agent("alice", 1);
    sales(List.of());
    String support = scenario.service("support", List.of(alice), map("processKey", "EscalationProcess"));
    scenario.available(alice);
    String id = create(support, map());
    assertThat(task(id).path("state").asText()).isEqualTo("Offered");

    // when the transfer timer fires while the offer stands
    fireTimer(id, "BoundaryEvent_TransferToOverflow");

    // then the offer is withdrawn (alice is free again), and the instance waits for an agent in sales
    JsonNode moved = task(id);
    assertThat(moved.path("state").asText()).isEqualTo("Queued");
    assertThat(moved.path("serviceUpn").asText()).isEqualTo(SALES);
    assertThat(scenario.admin().get("/v1/users/" + alice).body().path("activeTasks").asInt()).isZero();
    String instance = moved.path("processInstanceId").asText();
    assertThat(runtime.getActiveActivityIds(instance)).contains("Task_WithAgents");
  }

  @Test
  void escalationCancelsTheTaskWithAReasonWhenItsLifetimeEnds() {
    String support = scenario.service("support", List.of(), map("processKey", "EscalationProcess"));
    String id = create(support, map());

    fireTimer(id, "BoundaryEvent_Expired");

    JsonNode done = task(id);
    assertThat(done.path("state").asText()).isEqualTo("Cancelled");
    assertThat(done.path("outcome").asText()).isEqualTo("Cancelled");
    JsonNode last = done.path("events").get(done.path("events").size() - 1);
    assertThat(last.path("event").asText()).isEqualTo("Cancelled");
    assertThat(last.path("detail").path("reason").asText()).isEqualTo("lifetime ended before an agent took it");
    assertThat(runtime.createProcessInstanceQuery().processInstanceId(done.path("processInstanceId").asText()).count()).isZero();
  }

  // --- delayed start ------------------------------------------------------------------------

  @Test
  void delayedStartQueuesAtTheGivenTimeKeepingTheTaskAgeFromItsCreation() {
    String support = scenario.service("support", List.of(), map("processKey", "DelayedStartProcess"));
    Instant startAt = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    String id = create(support, map("customContextParameters", List.of(map("name", "startAt", "value", startAt.toString()))));
    assertThat(task(id).path("state").asText()).isEqualTo("InWorkflow");

    fireTimer(id, "Event_WaitUntilStart"); // the asynchronous continuation before the timer
    assertThat(probe.job(id, "Event_WaitUntilStart").getDuedate().toInstant()).isEqualTo(startAt);
    fireTimer(id, "Event_WaitUntilStart");

    JsonNode queued = task(id);
    assertThat(queued.path("state").asText()).isEqualTo("Queued");
    assertThat(OffsetDateTime.parse(queued.path("enqueuedAt").asText()).toInstant())
        .isEqualTo(OffsetDateTime.parse(queued.path("created").asText()).toInstant());
  }

  // --- wait for flow ------------------------------------------------------------------------

  @Test
  void waitForFlowQueuesWhenTheFlowSetsTheParameterThroughUpdateTask() {
    // given the task waits for its details, and an agent is free
    String carol = scenario.agent("carol", 1);
    String support = scenario.service("support", List.of(carol), map("processKey", "WaitForFlowProcess"));
    scenario.available(carol);
    String id = create(support, map());
    assertThat(task(id).path("state").asText()).isEqualTo("InWorkflow");

    // when the flow sets another parameter, then it keeps waiting
    assertThat(flow.put("/v1/tasks/" + id, map("customContextParameters", List.of(map("name", "orderStatus", "value", "paid")))).status())
        .isEqualTo(200);
    assertThat(task(id).path("state").asText()).isEqualTo("InWorkflow");

    // when the flow sets "details"
    var r = flow.put("/v1/tasks/" + id, map("customContextParameters", List.of(map("name", "details", "value", "order 4711"))));

    // then the task is queued and offered in the same request
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode offered = task(id);
    assertThat(offered.path("state").asText()).isEqualTo("Offered");
    assertThat(events(offered)).containsExactly("Created", "Updated", "Updated", "Queued", "Offered");
    assertThat(management.createJobQuery().processInstanceId(offered.path("processInstanceId").asText())
        .activityId("BoundaryEvent_DetailsTimedOut").count()).isZero();
  }

  @Test
  void waitForFlowQueuesAnywayAfterItsTimeout() {
    String support = scenario.service("support", List.of(), map("processKey", "WaitForFlowProcess"));
    String id = create(support, map());

    fireTimer(id, "BoundaryEvent_DetailsTimedOut");

    assertThat(task(id).path("state").asText()).isEqualTo("Queued");
  }

  // --- availability -------------------------------------------------------------------------

  @Test
  void availabilityMovesTheTaskToTheFallbackServiceWhenNobodyIsOnDuty() {
    String dave = scenario.agent("dave", 1);
    sales(List.of(dave));
    scenario.available(dave);
    String support = scenario.service("support", List.of(), map("processKey", "AvailabilityRoutingProcess"));

    String id = create(support, map());

    JsonNode task = task(id);
    assertThat(task.path("serviceUpn").asText()).isEqualTo(SALES);
    assertThat(task.path("state").asText()).isEqualTo("Offered");
    assertThat(task.path("assignedUserUpn").asText()).isEqualTo(dave);
    assertThat(events(task)).containsExactly("Created", "Transferred", "Queued", "Offered");
  }

  @Test
  void availabilityCancelsWhenNobodyIsOnDutyAnywhere() {
    sales(List.of());
    String support = scenario.service("support", List.of(), map("processKey", "AvailabilityRoutingProcess"));

    String id = create(support, map());

    JsonNode task = task(id);
    assertThat(task.path("state").asText()).isEqualTo("Cancelled");
    assertThat(task.path("events").get(1).path("detail").path("reason").asText()).isEqualTo("nobody on duty");
  }

  @Test
  void availabilityTellsWebhooksWhenEveryoneOnDutyIsBusy() {
    String erin = scenario.agent("erin", 1);
    String support = scenario.service("support", List.of(erin), map("processKey", "AvailabilityRoutingProcess"));
    scenario.presence(erin, "Busy");

    String id = create(support, map());

    JsonNode task = task(id);
    assertThat(task.path("state").asText()).isEqualTo("Queued");
    assertThat(events(task)).containsExactly("Created", "Notified", "Queued");
    assertThat(task.path("events").get(1).path("detail").path("notification").asText()).isEqualTo("AllAgentsBusy");
  }

  // --- Queue Task options, runtime deployment -----------------------------------------------

  @Test
  void aDeployedWorkflowQueuesWithItsOwnPriorityDistributionTypeAndOfferTimeout() throws Exception {
    // given a workflow whose Queue Task makes tasks Pickup and High
    var deployed = deploy("pickup-queue.bpmn", variant("PickupQueueProcess",
        Map.of("priority", "High", "distributionType", "Pickup")));
    assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
    String frank = scenario.agent("frank", 1);
    String support = scenario.service("support", List.of(frank), map("processKey", "PickupQueueProcess"));
    scenario.available(frank);

    // when a task is created, then nobody is offered it although frank is free
    String id = create(support, map());
    JsonNode queued = task(id);
    assertThat(queued.path("state").asText()).isEqualTo("Queued");
    assertThat(queued.path("distributionPriority").asText()).isEqualTo("High");
    assertThat(queued.path("events").get(2).path("event").asText()).isEqualTo("Queued");
    assertThat(queued.path("events").get(2).path("detail").path("distributionType").asText()).isEqualTo("Pickup");

    // and frank picks it up, as in a Pickup service
    var picked = scenario.as(frank).post("/v1/ExternalTasks/" + id + "/pickup", null);
    assertThat(picked.status()).as(picked.toString()).isEqualTo(200);
    assertThat(task(id).path("state").asText()).isEqualTo("Connected");

    // given a workflow with an offer timeout of its own
    deploy("short-offer.bpmn", variant("ShortOfferProcess", Map.of("offerTimeoutSeconds", "45")));
    String gina = scenario.agent("gina", 1);
    String other = scenario.service("other", List.of(gina), map("processKey", "ShortOfferProcess", "ronaTimeoutSeconds", 300));
    scenario.available(gina);
    Instant before = Instant.now();
    String offered = create(other, map());
    assertThat(task(offered).path("state").asText()).isEqualTo("Offered");
    assertThat(probe.offerDueAt(offered)).isBetween(before.plusSeconds(44), Instant.now().plusSeconds(46));
  }

  @Test
  void aNewVersionChangesNewTasksOnlyAndABrokenDiagramIsRefusedWithTheParsersMessage() throws Exception {
    // given version 1 of a workflow and a task running on it
    assertThat(deploy("versioned.bpmn", variant("VersionedProcess", Map.of())).statusCode()).isEqualTo(201);
    String support = scenario.service("support", List.of(), map("processKey", "VersionedProcess"));
    String first = create(support, map());

    // when version 2 is deployed
    var v2 = deploy("versioned.bpmn", variant("VersionedProcess", Map.of("priority", "Low")));
    assertThat(v2.statusCode()).as(v2.body()).isEqualTo(201);
    assertThat(new ObjectMapper().readTree(v2.body()).at("/processes/0/version").asInt()).isEqualTo(2);

    // then the running task stays on version 1, a new one runs version 2
    String second = create(support, map());
    assertThat(definitionVersion(first)).isEqualTo(1);
    assertThat(definitionVersion(second)).isEqualTo(2);
    assertThat(task(second).path("distributionPriority").asText()).isEqualTo("Low");

    // when a broken diagram is sent (a service task without an implementation)
    String broken = variant("VersionedProcess", Map.of()).replace(" camunda:delegateExpression=\"${expireTaskDelegate}\"", "");
    var refused = deploy("versioned.bpmn", broken);

    // then it is refused with the parser's message, and version 2 stays the latest
    assertThat(refused.statusCode()).isEqualTo(400);
    JsonNode problem = new ObjectMapper().readTree(refused.body());
    assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(problem.at("/errors/0/field").asText()).isEqualTo("file");
    assertThat(problem.at("/errors/0/rule").asText()).isEqualTo("bpmnParse");
    assertThat(problem.path("detail").asText()).contains("Task_ExpireTask").contains("line");
    var versions = scenario.admin().get("/v1/workflows/VersionedProcess");
    assertThat(versions.body().get(0).path("version").asInt()).isEqualTo(2);
    assertThat(task(first).path("state").asText()).isEqualTo("Queued");
    assertThat(task(create(support, map())).path("state").asText()).isEqualTo("Queued");

    // and a diagram without the parts Cumulus drives is refused too
    String plain = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="t">
          <bpmn:process id="PlainProcess" isExecutable="true"><bpmn:startEvent id="StartEvent_A" /></bpmn:process>
        </bpmn:definitions>""";
    var contract = deploy("plain.bpmn", plain);
    assertThat(contract.statusCode()).isEqualTo(400);
    assertThat(new ObjectMapper().readTree(contract.body()).at("/errors/0/rule").asText()).isEqualTo("workflowContract");
    assertThat(contract.body()).contains("Task_WithAgents");
  }

  @Test
  void wrongActivityInputsAreRefusedAtDeploymentOrNamedWhenTheStepRuns() throws Exception {
    // a priority that does not exist, a delegate that does not exist: refused, naming the element
    String wrong = variant("WrongInputsProcess", Map.of("priority", "Urgent", "offerTimeoutSeconds", "2"))
        .replace("${expireTaskDelegate}", "${expireTaskDelegat}");
    var refused = deploy("wrong-inputs.bpmn", wrong);
    assertThat(refused.statusCode()).isEqualTo(400);
    JsonNode problem = new ObjectMapper().readTree(refused.body());
    assertThat(problem.at("/errors/0/rule").asText()).isEqualTo("workflowContract");
    assertThat(problem.path("detail").asText())
        .contains("'Queue task' (Task_QueueTask): input 'priority': 'Urgent' is not one of [Low, Normal, High, Strict]")
        .contains("input 'offerTimeoutSeconds': 2 is outside 5–3600")
        .contains("'Expire task' (Task_ExpireTask): delegate ${expireTaskDelegat} does not exist");
    assertThat(scenario.admin().get("/v1/workflows/WrongInputsProcess").status()).isEqualTo(404);

    // a service that does not exist shows only when the step runs: 500 naming the element, nothing created
    assertThat(deploy("unknown-service.bpmn", variant("UnknownServiceProcess", Map.of("serviceUpn", "nowhere@contoso.test"))).statusCode())
        .isEqualTo(201);
    String support = scenario.service("support", List.of(), map("processKey", "UnknownServiceProcess"));
    var failed = flow.post("/v1/ExternalTasks", map("serviceUpn", support));
    assertThat(failed.status()).isEqualTo(500);
    assertThat(failed.contentType()).startsWith("application/problem+json");
    assertThat(failed.text("type")).isEqualTo("urn:cumulus:problem:workflow-step-failed");
    assertThat(failed.text("detail")).contains("'Queue task' (Task_QueueTask): input 'serviceUpn': no service 'nowhere@contoso.test'");
    assertThat(flow.get("/v1/ExternalTasks?serviceUpn=" + support).body().path("totalItems").asInt(-1)).isZero();
  }

  @Test
  void onlyAnAdministratorDeploysWorkflows() throws Exception {
    var asFlow = multipart("X-API-Key", Api.FLOW_KEY, "x.bpmn", variant("FlowProcess", Map.of()));
    assertThat(asFlow.statusCode()).isEqualTo(403);
    assertThat(scenario.admin().get("/v1/workflows").body().findValuesAsText("key")).contains("ExternalTaskProcess", "EscalationProcess");
  }

  // --- a diagram built from the templates ----------------------------------------------------

  @Test
  void aWorkflowBuiltFromTheTemplatesRunsEveryActivity() throws Exception {
    // given a workflow whose steps before Find an agent are the templates applied as the Modeler
    // applies them (the template's delegate, its default values, and the values an author typed)
    String ivan = scenario.agent("ivan", 1);
    String xml = withStepsBeforeQueueing(variant("FromTemplatesProcess", Map.of()), List.of(
        TemplateApplier.apply("dev.cumulus.SetParameter", "Task_SetStatus", "Mark as VIP", Map.of("parameterName", "status", "parameterValue", "vip")),
        TemplateApplier.apply("dev.cumulus.CheckParameter", "Task_CheckStatus", "VIP?", Map.of("parameterName", "status", "expectedValue", "vip")),
        TemplateApplier.apply("dev.cumulus.UpdatePriority", "Task_RaisePriority", "Raise priority", Map.of()),
        TemplateApplier.apply("dev.cumulus.CheckTask", "Task_CheckTask", "Check task", Map.of()),
        TemplateApplier.apply("dev.cumulus.AvailabilityCheck", "Task_Availability", "Who is there?", Map.of()),
        TemplateApplier.apply("dev.cumulus.Notify", "Task_Notify", "Tell the flow", Map.of("notification", "VipArrived", "message", "${availability}"))));
    var deployed = deploy("from-templates.bpmn", xml);
    assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
    String support = scenario.service("support", List.of(ivan), map("processKey", "FromTemplatesProcess"));
    scenario.presence(ivan, "Busy");

    // when a task is created
    String id = create(support, map());

    // then every step did its part, in order, before the task was queued
    JsonNode task = task(id);
    assertThat(events(task)).containsExactly("Created", "Updated", "PriorityChanged", "Notified", "Queued");
    assertThat(task.path("distributionPriority").asText()).isEqualTo("High");
    assertThat(task.path("events").get(3).path("detail").path("message").asText()).isEqualTo("Busy");
    String instance = task.path("processInstanceId").asText();
    assertThat(runtime.getVariable(instance, "parameterMatches")).isEqualTo(true);
    assertThat(runtime.getVariable(instance, "taskState")).isEqualTo("InWorkflow");
    assertThat(runtime.getVariable(instance, "availableAgents")).isEqualTo(0);
    assertThat(runtime.getVariable(instance, "availability")).isEqualTo("Busy");
    assertThat(runtime.getVariable(instance, "agentsOnDuty")).isEqualTo(1);
  }

  /** Puts these service tasks, in a row, between "Task created" and Queue task. */
  private static String withStepsBeforeQueueing(String xml, List<String> steps) {
    var chain = new StringBuilder();
    String previous = "StartEvent_TaskCreated";
    for (int i = 0; i < steps.size(); i++) {
      String step = steps.get(i);
      String stepId = step.replaceAll("(?s).*? id=\"([^\"]+)\".*", "$1");
      chain.append(step).append("\n");
      chain.append("<bpmn:sequenceFlow id=\"Flow_Step").append(i).append("\" sourceRef=\"").append(previous)
          .append("\" targetRef=\"").append(stepId).append("\" />\n");
      previous = stepId;
    }
    chain.append("<bpmn:sequenceFlow id=\"Flow_StepsDone\" sourceRef=\"").append(previous).append("\" targetRef=\"Task_QueueTask\" />\n");
    return xml
        .replace("<bpmn:sequenceFlow id=\"Flow_TaskCreated\" sourceRef=\"StartEvent_TaskCreated\" targetRef=\"Task_QueueTask\" />", chain.toString())
        .replace("<bpmn:outgoing>Flow_TaskCreated</bpmn:outgoing>", "")
        .replace("<bpmn:incoming>Flow_TaskCreated</bpmn:incoming>", "")
        .replaceAll("(?s)<bpmndi:BPMNEdge id=\"Flow_TaskCreated_di\".*?</bpmndi:BPMNEdge>", "");
  }

  // --- activities on their own --------------------------------------------------------------

  @Test
  void activitiesReadAndChangeTheTaskLikeTheApi() {
    String hank = scenario.agent("hank", 1);
    String support = scenario.service("support", List.of(hank), map());
    String id = create(support, map("distributionPriority", "Low"));

    // Check Task: queued, first in line, nobody free
    var check = activities.check(id);
    assertThat(check.state().name()).isEqualTo("Queued");
    assertThat(check.queuePosition()).isEqualTo(1L);
    assertThat(check.availableAgents()).isZero();
    // nobody could take it: no ground for an estimate, in the output as on the task in the API
    assertThat(check.estimatedWaitSeconds()).isNull();
    assertThat(task(id).has("estimatedWaitSeconds")).isFalse();

    // Update Priority: raising stops at the cap, and Strict only when set
    assertThat(activities.updatePriority(id, null, 3, null).name()).isEqualTo("High");
    assertThat(activities.updatePriority(id, null, 1, null).name()).isEqualTo("High");
    assertThat(activities.updatePriority(id, dev.cumulus.externaltask.DistributionPriority.Strict, 1, null).name()).isEqualTo("Strict");

    // Set Parameter / Check Parameter
    activities.setParameter(id, "status", "vip");
    assertThat(activities.parameter(id, "status")).contains("vip");
    assertThat(task(id).path("customContextParameters").toString()).contains("vip");

    // Notify
    activities.notify(id, "Escalated", "to the team lead");
    JsonNode task = task(id);
    assertThat(events(task)).endsWith("PriorityChanged", "PriorityChanged", "Updated", "Notified");

    // Cancel Task while an agent is connected: Abandoned
    scenario.available(hank);
    scenario.as(hank).post("/v1/ExternalTasks/" + id + "/accept", null);
    assertThat(activities.cancel(id, "customer hung up")).isEqualTo("Abandoned");
    assertThat(task(id).path("outcome").asText()).isEqualTo("Abandoned");
    assertThat(scenario.admin().get("/v1/users/" + hank).body().path("activeTasks").asInt()).isZero();
  }

  // --- helpers ------------------------------------------------------------------------------

  private void sales(List<String> members) {
    var r = scenario.admin().put("/v1/services/" + SALES, map("displayName", "Sales", "members", members));
    assertThat(r.status()).as(r.toString()).isIn(200, 201);
  }

  @Test
  void aWorkflowThatModelsTaskConnectedActsWhenAnAgentAccepts() throws Exception {
    // given a workflow with a non-interrupting TaskConnected boundary event on With the agents that notifies
    String xml = variant("ConnectedAwareProcess", Map.of())
        .replace("</bpmn:process>", """
            <bpmn:boundaryEvent id="BoundaryEvent_Connected" name="Agent connected" cancelActivity="false" attachedToRef="Task_WithAgents">
              <bpmn:messageEventDefinition id="MessageEventDefinition_Connected" messageRef="Message_TaskConnected" />
            </bpmn:boundaryEvent>
            <bpmn:serviceTask id="Task_TellConnected" name="Tell connected" camunda:delegateExpression="${notifyDelegate}">
              <bpmn:extensionElements><camunda:inputOutput>
                <camunda:inputParameter name="notification">AgentConnected</camunda:inputParameter>
              </camunda:inputOutput></bpmn:extensionElements>
            </bpmn:serviceTask>
            <bpmn:endEvent id="EndEvent_Told" name="Told" />
            <bpmn:sequenceFlow id="Flow_Connected" sourceRef="BoundaryEvent_Connected" targetRef="Task_TellConnected" />
            <bpmn:sequenceFlow id="Flow_Told" sourceRef="Task_TellConnected" targetRef="EndEvent_Told" />
            </bpmn:process>
            <bpmn:message id="Message_TaskConnected" name="TaskConnected" />""");
    var deployed = deploy("connected-aware.bpmn", xml);
    assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
    String ivy = scenario.agent("ivy", 1);
    String aware = scenario.service("aware", List.of(ivy), map("processKey", "ConnectedAwareProcess"));
    String plain = scenario.service("plain", List.of(ivy), map());
    scenario.available(ivy);

    // when ivy accepts a task of each
    String heard = create(aware, map());
    scenario.as(ivy).post("/v1/ExternalTasks/" + heard + "/accept", null);
    String unheard = create(plain, map());
    scenario.as(ivy).post("/v1/ExternalTasks/" + heard + "/complete", null);
    fireTimer(heard, TaskProbe.AFTER_WORK_DUE);
    scenario.as(ivy).post("/v1/ExternalTasks/" + unheard + "/accept", null);

    // then the workflow that models it heard it (its Notify ran), and it still ended as Completed
    JsonNode done = task(heard);
    assertThat(events(done)).containsSubsequence("Accepted", "Notified", "Completed");
    assertThat(done.path("events").toString()).contains("AgentConnected");
    assertThat(runtime.createProcessInstanceQuery().processInstanceId(done.path("processInstanceId").asText()).count()).isZero();
    // and the default workflow had nothing to hear: the instance still waits with the agents
    assertThat(events(task(unheard))).doesNotContain("Notified");
    assertThat(runtime.getActiveActivityIds(task(unheard).path("processInstanceId").asText())).containsExactly("Task_WithAgents");
  }

  private String create(String service, Map<String, Object> fields) {
    var body = new java.util.LinkedHashMap<String, Object>(fields);
    body.put("serviceUpn", service);
    var r = flow.post("/v1/ExternalTasks", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.text("id");
  }

  private JsonNode task(String id) {
    return probe.task(id);
  }

  private static List<String> events(JsonNode task) {
    return TaskProbe.events(task);
  }


  private void fireTimer(String taskId, String activityId) {
    probe.fireTimer(taskId, activityId);
  }

  private int definitionVersion(String taskId) {
    String instance = task(taskId).path("processInstanceId").asText();
    var r = scenario.admin().get("/engine-rest/process-instance/" + instance);
    String definitionId = r.body().path("definitionId").asText();
    return scenario.admin().get("/engine-rest/process-definition/" + definitionId).body().path("version").asInt();
  }

  /** The default workflow under another key, its Queue Task with these inputs. */
  private static String variant(String key, Map<String, String> queueInputs) throws IOException {
    String xml = Files.readString(Path.of("bpmn/external-task.bpmn"));
    xml = xml.replace("id=\"ExternalTaskProcess\"", "id=\"" + key + "\"").replace("bpmnElement=\"ExternalTaskProcess\"", "bpmnElement=\"" + key + "\"");
    if (!queueInputs.isEmpty()) {
      var io = new StringBuilder("<bpmn:extensionElements><camunda:inputOutput>");
      queueInputs.forEach((k, v) -> io.append("<camunda:inputParameter name=\"").append(k).append("\">").append(v).append("</camunda:inputParameter>"));
      io.append("</camunda:inputOutput></bpmn:extensionElements>");
      xml = xml.replace("camunda:delegateExpression=\"${queueTaskDelegate}\">", "camunda:delegateExpression=\"${queueTaskDelegate}\">" + io);
    }
    return xml;
  }

  private HttpResponse<String> deploy(String fileName, String xml) {
    return scenario.admin().upload("/v1/workflows", "file", fileName, xml).raw();
  }

  private HttpResponse<String> multipart(String header, String value, String fileName, String xml) {
    return Api.anonymous("http://127.0.0.1:" + port).with(header, value).upload("/v1/workflows", "file", fileName, xml).raw();
  }

}
