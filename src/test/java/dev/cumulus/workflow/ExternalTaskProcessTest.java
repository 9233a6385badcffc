package dev.cumulus.workflow;

import static org.assertj.core.api.Assertions.*;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.*;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.JavaDelegate;
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
 * stand-ins: Queue Task records the call, Expire Task answers as the task's state would (still
 * waiting for an agent, or one has it).
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

  private final List<String> calls = new ArrayList<>();
  /** What Expire Task answers: whether the task still waited for an agent when its lifetime ended. */
  private boolean stillWaiting = true;

  @BeforeEach
  void standInDelegates() {
    ClockUtil.setCurrentTime(Date.from(NOW));
    Mocks.register("queueTaskDelegate", (JavaDelegate) execution -> calls.add("queueTask"));
    Mocks.register("expireTaskDelegate", (JavaDelegate) execution -> {
      calls.add("expireTask");
      execution.getProcessInstance().setVariable("expired", stillWaiting);
    });
  }

  @AfterEach
  void reset() {
    Mocks.reset();
    ClockUtil.reset();
  }

  @Test
  @Deployment(resources = BPMN)
  void queuedThenWaitsWithTheAgentsUntilTheTaskIsCompleted() {
    // when the task is created
    ProcessInstance pi = startTask("task-1", NOW.plus(1, ChronoUnit.DAYS));

    // then it is queued, and the instance waits while the agents work on it: no user task, one timer
    assertThat(pi).isWaitingAt("Task_WithAgents").hasPassed("Task_QueueTask");
    assertThat(calls).containsExactly("queueTask");
    assertThat(taskService().createTaskQuery().processInstanceId(pi.getId()).count()).isZero();
    assertThat(managementService().createJobQuery().processInstanceId(pi.getId()).list())
        .extracting(Job::getDuedate)
        .containsExactly(Date.from(NOW.plus(1, ChronoUnit.DAYS)));

    // when Cumulus says the task was completed
    runtimeService().createMessageCorrelation(ExternalTaskProcess.MESSAGE_TASK_ENDED).processInstanceId(pi.getId()).correlate();

    // then the instance ends as Completed, and the lifetime timer is gone with it
    assertThat(pi).isEnded().hasPassed("EndEvent_Completed").hasNotPassed("Task_ExpireTask");
    assertThat(managementService().createJobQuery().processInstanceId(pi.getId()).count()).isZero();
  }

  @Test
  @Deployment(resources = BPMN)
  void theLifetimeEndsWhileTheTaskWaitsForAnAgent() {
    ProcessInstance pi = startTask("task-2", NOW.plus(1, ChronoUnit.HOURS));

    // when the lifetime timer fires and the task still waits
    execute(job("BoundaryEvent_Expired", pi));

    // then the task is expired and the whole instance ends there (terminate)
    assertThat(calls).containsExactly("queueTask", "expireTask");
    assertThat(pi).isEnded().hasPassed("EndEvent_Expired").hasNotPassed("EndEvent_Completed");
  }

  @Test
  @Deployment(resources = BPMN)
  void aTaskAnAgentHasOutlivesItsLifetimeAndEndsWhenCompleted() {
    ProcessInstance pi = startTask("task-3", NOW.plus(1, ChronoUnit.HOURS));
    stillWaiting = false;

    // when the lifetime ends while an agent works on the task
    execute(job("BoundaryEvent_Expired", pi));

    // then only the timer's path ends; the instance keeps waiting for the task's end
    assertThat(pi).isWaitingAt("Task_WithAgents").hasPassed("EndEvent_AgentOnIt").hasNotPassed("EndEvent_Expired");

    runtimeService().createMessageCorrelation(ExternalTaskProcess.MESSAGE_TASK_ENDED).processInstanceId(pi.getId()).correlate();
    assertThat(pi).isEnded().hasPassed("EndEvent_Completed");
  }

  @Test
  @Deployment(resources = BPMN)
  void aLifetimeInThePastEndsAtOnceWhenTheTaskReachesTheQueue() {
    ProcessInstance pi = startTask("task-4", NOW.minus(1, ChronoUnit.MINUTES));

    Job timer = job("BoundaryEvent_Expired", pi);
    assertThat(timer.getDuedate()).isBefore(Date.from(NOW));
    execute(timer);

    assertThat(pi).isEnded().hasPassed("EndEvent_Expired");
  }

  @Test
  @Deployment(resources = BPMN)
  void deletingTheInstanceEndsItWherever() {
    ProcessInstance pi = startTask("task-5", NOW.plus(1, ChronoUnit.DAYS));

    runtimeService().deleteProcessInstance(pi.getId(), "Cancelled by supervisor");

    assertThat(pi).isEnded().hasNotPassed("EndEvent_Completed").hasNotPassed("EndEvent_Expired");
    assertThat(historyService().createHistoricProcessInstanceQuery().processInstanceId(pi.getId()).singleResult().getDeleteReason())
        .isEqualTo("Cancelled by supervisor");
  }

  @Test
  @Deployment(resources = BPMN)
  void aTaskConnectedMessageIsNotHeardByTheDefaultWorkflow() {
    ProcessInstance pi = startTask("task-6", NOW.plus(1, ChronoUnit.DAYS));

    // Cumulus correlates TaskConnected only where a diagram waits for it: the default does not
    var heard = runtimeService().createMessageCorrelation(ExternalTaskProcess.MESSAGE_TASK_CONNECTED).processInstanceId(pi.getId())
        .correlateAllWithResult();

    assertThat(heard).isEmpty();
    assertThat(pi).isWaitingAt("Task_WithAgents");
  }

  private ProcessInstance startTask(String taskId, Instant expiresAt) {
    return runtimeService().startProcessInstanceByKey(PROCESS_KEY, taskId, Map.of("expiresAt", Date.from(expiresAt)));
  }
}
