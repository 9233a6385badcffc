package dev.cumulus.workflow;

import dev.cumulus.distribution.DistributionType;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.lifecycle.WorkflowActivities;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.IntermediateCatchEvent;
import org.camunda.bpm.model.bpmn.instance.Message;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;

/**
 * What a Cumulus workflow must contain so that offers, answers, after-work and lifetime changes
 * reach it (docs/workflows.md, "The workflow contract"): the elements the application drives by id, and the
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

  /** An input of an activity: whether it must be given, and the check of a literal value (not an expression). */
  private record Input(boolean required, Consumer<String> literal) {
    static Input optional(Consumer<String> literal) {
      return new Input(false, literal);
    }

    static Input required(Consumer<String> literal) {
      return new Input(true, literal);
    }
  }

  private static final Consumer<String> ANY = value -> {};

  /** The inputs the delegates read (see {@link Delegates}), checked as they are read at runtime. */
  private static final Map<String, Map<String, Input>> ACTIVITY_INPUTS = Map.of(
      "${queueTaskDelegate}", Map.of(
          "serviceUpn", Input.optional(ANY),
          "priority", Input.optional(v -> Inputs.parseEnum("priority", v, DistributionPriority.class)),
          "distributionType", Input.optional(v -> Inputs.parseEnum("distributionType", v, DistributionType.class)),
          "offerTimeoutSeconds", Input.optional(v -> Inputs.parseInteger("offerTimeoutSeconds", v, 5, 3600)),
          "ageFrom", Input.optional(v -> Inputs.parseChoice("ageFrom", v, "queued", "created"))),
      "${updatePriorityDelegate}", Map.of(
          "priority", Input.optional(v -> Inputs.parseEnum("priority", v, DistributionPriority.class)),
          "raiseBy", Input.optional(v -> Inputs.parseInteger("raiseBy", v, 1, 3)),
          "highestPriority", Input.optional(v -> Inputs.parseEnum("highestPriority", v, DistributionPriority.class))),
      "${transferTaskDelegate}", Map.of("serviceUpn", Input.required(ANY)),
      "${cancelTaskDelegate}", Map.of("reason", Input.optional(ANY)),
      "${checkParameterDelegate}", Map.of("parameterName", Input.required(ANY), "expectedValue", Input.optional(ANY)),
      "${setParameterDelegate}", Map.of("parameterName", Input.required(ANY), "parameterValue", Input.optional(ANY)),
      "${availabilityCheckDelegate}", Map.of("serviceUpn", Input.optional(ANY)),
      "${notifyDelegate}", Map.of(
          "notification", Input.required(v -> {
            if (!WorkflowActivities.NOTIFICATION_NAME.matcher(v).matches()) {
              throw new IllegalArgumentException("input 'notification': '" + v + "' is not 1 to 64 letters, digits, '_', '.' or '-'");
            }
          }),
          "message", Input.optional(ANY)));

  /**
   * The activities' inputs as the diagram gives them: required ones present, literal values valid,
   * no input the activity does not read (a typo would be ignored silently at runtime).
   */
  static List<String> inputBreaches(BpmnModelInstance model) {
    var breaches = new ArrayList<String>();
    for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
      String delegate = task.getCamundaDelegateExpression();
      Map<String, Input> known = delegate == null ? null : ACTIVITY_INPUTS.get(delegate);
      if (known == null) {
        continue;
      }
      Map<String, String> given = inputsOf(task);
      String where = "'" + task.getName() + "' (" + task.getId() + "): ";
      known.forEach((name, input) -> {
        String value = given.get(name);
        if (value == null || value.isBlank()) {
          if (input.required()) {
            breaches.add(where + "input '" + name + "' is required");
          }
        } else if (!value.contains("${") && !value.contains("#{")) {
          try {
            input.literal().accept(value.trim());
          } catch (IllegalArgumentException e) {
            breaches.add(where + e.getMessage());
          }
        }
      });
      given.keySet().stream().filter(name -> !known.containsKey(name)).sorted()
          .forEach(name -> breaches.add(where + "input '" + name + "' is not one of " + new java.util.TreeSet<>(known.keySet())));
    }
    return breaches;
  }

  private static Map<String, String> inputsOf(BaseElement element) {
    var inputs = new java.util.HashMap<String, String>();
    if (element.getExtensionElements() != null) {
      for (CamundaInputOutput io : element.getExtensionElements().getElementsQuery().filterByType(CamundaInputOutput.class).list()) {
        for (CamundaInputParameter p : io.getCamundaInputParameters()) {
          inputs.put(p.getCamundaName(), p.getTextContent());
        }
      }
    }
    return inputs;
  }

  private static void require(BpmnModelInstance model, String id, Class<?> type, String what, List<String> breaches) {
    ModelElementInstance element = model.getModelElementById(id);
    if (element == null || !type.isInstance(element)) {
      breaches.add("no " + type.getSimpleName() + " with id '" + id + "' (" + what + ")");
    }
  }
}
