package dev.cumulus.lifecycle;

import dev.cumulus.externaltask.ContextParameter;
import dev.cumulus.externaltask.Customer;
import dev.cumulus.externaltask.PreferredUser;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** GET /v1/ExternalTasks/{id}: every create field, the live state and the task's events in order. */
public record ExternalTaskView(
    String id,
    String modality,
    String serviceUpn,
    String serviceDisplayName,
    String state,
    String distributionPriority,
    Long queuePosition,
    Long estimatedWaitSeconds,
    Integer distributionLevel,
    List<String> offeredTo,
    String customerIdentifier,
    boolean isAnonymous,
    Customer customer,
    List<ContextParameter> customContextParameters,
    List<PreferredUser> preferredUsers,
    String title,
    String description,
    OffsetDateTime created,
    OffsetDateTime enqueuedAt,
    OffsetDateTime expiresAt,
    OffsetDateTime terminated,
    String assignedUserUpn,
    String lastConnectedUserUpn,
    String outcome,
    String processInstanceId,
    List<Event> events) {

  public record Event(String event, String state, OffsetDateTime occurredAt, String actor, Map<String, String> detail) {}
}
