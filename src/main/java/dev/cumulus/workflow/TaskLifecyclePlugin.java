package dev.cumulus.workflow;

import dev.cumulus.lifecycle.WorkflowSteps;
import java.util.ArrayList;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Adds two built-in listeners to every deployed workflow: one records the process instance id on
 * the task when the instance starts, one tells Cumulus when the instance ends. Built-in listeners
 * run even when Cockpit deletes an instance with "skip custom listeners", so ending a task's
 * instance from Cockpit always cancels the task.
 */
@Component
class TaskLifecyclePlugin extends AbstractProcessEnginePlugin {

  private final ObjectProvider<WorkflowSteps> steps;

  TaskLifecyclePlugin(ObjectProvider<WorkflowSteps> steps) {
    this.steps = steps;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    if (configuration.getCustomPreBPMNParseListeners() == null) {
      configuration.setCustomPreBPMNParseListeners(new ArrayList<>());
    }
    configuration.getCustomPreBPMNParseListeners().add(new AbstractBpmnParseListener() {
      @Override
      public void parseProcess(Element processElement, ProcessDefinitionEntity processDefinition) {
        processDefinition.addBuiltInListener(ExecutionListener.EVENTNAME_START, (ExecutionListener) TaskLifecyclePlugin.this::started);
        processDefinition.addBuiltInListener(ExecutionListener.EVENTNAME_END, (ExecutionListener) TaskLifecyclePlugin.this::ended);
      }
    });
  }

  private void started(DelegateExecution execution) {
    if (execution.getBusinessKey() != null && execution.getId().equals(execution.getProcessInstanceId())) {
      steps.getObject().processInstanceStarted(execution.getBusinessKey(), execution.getProcessInstanceId());
    }
  }

  private void ended(DelegateExecution execution) {
    if (execution.getBusinessKey() == null || !execution.getId().equals(execution.getProcessInstanceId())) {
      return;
    }
    String reason = execution instanceof ExecutionEntity entity ? entity.getDeleteReason() : null;
    Authentication auth =
        Context.getCommandContext() == null ? null : Context.getCommandContext().getAuthentication();
    String actor = auth == null ? null : auth.getUserId();
    EndingInstance.run(
        execution.getProcessInstanceId(),
        () -> steps.getObject().workflowEnded(execution.getBusinessKey(), actor, reason));
  }
}
