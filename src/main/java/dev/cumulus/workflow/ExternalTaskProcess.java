package dev.cumulus.workflow;

/**
 * The process descriptor of bpmn/external-task.bpmn: its key, the element ids and message names the
 * code drives, and the variables it reads. Workflows of other keys reuse the same names (the
 * workflow contract, docs/workflows.md).
 */
public final class ExternalTaskProcess {

  public static final String KEY = "ExternalTaskProcess";

  /** The receive task where the instance waits while the agents work on the task. */
  public static final String TASK_WITH_AGENTS = "Task_WithAgents";
  /** The lifetime timer: a non-interrupting boundary timer at ${expiresAt}. */
  public static final String EXPIRY_TIMER = "BoundaryEvent_Expired";

  /** Correlated once when the task is completed: the workflow goes on after the agents' work. */
  public static final String MESSAGE_TASK_ENDED = "TaskEnded";
  /** Correlated when an agent accepts, where a diagram models it (the default does not). */
  public static final String MESSAGE_TASK_CONNECTED = "TaskConnected";
  /** Wait for Parameter as a message event: correlated when UpdateTask or Set Parameter sets the parameter. */
  public static final String MESSAGE_PARAMETER_SET = "ContextParameterSet";

  public static final String VAR_EXPIRES_AT = "expiresAt";
  /** The input of a Wait for Parameter (receive task): the context parameter it waits for. */
  public static final String VAR_WAIT_FOR_PARAMETER = "waitForParameter";

  private ExternalTaskProcess() {}
}
