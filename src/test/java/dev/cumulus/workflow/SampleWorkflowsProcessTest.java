package dev.cumulus.workflow;

import static org.assertj.core.api.Assertions.*;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.*;

import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every path of the sample workflows in bpmn/, on a bare engine. The activities are stand-ins that
 * record what they were asked (their inputs) and answer as the test sets up; the application-level
 * behaviour of each activity is tested through the REST API in WorkflowActivitiesIT.
 */
class SampleWorkflowsProcessTest {

  @RegisterExtension
  static ProcessEngineExtension engine = ProcessEngineExtension.builder()
      .configurationResource("camunda.unit.cfg.xml")
      .build();

  private static final Instant NOW = Instant.parse("2025-11-24T09:00:00Z");
  private static final String ESCALATION = "bpmn/escalation.bpmn";
  private static final String DELAYED_START = "bpmn/delayed-start.bpmn";
  private static final String WAIT_FOR_FLOW = "bpmn/wait-for-flow.bpmn";
  private static final String AVAILABILITY = "bpmn/availability-routing.bpmn";

  /** What each activity was asked, with its inputs, in order. */
  private final List<String> calls = new ArrayList<>();
  /** The task's context parameters as Check Parameter sees them. */
  private final Map<String, String> parameters = new HashMap<>();
  /** Availability Check's answer per service (null: the task's own). */
  private final Map<String, String> availability = new HashMap<>();
  /** The task's state as Check Task and Expire Task see it. */
  private String taskState = "Queued";

  @BeforeEach
  void standInActivities() {
    ClockUtil.setCurrentTime(Date.from(NOW));
    Mocks.register("queueTaskDelegate", (JavaDelegate) execution -> record(execution, "queueTask"));
    Mocks.register("expireTaskDelegate", (JavaDelegate) execution -> {
      record(execution, "expireTask");
      Inputs.output(execution, "expired", "Queued".equals(taskState));
    });
    Mocks.register("checkTaskDelegate", (JavaDelegate) execution -> {
      record(execution, "checkTask");
      Inputs.output(execution, "taskState", taskState);
    });
    Mocks.register("updatePriorityDelegate", (JavaDelegate) execution -> record(execution, "updatePriority"));
    Mocks.register("transferTaskDelegate", (JavaDelegate) execution -> record(execution, "transfer"));
    Mocks.register("cancelTaskDelegate", (JavaDelegate) execution -> record(execution, "cancelTask"));
    Mocks.register("notifyDelegate", (JavaDelegate) execution -> record(execution, "notify"));
    Mocks.register("checkParameterDelegate", (JavaDelegate) execution -> {
      record(execution, "checkParameter");
      String value = parameters.get((String) Inputs.declared(execution).get("parameterName"));
      Inputs.output(execution, "parameterValue", value);
      Inputs.output(execution, "parameterMatches", value != null);
    });
    Mocks.register("availabilityCheckDelegate", (JavaDelegate) execution -> {
      record(execution, "availabilityCheck");
      Inputs.output(execution, "availability", availability.get((String) Inputs.declared(execution).get("serviceUpn")));
    });
  }

  @AfterEach
  void reset() {
    Mocks.reset();
    ClockUtil.reset();
  }

  /** "name" and its inputs in name order, e.g. "transfer serviceUpn=sales@contoso.com". */
  private void record(DelegateExecution execution, String name) {
    var inputs = Inputs.declared(execution);
    var sb = new StringBuilder(name);
    inputs.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    calls.add(sb.toString());
  }

  @Test
  @Deployment(resources = {"bpmn/external-task.bpmn", ESCALATION, DELAYED_START, WAIT_FOR_FLOW, AVAILABILITY})
  void everySampleDeploysBesideTheDefaultWorkflow() {
    assertThat(repositoryService().createProcessDefinitionQuery().list())
        .extracting("key")
        .containsExactlyInAnyOrder("ExternalTaskProcess", "EscalationProcess", "DelayedStartProcess", "WaitForFlowProcess",
            "AvailabilityRoutingProcess");
  }

  // --- escalation ---------------------------------------------------------------------------

