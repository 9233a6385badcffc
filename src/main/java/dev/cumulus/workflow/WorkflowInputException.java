package dev.cumulus.workflow;

/** A workflow activity's input is wrong (an unknown service, a priority that does not exist, ...). */
public class WorkflowInputException extends RuntimeException {

  public WorkflowInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
