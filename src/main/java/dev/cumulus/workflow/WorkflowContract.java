package dev.cumulus.workflow;

import dev.cumulus.directory.DistributionType;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.lifecycle.WorkflowActivities;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ReceiveTask;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;

/**
 * What a Cumulus workflow must contain so that Cumulus can hand it the task and hear of its end
 * (docs/workflows.md, "The workflow contract"): a Queue Task that puts the task into the queue, the
 * receive task where the instance waits while the agents work on the task (message TaskEnded), and
 * the lifetime timer on it. Distribution itself (offers, answers, after-work) is Cumulus's and has no
 * element in the diagram.
 */
final class WorkflowContract {

  private WorkflowContract() {}

  /** What is missing, one sentence each; empty when the diagram fits. */
  static List<String> breaches(BpmnModelInstance model) {
    var breaches = new ArrayList<String>();
    if (model.getModelElementsByType(Process.class).stream().noneMatch(Process::isExecutable)) {
      breaches.add("no executable process (isExecutable=\"true\")");
    }
    if (model.getModelElementsByType(ServiceTask.class).stream().noneMatch(t -> "${queueTaskDelegate}".equals(t.getCamundaDelegateExpression()))) {
      breaches.add("no Queue Task (a service task with delegate expression ${queueTaskDelegate}): the task would never be queued");
    }
    ModelElementInstance wait = model.getModelElementById(ExternalTaskProcess.TASK_WITH_AGENTS);
    if (!(wait instanceof ReceiveTask receive)) {
      breaches.add("no ReceiveTask with id '" + ExternalTaskProcess.TASK_WITH_AGENTS + "' (where the instance waits while the agents work on the task)");
    } else if (receive.getMessage() == null || !ExternalTaskProcess.MESSAGE_TASK_ENDED.equals(receive.getMessage().getName())) {
      breaches.add("the receive task '" + ExternalTaskProcess.TASK_WITH_AGENTS + "' must wait for the message '"
          + ExternalTaskProcess.MESSAGE_TASK_ENDED + "' (Cumulus correlates it when the task is completed)");
    }
    ModelElementInstance timer = model.getModelElementById(ExternalTaskProcess.EXPIRY_TIMER);
    if (!(timer instanceof BoundaryEvent boundary)) {
      breaches.add("no BoundaryEvent with id '" + ExternalTaskProcess.EXPIRY_TIMER + "' (the lifetime timer at ${expiresAt})");
    } else {
      if (boundary.getAttachedTo() == null || !ExternalTaskProcess.TASK_WITH_AGENTS.equals(boundary.getAttachedTo().getId())) {
        breaches.add("the lifetime timer '" + ExternalTaskProcess.EXPIRY_TIMER + "' must be attached to '" + ExternalTaskProcess.TASK_WITH_AGENTS + "'");
      }
      if (boundary.cancelActivity()) {
        breaches.add("the lifetime timer '" + ExternalTaskProcess.EXPIRY_TIMER
            + "' must be non-interrupting: a task an agent works on does not expire, and its workflow keeps waiting for its end");
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
}
