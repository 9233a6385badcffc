package dev.cumulus.externaltask;

/**
 * A step of a task's workflow cannot run as its diagram configures it (an input names a service that
 * does not exist, a priority that is not one): the diagram needs fixing. Nothing of the request that
 * reached the step was changed; in an asynchronous step it is a retry and then an incident in Cockpit.
 */
public class WorkflowStepException extends RuntimeException {

  public WorkflowStepException(String message, Throwable cause) {
    super(message, cause);
  }
}
