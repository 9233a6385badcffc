package dev.cumulus.workflow;

import static dev.cumulus.workflow.ExternalTaskProcess.*;

import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskWorkflow;
import java.util.Date;
import java.util.Map;
import dev.cumulus.externaltask.ConcurrentChangeException;
import java.util.function.Supplier;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.MessageCorrelationBuilder;
import org.springframework.stereotype.Component;

/**
 * Drives a task's process instance. Every call joins the caller's transaction, and runs as Cumulus,
 * not as a user: when Cockpit or /engine-rest ends an instance as a supervisor, what Cumulus does
 * next (cancel the task, offer the freed agent their next task, in this and other instances) is not
 * held to that supervisor's engine grants.
 */
@Component
class CamundaTaskWorkflow implements TaskWorkflow {

  private final RuntimeService runtime;
  private final ManagementService management;
  private final RepositoryService repository;
  private final IdentityService identity;

  CamundaTaskWorkflow(
      RuntimeService runtime, ManagementService management, RepositoryService repository, IdentityService identity) {
    this.runtime = runtime;
    this.management = management;
    this.repository = repository;
    this.identity = identity;
  }

  /** Runs without the engine user of this thread (authorization checks apply only to a user). */
  private <T> T asCumulus(Supplier<T> work) {
    Authentication user = identity.getCurrentAuthentication();
    if (user == null) {
      return work.get();
    }
    identity.clearAuthentication();
    try {
      return work.get();
    } finally {
      identity.setAuthentication(user);
    }
  }

  private void asCumulus(Runnable work) {
    asCumulus(() -> {
      work.run();
      return null;
    });
  }

  @Override
  public String start(ExternalTask task, String processKey, Map<String, Object> variables) {
    return asCumulus(() -> runtime.startProcessInstanceByKey(processKey, task.id(), variables).getId());
  }

  @Override
  public void connected(ExternalTask task) {
    if (task.processInstanceId() == null) {
      return;
    }
    // one indexed read of the instance's message subscriptions; a write only where a diagram waits for it
    guarded(task, () -> message(task, MESSAGE_TASK_CONNECTED).correlateAllWithResult());
  }

  @Override
  public void ended(ExternalTask task) {
    if (task.processInstanceId() == null || EndingInstance.is(task.processInstanceId())) {
      return;
    }
    var heard = new java.util.concurrent.atomic.AtomicBoolean();
    guarded(task, () -> heard.set(!message(task, MESSAGE_TASK_ENDED).correlateAllWithResult().isEmpty()));
    if (!heard.get()) {
      // a workflow that does not wait for the end of the agents' work has nothing left to do for the task
      guarded(task, () -> runtime.deleteProcessInstanceIfExists(
          task.processInstanceId(), "task completed; its workflow waited for no " + MESSAGE_TASK_ENDED, false, true, false, false));
    }
  }

  /**
   * An agent's answer can race a timer of the same instance (the lifetime end): the engine's
   * optimistic lock then refuses one of them. The caller's transaction rolls back and the API
   * answers 409.
   */
  private void guarded(ExternalTask task, Runnable change) {
    try {
      asCumulus(change);
    } catch (OptimisticLockingException e) {
      throw new ConcurrentChangeException("task " + task.id() + " changed at the same moment in its workflow; read it and try again", e);
    }
  }

  @Override
  public void lifetimeChanged(ExternalTask task) {
    Date expiresAt = Date.from(task.expiresAt().toInstant());
    Job timer = asCumulus(() -> {
      runtime.setVariable(task.processInstanceId(), VAR_EXPIRES_AT, expiresAt);
      return management.createJobQuery().processInstanceId(task.processInstanceId()).activityId(EXPIRY_TIMER).singleResult();
    });
    if (timer != null) {
      guarded(task, () -> management.setJobDuedate(timer.getId(), expiresAt));
    }
  }

  @Override
  public void cancel(ExternalTask task, String reason) {
    if (task.processInstanceId() != null) {
      guarded(task, () -> runtime.deleteProcessInstanceIfExists(task.processInstanceId(), reason, false, true, false, false));
    }
  }

  @Override
  public void parameterSet(ExternalTask task, String parameterName) {
    if (task.processInstanceId() == null || EndingInstance.is(task.processInstanceId())) {
      return;
    }
    // a Wait for Parameter has the input "waitForParameter" naming the parameter (a local variable of
    // the execution that waits there). One that waits for the message ContextParameterSet (a receive
    // task or an intermediate catch event with that message) gets it ...
    guarded(task, () -> runtime.createMessageCorrelation(MESSAGE_PARAMETER_SET)
        .processInstanceId(task.processInstanceId())
        .localVariableEquals(VAR_WAIT_FOR_PARAMETER, parameterName)
        .correlateAllWithResult());
    // ... and a receive task without a message (as the template makes it) is triggered
    var waiting = asCumulus(() -> runtime.createExecutionQuery()
        .processInstanceId(task.processInstanceId())
        .variableValueEquals(VAR_WAIT_FOR_PARAMETER, parameterName)
        .list());
    for (var execution : waiting) {
      // only a receive task waits for it; another element with an input of that name is left alone
      String activityId = ((org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity) execution).getActivityId();
      String definitionId = ((org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity) execution).getProcessDefinitionId();
      if (activityId != null
          && asCumulus(() -> repository.getBpmnModelInstance(definitionId)).getModelElementById(activityId)
              instanceof org.camunda.bpm.model.bpmn.instance.ReceiveTask) {
        guarded(task, () -> runtime.signal(execution.getId()));
      }
    }
  }

  @Override
  public java.util.Set<String> running(java.util.Collection<String> processInstanceIds) {
    if (processInstanceIds.isEmpty()) {
      return java.util.Set.of();
    }
    var ids = new java.util.HashSet<>(processInstanceIds);
    return asCumulus(() -> runtime.createProcessInstanceQuery().processInstanceIds(ids).list()).stream()
        .map(org.camunda.bpm.engine.runtime.ProcessInstance::getId)
        .collect(java.util.stream.Collectors.toSet());
  }

  @Override
  public boolean isDeployed(String processKey) {
    // deployments are durable: once seen, a key stays deployed; unknown keys are asked again each time
    if (deployed.contains(processKey)) {
      return true;
    }
    boolean found = asCumulus(() -> repository.createProcessDefinitionQuery().processDefinitionKey(processKey).latestVersion().count()) > 0;
    if (found) {
      deployed.add(processKey);
    }
    return found;
  }

  private final java.util.Set<String> deployed = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private MessageCorrelationBuilder message(ExternalTask task, String name) {
    var builder = runtime.createMessageCorrelation(name);
    return task.processInstanceId() != null
        ? builder.processInstanceId(task.processInstanceId())
        : builder.processInstanceBusinessKey(task.id());
  }
}
