package dev.cumulus.webhook;

import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventType;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** Builds the TaskEventData of one event: a pure function of the event, the task after it and its service. */
final class TaskEventPayloads {

  /** updatedParameterName of a Rona event whose agent was set Away; updatedParameterValue is their UPN. */
  static final String AGENT_SET_AWAY = "agentSetAway";

  private TaskEventPayloads() {}

  /**
   * @param service the task's service, or null if it cannot be read (then only serviceUPN is set)
   */
  static TaskEventData of(TaskEvent event, ExternalTask task, ServiceDefinition service) {
    // users are identified by their UPN, which is also their e-mail address; there is no AAD object ID
    String lastUser = task.lastConnectedUserUpn();
    Map<String, String> detail = event.detail() == null ? Map.of() : event.detail();
    // a workflow's Notify: the connector's TaskEventData has no field for a custom event, so its name
    // and message travel in the two fields a flow already reads for Updated
    boolean notified = event.event() == TaskEventType.Notified;
    String name = notified ? detail.get("notification") : detail.get("parameterName");
    String value = notified ? detail.get("message") : detail.get("parameterValue");
    // a RONA that set the agent Away (missed offer) names them the same way, for a flow to alert someone
    if (event.event() == TaskEventType.Rona && detail.get("presenceReason") != null) {
      name = AGENT_SET_AWAY;
      value = detail.get("userUpn");
    }
    return new TaskEventData(
        task.id(),
        event.event().name(),
        Subscription.DIRECTION,
        Subscription.MODALITY,
        rfc3339(task.createdAt()),
        rfc3339(task.terminatedAt()),
        lastUser,
        lastUser,
        lastUser,
        task.isAnonymous(),
        task.customerIdentifier(),
        service == null ? null : service.id(),
        task.serviceUpn(),
        service == null ? null : service.description(),
        service == null ? null : service.displayName(),
        task.serviceUpn(),
        name,
        value,
        new TaskEventData.EventTaskInformation(task.customer(), task.contextParameters(), task.preferredUsers()),
        event.state() == null ? null : event.state().name(),
        rfc3339(event.occurredAt()),
        Long.toString(event.id()),
        event.actor());
  }

  static String rfc3339(OffsetDateTime t) {
    return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t);
  }
}
