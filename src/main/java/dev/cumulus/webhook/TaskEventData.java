package dev.cumulus.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cumulus.externaltask.ContextParameter;
import dev.cumulus.externaltask.Customer;
import dev.cumulus.externaltask.PreferredUser;
import java.util.List;

/**
 * The body of a webhook delivery: the certified connector's TaskEventData with the fields an external
 * task has, then four of ours that it does not declare (it allows more properties; our connector in
 * docs/connector declares them): the state the event left the task in, when it happened, the event's
 * ID (digits as a string; a receiver drops the duplicates of at-least-once delivery by it; also the
 * {@code Cumulus-Event-Id} header, see {@link WebhookSender}) and who acted. Timestamps are RFC 3339
 * strings in UTC.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TaskEventData(
    @JsonProperty("taskId") String taskId,
    @JsonProperty("event") String event,
    @JsonProperty("direction") String direction,
    @JsonProperty("modality") String modality,
    @JsonProperty("created") String created,
    @JsonProperty("terminated") String terminated,
    @JsonProperty("lastConnectedUserId") String lastConnectedUserId,
    @JsonProperty("LastConnectedUserUPN") String lastConnectedUserUpn,
    @JsonProperty("LastConnectedUserEmail") String lastConnectedUserEmail,
    @JsonProperty("isAnonymous") Boolean isAnonymous,
    @JsonProperty("customerIdentifier") String customerIdentifier,
    @JsonProperty("serviceId") String serviceId,
    @JsonProperty("serviceName") String serviceName,
    @JsonProperty("serviceDescription") String serviceDescription,
    @JsonProperty("serviceDisplayName") String serviceDisplayName,
    @JsonProperty("serviceUPN") String serviceUpn,
    @JsonProperty("updatedParameterName") String updatedParameterName,
    @JsonProperty("updatedParameterValue") String updatedParameterValue,
    @JsonProperty("taskInformation") EventTaskInformation taskInformation,
    @JsonProperty("state") String state,
    @JsonProperty("occurredAt") String occurredAt,
    @JsonProperty("eventId") String eventId,
    @JsonProperty("actor") String actor) {

  /** The connector's TaskInformation (named apart from UpdateTask's, which has limits, in the OpenAPI document). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record EventTaskInformation(
      @JsonProperty("customer") Customer customer,
      @JsonProperty("customContextParameters") List<ContextParameter> customContextParameters,
      @JsonProperty("preferredUsers") List<PreferredUser> preferredUsers) {}

  TaskEventData withoutContextParameters() {
    var info = taskInformation == null ? null : new EventTaskInformation(taskInformation.customer(), null, taskInformation.preferredUsers());
    return new TaskEventData(
        taskId, event, direction, modality, created, terminated, lastConnectedUserId, lastConnectedUserUpn,
        lastConnectedUserEmail, isAnonymous, customerIdentifier, serviceId, serviceName, serviceDescription,
        serviceDisplayName, serviceUpn, updatedParameterName, updatedParameterValue, info, state, occurredAt, eventId, actor);
  }
}
