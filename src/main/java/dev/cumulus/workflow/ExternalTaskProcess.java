package dev.cumulus.workflow;

import dev.cumulus.distribution.Offer;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;

/**
 * The process descriptor of bpmn/external-task.bpmn: its key, the element ids and message names the
 * code drives, and the variables it reads. Workflows of other keys reuse the same names.
 */
public final class ExternalTaskProcess {

  public static final String KEY = "ExternalTaskProcess";

  public static final String TASK_OFFER = "Task_Offer";
  public static final String TASK_HANDLE = "Task_Handle";
  public static final String EXPIRY_TIMER = "BoundaryEvent_Expired";
  public static final String AFTER_WORK_TIMER = "Event_AfterWorkElapsed";

  public static final String MESSAGE_TASK_OFFERED = "TaskOffered";
  public static final String MESSAGE_OFFER_WITHDRAWN = "OfferWithdrawn";
  public static final String MESSAGE_AFTER_WORK_ENDED = "AfterWorkEnded";
  /** Wait for Parameter as a message event: correlated when UpdateTask or Set Parameter sets the parameter. */
  public static final String MESSAGE_PARAMETER_SET = "ContextParameterSet";

  public static final String VAR_OFFERED_USER = "offeredUser";
  public static final String VAR_RONA_TIMEOUT = "ronaTimeout";
  public static final String VAR_AGENT = "agent";
  public static final String VAR_EXPIRES_AT = "expiresAt";
  public static final String VAR_ACW_SECONDS = "acwSeconds";
  public static final String VAR_ACW_DURATION = "acwDuration";
  public static final String VAR_STATE = "state";
  /** The input of a Wait for Parameter (receive task): the context parameter it waits for. */
  public static final String VAR_WAIT_FOR_PARAMETER = "waitForParameter";

  private ExternalTaskProcess() {}

  /** The result of a distribution step, for the gateway "Offered to an agent?". */
  static void setOffer(DelegateExecution execution, Optional<Offer> offer) {
    execution.setVariable(VAR_OFFERED_USER, offer.map(Offer::userUpn).orElse(null));
    offer.ifPresent(o -> execution.setVariable(VAR_RONA_TIMEOUT, seconds(o.ronaTimeoutSeconds())));
  }

  static String seconds(int seconds) {
    return "PT" + seconds + "S";
  }
}
