package dev.cumulus.workflow;

import static org.assertj.core.api.Assertions.*;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.*;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One test per path of bpmn/external-task.bpmn, on a bare engine (no Spring). The delegates are
 * stand-ins that answer like the distribution would: the next free agent from {@link #freeAgents},
 * or nobody when it is empty.
 */
class ExternalTaskProcessTest {

  @RegisterExtension
  static ProcessEngineExtension engine = ProcessEngineExtension.builder()
      .configurationResource("camunda.unit.cfg.xml")
      .build();

  private static final String PROCESS_KEY = "ExternalTaskProcess";
  private static final String BPMN = "bpmn/external-task.bpmn";
  // a fixed clock makes every timer's due date exact
  private static final Instant NOW = Instant.parse("2025-11-24T09:00:00Z");

  private final Deque<String> freeAgents = new ArrayDeque<>();
  private final List<String> calls = new ArrayList<>();

  @BeforeEach
  void standInDelegates() {
    ClockUtil.setCurrentTime(Date.from(NOW));
    Mocks.register("queueTaskDelegate", (JavaDelegate) execution -> offerToNextFreeAgent(execution, "queueTask"));
    Mocks.register("redistributeTaskDelegate", (JavaDelegate) execution -> offerToNextFreeAgent(execution, "redistributeTask"));
    Mocks.register("recordRonaDelegate", (JavaDelegate) execution -> calls.add("recordRona"));
    Mocks.register("expireTaskDelegate", (JavaDelegate) execution -> calls.add("expireTask"));
    Mocks.register("closeTaskDelegate", (JavaDelegate) execution -> calls.add("closeTask"));
  }

  @AfterEach
  void reset() {
    Mocks.reset();
    ClockUtil.reset();
  }

  private void offerToNextFreeAgent(DelegateExecution execution, String call) {
    calls.add(call);
    execution.setVariable("offeredUser", freeAgents.poll());
    execution.setVariable("ronaTimeout", "PT20S");
  }

  @Test
  @Deployment(resources = BPMN)
  void offeredAtOnceThenAcceptedHandledAndClosedAfterTheAfterWorkTime() {
    // given an agent is free
    freeAgents.add("alice@contoso.com");

    // when the task is created
    ProcessInstance pi = startTask(aTask());

    // then it is offered to her
    assertThat(pi).isWaitingAt("Task_Offer");
    assertThat(task()).isAssignedTo("alice@contoso.com");

    // when she accepts, then she handles it
    complete(task(), withVariables("agent", "alice@contoso.com"));
    assertThat(pi).isWaitingAt("Task_Handle");
    assertThat(task()).isAssignedTo("alice@contoso.com");

    // when she finishes, then her after-work time starts
    complete(task());
    assertThat(pi).isWaitingAt("Gateway_AfterWorkEvents").isWaitingFor("AfterWorkEnded");
    assertThat(job("Event_AfterWorkElapsed").getDuedate()).isEqualTo(Date.from(NOW.plusSeconds(20)));

    // when the after-work time is over
    execute(job("Event_AfterWorkElapsed"));

    // then the task is closed
    assertThat(pi).isEnded().hasPassedInOrder(
        "StartEvent_TaskCreated", "Task_QueueTask", "Gateway_Offered", "Task_Offer", "EndEvent_Accepted",
        "Task_Handle", "Gateway_AfterWorkEvents", "Event_AfterWorkElapsed", "Task_CloseTask", "EndEvent_Completed");
    assertThat(calls).containsExactly("queueTask", "closeTask");
  }

  @Test
  @Deployment(resources = BPMN)
  void waitsForAnAgentUntilTaskOfferedArrives() {
    // given nobody is free
    ProcessInstance pi = startTask(aTask().withTaskId("task-2"));
    assertThat(pi).isWaitingAt("Event_WaitForAgent").isWaitingFor("TaskOffered");
    assertThat(taskQuery().count()).isZero();

    // when the distribution finds an agent later
    runtimeService().createMessageCorrelation("TaskOffered")
        .processInstanceBusinessKey("task-2")
        .setVariable("offeredUser", "bob@contoso.com")
        .correlate();

    // then the task is offered to that agent
    assertThat(pi).isWaitingAt("Task_Offer");
    assertThat(task()).isAssignedTo("bob@contoso.com");
    assertThat(pi).hasPassedInOrder("Task_QueueTask", "Gateway_Offered", "Event_WaitForAgent", "Gateway_JoinOffer");
  }

  @Test
  @Deployment(resources = BPMN)
  void unansweredOfferIsRecordedAndOfferedToTheNextAgent() {
    // given the task is offered to alice, and bob is free too
    freeAgents.addAll(List.of("alice@contoso.com", "bob@contoso.com"));
    ProcessInstance pi = startTask(aTask());
    assertThat(pi).isWaitingAt("Task_Offer");
    assertThat(task()).isAssignedTo("alice@contoso.com");
    assertThat(job("BoundaryEvent_OfferTimedOut").getDuedate()).isEqualTo(Date.from(NOW.plusSeconds(20)));

    // when alice does not answer in time
    execute(job("BoundaryEvent_OfferTimedOut"));

    // then the no-answer is recorded and the task goes to bob
    assertThat(pi).isWaitingAt("Task_Offer");
    assertThat(task()).isAssignedTo("bob@contoso.com");
    assertThat(calls).containsExactly("queueTask", "recordRona", "redistributeTask");
    assertThat(pi).hasPassedInOrder(
        "Task_Offer", "BoundaryEvent_OfferTimedOut", "Task_RecordRona", "Gateway_JoinRedistribute",
        "Task_Redistribute", "Gateway_Distributed", "Gateway_Offered");
    assertThat(historyService().createHistoricTaskInstanceQuery().taskDefinitionKey("Task_Offer").list())
        .extracting("assignee", "endTime")
        .containsExactlyInAnyOrder(tuple("alice@contoso.com", Date.from(NOW)), tuple("bob@contoso.com", null));
  }

  @Test
  @Deployment(resources = BPMN)
  void withdrawnOfferGoesBackToWaitingWhenNobodyIsFree() {
    // given the task is offered to alice, and nobody else is free
    freeAgents.add("alice@contoso.com");
    ProcessInstance pi = startTask(aTask().withTaskId("task-4"));
    assertThat(pi).isWaitingAt("Task_Offer");

    // when the offer is withdrawn (alice went offline)
    runtimeService().createMessageCorrelation("OfferWithdrawn").processInstanceBusinessKey("task-4").correlate();

    // then the task is distributed again and waits for an agent, without a no-answer on record
    assertThat(pi).isWaitingAt("Event_WaitForAgent");
    assertThat(taskQuery().count()).isZero();
    assertThat(job("BoundaryEvent_Expired")).isNotNull();
    assertThat(calls).containsExactly("queueTask", "redistributeTask");
    assertThat(pi).hasPassedInOrder(
        "Task_Offer", "BoundaryEvent_OfferWithdrawn", "Gateway_JoinRedistribute", "Task_Redistribute",
        "Gateway_Distributed", "Gateway_Offered")
        .hasNotPassed("Task_RecordRona");
  }

  @Test
  @Deployment(resources = BPMN)
  void expiresWhenItsLifetimeEndsWhileWaitingForAnAgent() {
    // given nobody is free, and the task's lifetime is set
    Date expiresAt = Date.from(NOW.plus(Duration.ofHours(2)));
    ProcessInstance pi = startTask(aTask().withExpiresAt(expiresAt));
    assertThat(pi).isWaitingAt("Event_WaitForAgent");
    assertThat(job("BoundaryEvent_Expired").getDuedate()).isEqualTo(expiresAt);

    // when the lifetime ends
    execute(job("BoundaryEvent_Expired"));

    // then the task expires
    assertThat(pi).isEnded()
        .hasPassedInOrder("Event_WaitForAgent", "BoundaryEvent_Expired", "Task_ExpireTask", "EndEvent_Expired")
        .hasNotPassed("Task_Offer", "Task_CloseTask");
    assertThat(calls).containsExactly("queueTask", "expireTask");
  }

  @Test
  @Deployment(resources = BPMN)
  void expiresWhenItsLifetimeEndsWhileOffered() {
    // given the task is offered to alice (two timers run: her answer and the lifetime)
    freeAgents.add("alice@contoso.com");
    ProcessInstance pi = startTask(aTask());
    assertThat(pi).isWaitingAt("Task_Offer");
    assertThat(jobQuery().count()).isEqualTo(2);

    // when the lifetime ends before she answers
    execute(job("BoundaryEvent_Expired"));

    // then the offer is gone and the task expires
    assertThat(pi).isEnded()
        .hasPassedInOrder("Task_Offer", "BoundaryEvent_Expired", "Task_ExpireTask", "EndEvent_Expired")
        .hasNotPassed("EndEvent_Accepted", "Task_RecordRona", "Task_CloseTask");
    assertThat(taskQuery().count()).isZero();
    assertThat(jobQuery().count()).isZero();
    assertThat(calls).containsExactly("queueTask", "expireTask");
  }

  @Test
  @Deployment(resources = BPMN)
  void afterWorkEndedEarlyClosesTheTask() {
    // given alice handled the task and is in her after-work time
    freeAgents.add("alice@contoso.com");
    ProcessInstance pi = startTask(aTask().withTaskId("task-6"));
    complete(task(pi), withVariables("agent", "alice@contoso.com"));
    complete(task(pi));
    assertThat(pi).isWaitingFor("AfterWorkEnded");

    // when she ends it early
    runtimeService().createMessageCorrelation("AfterWorkEnded").processInstanceBusinessKey("task-6").correlate();

    // then the task is closed and the after-work timer is gone
    assertThat(pi).isEnded()
        .hasPassedInOrder("Task_Handle", "Gateway_AfterWorkEvents", "Event_AfterWorkEnded", "Gateway_JoinClose",
            "Task_CloseTask", "EndEvent_Completed")
        .hasNotPassed("Event_AfterWorkElapsed");
    assertThat(jobQuery().count()).isZero();
    assertThat(calls).containsExactly("queueTask", "closeTask");
  }

  @Test
  @Deployment(resources = BPMN)
  void withoutAfterWorkTimeTheTaskClosesWhenHandled() {
    // given a queue without after-work time, and alice handling the task
    freeAgents.add("alice@contoso.com");
    ProcessInstance pi = startTask(aTask().withAcwSeconds(0));
    complete(task(pi), withVariables("agent", "alice@contoso.com"));

    // when she finishes
    complete(task(pi));

    // then the task is closed at once
    assertThat(pi).isEnded()
        .hasPassedInOrder("Task_Handle", "Gateway_AfterWork", "Gateway_JoinClose", "Task_CloseTask", "EndEvent_Completed")
        .hasNotPassed("Gateway_AfterWorkEvents");
    assertThat(calls).containsExactly("queueTask", "closeTask");
  }

  @Test
  @Deployment(resources = BPMN)
  void deletingTheInstanceEndsItFromEveryWaitState() {
    // given one task in each wait state
    ProcessInstance waiting = startTask(aTask().withTaskId("waiting"));
    freeAgents.add("alice@contoso.com");
    ProcessInstance offered = startTask(aTask().withTaskId("offered"));
    freeAgents.add("bob@contoso.com");
    ProcessInstance handled = startTask(aTask().withTaskId("handled"));
    complete(task(handled), withVariables("agent", "bob@contoso.com"));
    freeAgents.add("carol@contoso.com");
    ProcessInstance afterWork = startTask(aTask().withTaskId("after-work"));
    complete(task(afterWork), withVariables("agent", "carol@contoso.com"));
    complete(task(afterWork));
    assertThat(waiting).isWaitingAt("Event_WaitForAgent");
    assertThat(offered).isWaitingAt("Task_Offer");
    assertThat(handled).isWaitingAt("Task_Handle");
    assertThat(afterWork).isWaitingAt("Gateway_AfterWorkEvents");

    // when each task is cancelled: the API and Cockpit both delete the instance, as done by someone outside it
    // (the two-argument deleteProcessInstance would record it as INTERNALLY_TERMINATED instead)
    for (ProcessInstance pi : List.of(waiting, offered, handled, afterWork)) {
      runtimeService().deleteProcessInstance(pi.getId(), "cancelled", false, true);
    }

    // then every instance has ended without closing, and nothing is left to fire
    for (ProcessInstance pi : List.of(waiting, offered, handled, afterWork)) {
      assertThat(pi).isEnded().hasNotPassed("Task_CloseTask", "Task_ExpireTask");
      HistoricProcessInstance history = historyService().createHistoricProcessInstanceQuery()
          .processInstanceId(pi.getId()).singleResult();
      assertThat(history.getState()).isEqualTo(HistoricProcessInstance.STATE_EXTERNALLY_TERMINATED);
      assertThat(history.getDeleteReason()).isEqualTo("cancelled");
    }
    assertThat(calls).doesNotContain("closeTask", "expireTask");
    assertThat(jobQuery().count()).isZero();
    assertThat(taskQuery().count()).isZero();
    assertThat(runtimeService().createEventSubscriptionQuery().count()).isZero();
  }

  @Test
  @Deployment(resources = BPMN)
  void prolongingTheLifetimeMovesTheExpiryTimer() {
    // given a task waiting for an agent that expires in an hour
    Date expiresAt = Date.from(NOW.plus(Duration.ofHours(1)));
    ProcessInstance pi = startTask(aTask().withExpiresAt(expiresAt));
    assertThat(pi).isWaitingAt("Event_WaitForAgent");
    Job expiry = job("BoundaryEvent_Expired");
    assertThat(expiry.getDuedate()).isEqualTo(expiresAt);

    // when the lifetime is prolonged by a day
    Date prolonged = Date.from(NOW.plus(Duration.ofHours(25)));
    managementService().setJobDuedate(expiry.getId(), prolonged);

    // then the timer moved, and once the old expiry has passed the task is still waiting
    assertThat(job("BoundaryEvent_Expired").getDuedate()).isEqualTo(prolonged);
    ClockUtil.setCurrentTime(Date.from(NOW.plus(Duration.ofHours(2))));
    assertThat(jobQuery().executable().count()).isZero();
    assertThat(pi).isWaitingAt("Event_WaitForAgent").isNotEnded();
    assertThat(calls).containsExactly("queueTask");
  }

  private ProcessInstance startTask(TaskStart start) {
    return runtimeService().startProcessInstanceByKey(PROCESS_KEY, start.taskId(), Map.of(
        "expiresAt", start.expiresAt(),
        "acwSeconds", start.acwSeconds(),
        "acwDuration", "PT" + start.acwSeconds() + "S"));
  }

  private static TaskStart aTask() {
    return new TaskStart("task-1", Date.from(NOW.plus(1, ChronoUnit.DAYS)), 20);
  }

  /** What the application passes when it creates a task; defaults fit every test that does not care. */
  private record TaskStart(String taskId, Date expiresAt, int acwSeconds) {
    TaskStart withTaskId(String taskId) {
      return new TaskStart(taskId, expiresAt, acwSeconds);
    }

    TaskStart withExpiresAt(Date expiresAt) {
      return new TaskStart(taskId, expiresAt, acwSeconds);
    }

    TaskStart withAcwSeconds(int acwSeconds) {
      return new TaskStart(taskId, expiresAt, acwSeconds);
    }
  }
}