  @Test
  @Deployment(resources = ESCALATION)
  void escalationRaisesThePriorityAfterNThenTransfersAfterMWhileTheTaskWaits() {
    // given a task nobody takes
    ProcessInstance pi = start("EscalationProcess", "task-1");
    assertThat(pi).isWaitingAt("Task_WithAgents");
    assertThat(job("BoundaryEvent_RaisePriority").getDuedate()).isEqualTo(Date.from(NOW.plus(Duration.ofMinutes(5))));
    assertThat(job("BoundaryEvent_TransferToOverflow").getDuedate()).isEqualTo(Date.from(NOW.plus(Duration.ofMinutes(15))));

    // when it waited N minutes, then its priority goes up one step, and it still waits
    execute(job("BoundaryEvent_RaisePriority"));
    assertThat(calls).containsExactly("queueTask", "updatePriority highestPriority=High raiseBy=1");
    assertThat(pi).isWaitingAt("Task_WithAgents");

    // when it waited M minutes, then it moves to the overflow service, and still waits (there)
    execute(job("BoundaryEvent_TransferToOverflow"));
    assertThat(calls).last().isEqualTo("transfer serviceUpn=sales@contoso.com");
    assertThat(pi).isWaitingAt("Task_WithAgents")
        .hasPassed("Task_RaisePriority", "EndEvent_PriorityRaised", "Task_TransferToOverflow", "EndEvent_Transferred");
    assertThat(job("BoundaryEvent_Expired")).isNotNull();
  }

  @Test
  @Deployment(resources = ESCALATION)
  void escalationTimersChangeNothingOnceAnAgentHasTheTaskAndItCompletesAsUsual() {
    // given a task an agent accepted (Cumulus's own business: the instance keeps waiting)
    ProcessInstance pi = start("EscalationProcess", "task-2");
    taskState = "Connected";

    // when the escalation timers fire, the activities leave a task an agent has as it is (they answer so)
    execute(job("BoundaryEvent_RaisePriority", pi));
    execute(job("BoundaryEvent_TransferToOverflow", pi));
    // and when the lifetime ends, the task is not cancelled
    execute(job("BoundaryEvent_Expired", pi));
    assertThat(pi).isWaitingAt("Task_WithAgents").hasPassed("EndEvent_AgentOnIt").hasNotPassed("Task_CancelTask");

    // when the task is completed, then the instance ends as Completed
    runtimeService().createMessageCorrelation("TaskEnded").processInstanceId(pi.getId()).correlate();
    assertThat(pi).isEnded().hasPassed("EndEvent_Completed");
    assertThat(calls).containsExactly(
        "queueTask", "updatePriority highestPriority=High raiseBy=1", "transfer serviceUpn=sales@contoso.com", "checkTask");
  }

  @Test
  @Deployment(resources = ESCALATION)
  void escalationCancelsWithAReasonWhenTheLifetimeEnds() {
    // given a task nobody takes
    ProcessInstance pi = start("EscalationProcess", "task-3");

    // when its lifetime ends
    execute(job("BoundaryEvent_Expired", pi));

    // then it is cancelled with the reason instead of expiring, and nothing is left to fire
    assertThat(pi).isEnded().hasPassedInOrder("BoundaryEvent_Expired", "Task_CheckLifetime", "Task_CancelTask", "EndEvent_Cancelled");
    assertThat(calls).containsExactly("queueTask", "checkTask", "cancelTask reason=lifetime ended before an agent took it");
    assertThat(jobQuery().count()).isZero();
  }

  // --- delayed start ------------------------------------------------------------------------

  @Test
  @Deployment(resources = DELAYED_START)
  void delayedStartWaitsUntilTheTimeInTheParameterThenQueuesWithItsOriginalAge() {
    // given the flow gave a start time
    parameters.put("startAt", "2025-11-24T13:30:00Z");
    ProcessInstance pi = start("DelayedStartProcess", "task-4");

    // then the wait is a job of its own (a bad date becomes an incident, not an error of AddExternalTask)
    assertThat(pi).isWaitingAt("Event_WaitUntilStart");
    execute(job("Event_WaitUntilStart"));
    assertThat(job("Event_WaitUntilStart").getDuedate()).isEqualTo(Date.from(Instant.parse("2025-11-24T13:30:00Z")));
    assertThat(calls).containsExactly("checkParameter parameterName=startAt");

    // when the time has come, then it is queued, its age counting from its creation
    execute(job("Event_WaitUntilStart"));
    assertThat(calls).last().isEqualTo("queueTask ageFrom=created");
    assertThat(pi).isWaitingAt("Task_WithAgents")
        .hasPassedInOrder("Task_ReadStartTime", "Gateway_StartTimeGiven", "Event_WaitUntilStart", "Gateway_JoinStart", "Task_QueueTask");
  }

