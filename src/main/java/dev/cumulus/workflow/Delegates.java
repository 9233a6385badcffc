package dev.cumulus.workflow;

import dev.cumulus.lifecycle.WorkflowSteps;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The service tasks of the workflows. Each is thin: it reads the task id (the business key), calls
 * one step of {@link WorkflowSteps}, and writes the result for the next gateway.
 */
@Configuration
class Delegates {

  /** Queue Task: into the service's queue; sets offeredUser when an agent was free. */
  @Bean
  JavaDelegate queueTaskDelegate(WorkflowSteps steps) {
    return execution -> ExternalTaskProcess.setOffer(execution, steps.queue(taskId(execution)));
  }

  /** Distribute again after an offer ended unanswered. */
  @Bean
  JavaDelegate redistributeTaskDelegate(WorkflowSteps steps) {
    return execution -> ExternalTaskProcess.setOffer(execution, steps.redistribute(taskId(execution)));
  }

  /** The offer timed out: records RONA for the offered agent. */
  @Bean
  JavaDelegate recordRonaDelegate(WorkflowSteps steps) {
    return execution ->
        steps.recordRona(taskId(execution), (String) execution.getVariable(ExternalTaskProcess.VAR_OFFERED_USER));
  }

  @Bean
  JavaDelegate expireTaskDelegate(WorkflowSteps steps) {
    return execution -> steps.expire(taskId(execution));
  }

  @Bean
  JavaDelegate closeTaskDelegate(WorkflowSteps steps) {
    return execution -> steps.close(taskId(execution));
  }

  private static String taskId(DelegateExecution execution) {
    String taskId = execution.getProcessBusinessKey();
    if (taskId == null) {
      throw new IllegalStateException("a Cumulus workflow runs with the external task id as business key");
    }
    return taskId;
  }
}
