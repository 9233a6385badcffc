package dev.cumulus.cockpit;

import dev.cumulus.externaltask.PreferredUser;
import dev.cumulus.lifecycle.ExternalTaskView;
import dev.cumulus.routing.RoutingTrace;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What the Cumulus tab in Cockpit shows of a task: its live state, where it stands in the distribution
 * and its history, from the same reads as GET /v1/ExternalTasks/{id} and /routing. Deliberately
 * without the customer and the context parameters: Cockpit is a supervisor's tool, not an agent's.
 *
 * @param events every event in order (oldest first)
 * @param routing every routing decision in order: who was considered, each one's verdict, who was chosen
 * @param readAt when the card was read (the tab shows how fresh it is)
 */
record TaskCard(
    String taskId,
    String processInstanceId,
    String title,
    String state,
    String outcome,
    String serviceUpn,
    String serviceDisplayName,
    String distributionPriority,
    String assignedUserUpn,
    String lastConnectedUserUpn,
    Long queuePosition,
    Long estimatedWaitSeconds,
    Integer distributionLevel,
    List<String> offeredTo,
    List<PreferredUser> preferredUsers,
    OffsetDateTime created,
    OffsetDateTime expiresAt,
    OffsetDateTime terminated,
    List<ExternalTaskView.Event> events,
    List<RoutingTrace.Entry> routing,
    OffsetDateTime readAt) {

  static TaskCard of(ExternalTaskView task, List<RoutingTrace.Entry> routing, OffsetDateTime readAt) {
    return new TaskCard(
        task.id(), task.processInstanceId(), task.title(), task.state(), task.outcome(), task.serviceUpn(),
        task.serviceDisplayName(), task.distributionPriority(), task.assignedUserUpn(), task.lastConnectedUserUpn(),
        task.queuePosition(), task.estimatedWaitSeconds(), task.distributionLevel(),
        task.offeredTo() == null ? List.of() : task.offeredTo(),
        task.preferredUsers() == null ? List.of() : task.preferredUsers(),
        task.created(), task.expiresAt(), task.terminated(),
        task.events() == null ? List.of() : task.events(), routing, readAt);
  }
}