  @Test
  @Deployment(resources = DELAYED_START)
  void delayedStartQueuesAtOnceWithoutAStartTime() {
    ProcessInstance pi = start("DelayedStartProcess", "task-5");

    assertThat(pi).isWaitingAt("Task_WithAgents").hasNotPassed("Event_WaitUntilStart");
    assertThat(calls).containsExactly("checkParameter parameterName=startAt", "queueTask ageFrom=created");
  }

  // --- wait for flow ------------------------------------------------------------------------

  @Test
  @Deployment(resources = WAIT_FOR_FLOW)
  void waitForFlowQueuesAtOnceWhenTheDetailsAreThereAlready() {
    parameters.put("details", "{\"order\": 4711}");
    ProcessInstance pi = start("WaitForFlowProcess", "task-6");

    assertThat(pi).isWaitingAt("Task_WithAgents").hasNotPassed("Task_WaitForDetails");
    assertThat(calls).containsExactly("checkParameter parameterName=details", "queueTask");
  }

  @Test
  @Deployment(resources = WAIT_FOR_FLOW)
  void waitForFlowQueuesWhenTheFlowSetsTheParameter() {
    // given the task waits for its details, with a 10 minute timeout
    ProcessInstance pi = start("WaitForFlowProcess", "task-7");
    assertThat(pi).isWaitingAt("Task_WaitForDetails");
    assertThat(job("BoundaryEvent_DetailsTimedOut").getDuedate()).isEqualTo(Date.from(NOW.plus(Duration.ofMinutes(10))));
    CamundaTaskWorkflow workflow = new CamundaTaskWorkflow(runtimeService(), managementService(), repositoryService(), identityService());

    // when another parameter is set, then it keeps waiting
    workflow.parameterSet(runningTask("task-7", pi), "orderStatus");
    assertThat(pi).isWaitingAt("Task_WaitForDetails");

    // when UpdateTask sets "details" (the application calls this in the same transaction)
    workflow.parameterSet(runningTask("task-7", pi), "details");

    // then the task is queued and the timeout is gone
    assertThat(pi).isWaitingAt("Task_WithAgents").hasPassedInOrder("Task_WaitForDetails", "Gateway_JoinDetails", "Task_QueueTask")
        .hasNotPassed("BoundaryEvent_DetailsTimedOut");
    assertThat(jobQuery().activityId("BoundaryEvent_DetailsTimedOut").count()).isZero();
    assertThat(calls).containsExactly("checkParameter parameterName=details", "queueTask");
  }

  @Test
  @Deployment(resources = WAIT_FOR_FLOW)
  void waitForFlowQueuesAnywayAfterTheTimeout() {
    ProcessInstance pi = start("WaitForFlowProcess", "task-8");
    assertThat(pi).isWaitingAt("Task_WaitForDetails");

    execute(job("BoundaryEvent_DetailsTimedOut"));

    assertThat(pi).isWaitingAt("Task_WithAgents").hasPassedInOrder("BoundaryEvent_DetailsTimedOut", "Gateway_JoinDetails", "Task_QueueTask");
    assertThat(calls).containsExactly("checkParameter parameterName=details", "queueTask");
  }

