package dev.cumulus.workflow;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.core.variable.mapping.InputParameter;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;

/**
 * Reads an activity's input parameters (local variables of its execution; a blank one counts as not
 * given) and writes its outputs to the process instance, where the gateways after it read them.
 */
final class Inputs {

  private final DelegateExecution execution;

  Inputs(DelegateExecution execution) {
    this.execution = execution;
  }

  /**
   * The inputs the element declares, by name. Only those: without an input the name could find a
   * process variable of the same name (serviceUpn is one).
   */
  static Map<String, Object> declared(DelegateExecution execution) {
    var inputs = new TreeMap<String, Object>();
    if (execution instanceof ExecutionEntity entity && entity.getActivity() != null && entity.getActivity().getIoMapping() != null) {
      for (InputParameter input : entity.getActivity().getIoMapping().getInputParameters()) {
        inputs.put(input.getName(), execution.getVariableLocal(input.getName()));
      }
    }
    return inputs;
  }

  String text(String name) {
    Object value = declared(execution).get(name);
    if (value == null) {
      return null;
    }
    String text = value.toString().trim();
    return text.isEmpty() ? null : text;
  }

  String required(String name) {
    String value = text(name);
    if (value == null) {
      throw new IllegalArgumentException("input '" + name + "' is required");
    }
    return value;
  }

  <E extends Enum<E>> E oneOf(String name, Class<E> type) {
    return parseEnum(name, text(name), type);
  }

  String choice(String name, String... allowed) {
    return parseChoice(name, text(name), allowed);
  }

  Integer integer(String name, int min, int max) {
    return parseInteger(name, text(name), min, max);
  }

  static <E extends Enum<E>> E parseEnum(String name, String value, Class<E> type) {
    if (value == null) {
      return null;
    }
    return Arrays.stream(type.getEnumConstants())
        .filter(e -> e.name().equalsIgnoreCase(value))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "input '" + name + "': '" + value + "' is not one of " + Arrays.toString(type.getEnumConstants())));
  }

  static String parseChoice(String name, String value, String... allowed) {
    if (value == null) {
      return allowed[0];
    }
    return Arrays.stream(allowed)
        .filter(value::equalsIgnoreCase)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("input '" + name + "': '" + value + "' is not one of " + Arrays.toString(allowed)));
  }

  static Integer parseInteger(String name, String value, int min, int max) {
    if (value == null) {
      return null;
    }
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("input '" + name + "': '" + value + "' is not a whole number");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("input '" + name + "': " + n + " is outside " + min + "–" + max);
    }
    return n;
  }

  static void output(DelegateExecution execution, String name, Object value) {
    execution.getProcessInstance().setVariable(name, value);
  }
}
