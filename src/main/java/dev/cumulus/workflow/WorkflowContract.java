package dev.cumulus.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.IntermediateCatchEvent;
import org.camunda.bpm.model.bpmn.instance.Message;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;

/**
 * What a Cumulus workflow must contain so that offers, answers, after-work and lifetime changes
 * reach it (README, "The workflow contract"): the elements the application drives by id, and the
 * messages it correlates. The sample workflows share these by copying the default workflow's
 * "Find an agent" part and what follows it.
 */
final class WorkflowContract {

  private WorkflowContract() {}

  /** What is missing, one sentence each; empty when the diagram fits. */
  static List<String> breaches(BpmnModelInstance model) {
    var breaches = new ArrayList<String>();
    if (model.getModelElementsByType(Process.class).stream().noneMatch(Process::isExecutable)) {
      breaches.add("no executable process (isExecutable=\"true\")");
    }
    require(model, ExternalTaskProcess.TASK_OFFER, UserTask.class, "the user task offered to the agent", breaches);
    require(model, ExternalTaskProcess.TASK_HANDLE, UserTask.class, "the user task the agent handles", breaches);
    require(model, ExternalTaskProcess.EXPIRY_TIMER, BoundaryEvent.class, "the lifetime timer at ${expiresAt}", breaches);
    require(model, ExternalTaskProcess.AFTER_WORK_TIMER, IntermediateCatchEvent.class, "the after-work timer", breaches);
    Set<String> messages = model.getModelElementsByType(Message.class).stream().map(Message::getName).collect(Collectors.toSet());
    for (String message : List.of(
        ExternalTaskProcess.MESSAGE_TASK_OFFERED, ExternalTaskProcess.MESSAGE_OFFER_WITHDRAWN, ExternalTaskProcess.MESSAGE_AFTER_WORK_ENDED)) {
      if (!messages.contains(message)) {
        breaches.add("no message '" + message + "' (Cumulus correlates it)");
      }
    }
    return breaches;
  }

  private static void require(BpmnModelInstance model, String id, Class<?> type, String what, List<String> breaches) {
    ModelElementInstance element = model.getModelElementById(id);
    if (element == null || !type.isInstance(element)) {
      breaches.add("no " + type.getSimpleName() + " with id '" + id + "' (" + what + ")");
    }
  }
}