  @Test
  void waitForParameterAlsoWorksAsAMessageCatchEvent() {
    // given a diagram that waits with an intermediate message catch event (message ContextParameterSet)
    String xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
            id="D" targetNamespace="t">
          <bpmn:process id="MessageWaitProcess" isExecutable="true" camunda:historyTimeToLive="P1D">
            <bpmn:startEvent id="StartEvent_A" />
            <bpmn:intermediateCatchEvent id="Event_WaitForDetails">
              <bpmn:extensionElements><camunda:inputOutput>
                <camunda:inputParameter name="waitForParameter">details</camunda:inputParameter>
              </camunda:inputOutput></bpmn:extensionElements>
              <bpmn:messageEventDefinition messageRef="Message_ParameterSet" />
            </bpmn:intermediateCatchEvent>
            <bpmn:endEvent id="EndEvent_A" />
            <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_A" targetRef="Event_WaitForDetails" />
            <bpmn:sequenceFlow id="Flow_2" sourceRef="Event_WaitForDetails" targetRef="EndEvent_A" />
          </bpmn:process>
          <bpmn:message id="Message_ParameterSet" name="ContextParameterSet" />
        </bpmn:definitions>""";
    repositoryService().createDeployment().addString("message-wait.bpmn", xml).deploy();
    ProcessInstance pi = runtimeService().startProcessInstanceByKey("MessageWaitProcess", "task-13");
    ProcessInstance other = runtimeService().startProcessInstanceByKey("MessageWaitProcess", "task-14");
    assertThat(pi).isWaitingAt("Event_WaitForDetails");
    CamundaTaskWorkflow workflow = new CamundaTaskWorkflow(runtimeService(), managementService(), repositoryService(), identityService());

    // when another parameter is set, then it keeps waiting; when "details" is set, it goes on
    workflow.parameterSet(runningTask("task-13", pi), "orderStatus");
    assertThat(pi).isWaitingAt("Event_WaitForDetails");
    workflow.parameterSet(runningTask("task-13", pi), "details");
    assertThat(pi).isEnded();

    // and the other task's instance is not touched
    assertThat(other).isWaitingAt("Event_WaitForDetails");
    repositoryService().createDeploymentQuery().list().forEach(d -> repositoryService().deleteDeployment(d.getId(), true));
  }

  // --- availability -------------------------------------------------------------------------

  @Test
  @Deployment(resources = AVAILABILITY)
  void availabilityQueuesAtOnceWhenAgentsAreAvailable() {
    availability.put(null, "Available");
    ProcessInstance pi = start("AvailabilityRoutingProcess", "task-9");

    assertThat(pi).isWaitingAt("Task_WithAgents").hasNotPassed("Task_NotifyBusy", "Task_CheckFallback");
    assertThat(calls).containsExactly("availabilityCheck", "queueTask");
  }

  @Test
  @Deployment(resources = AVAILABILITY)
  void availabilityTellsWebhooksWhenEveryoneIsBusyAndQueues() {
    availability.put(null, "Busy");
    ProcessInstance pi = start("AvailabilityRoutingProcess", "task-10");

    assertThat(pi).isWaitingAt("Task_WithAgents").hasPassedInOrder("Gateway_Availability", "Task_NotifyBusy", "Gateway_JoinQueue");
    assertThat(calls).containsExactly(
        "availabilityCheck",
        "notify message=every agent on duty is busy; the task waits in the queue notification=AllAgentsBusy",
        "queueTask");
  }

  @Test
  @Deployment(resources = AVAILABILITY)
  void availabilityMovesTheTaskToTheFallbackServiceWhenNobodyIsOnDuty() {
    availability.put(null, "NobodyOnDuty");
    availability.put("sales@contoso.com", "Busy");
    ProcessInstance pi = start("AvailabilityRoutingProcess", "task-11");

    assertThat(pi).isWaitingAt("Task_WithAgents")
        .hasPassedInOrder("Task_CheckFallback", "Gateway_FallbackAvailability", "Task_TransferToFallback", "Gateway_JoinQueue");
    assertThat(calls).containsExactly(
        "availabilityCheck", "availabilityCheck serviceUpn=sales@contoso.com", "transfer serviceUpn=sales@contoso.com", "queueTask");
  }

  @Test
  @Deployment(resources = AVAILABILITY)
  void availabilityCancelsWithAReasonWhenNobodyIsOnDutyAnywhere() {
    availability.put(null, "NobodyOnDuty");
    availability.put("sales@contoso.com", "NobodyOnDuty");
    ProcessInstance pi = start("AvailabilityRoutingProcess", "task-12");

    assertThat(pi).isEnded().hasPassedInOrder("Task_CheckFallback", "Task_CancelNobodyOnDuty", "EndEvent_Cancelled")
        .hasNotPassed("Task_QueueTask");
    assertThat(calls).containsExactly(
        "availabilityCheck", "availabilityCheck serviceUpn=sales@contoso.com", "cancelTask reason=nobody on duty");
  }

  private ProcessInstance start(String key, String taskId) {
    return runtimeService().startProcessInstanceByKey(key, taskId, Map.of("expiresAt", Date.from(NOW.plus(Duration.ofDays(1)))));
  }

  /** The task as the application holds it while its instance runs. */
  private static ExternalTask runningTask(String taskId, ProcessInstance pi) {
    return new ExternalTask(
        taskId, 1, "support@contoso.com", TaskState.InWorkflow, DistributionPriority.Normal, null, null, null, null, List.of(),
        List.of(), null, null, null, null, null, null, null, pi.getId(), "flow:test");
  }
}
