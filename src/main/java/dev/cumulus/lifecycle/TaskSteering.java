package dev.cumulus.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.externaltask.Canceller;
import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.directory.ServiceSupervisors;
import dev.cumulus.externaltask.Customer;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.PreferredUser;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import dev.cumulus.externaltask.TaskWorkflow;
import dev.cumulus.routing.Distributor;
import dev.cumulus.security.Caller;
import dev.cumulus.security.Role;
import dev.cumulus.web.ApiException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What supervisors and flows do to a task in progress: cancel (RemoveExternalTask, an abort), transfer
 * it, change its priority, lifetime and preferred users, and UpdateTask. A supervisor steers only the
 * tasks of the services they supervise; each public method is one transaction.
 */
@Service
public class TaskSteering {

  /** A cancel's reason, as the dashboard's abort allows. */
  static final int MAX_REASON = 500;

  private final TaskStore tasks;
  private final TaskEvents events;
  private final ServiceStore services;
  private final Distributor distributor;
  private final TaskTransitions transitions;
  private final TaskWorkflow workflow;
  private final ServiceSupervisors supervisors;
  private final TaskRequests requests;
  private final TaskViews views;

  TaskSteering(
      TaskStore tasks,
      TaskEvents events,
      ServiceStore services,
      Distributor distributor,
      TaskTransitions transitions,
      TaskWorkflow workflow,
      ServiceSupervisors supervisors,
      TaskRequests requests,
      TaskViews views) {
    this.tasks = tasks;
    this.events = events;
    this.services = services;
    this.distributor = distributor;
    this.transitions = transitions;
    this.workflow = workflow;
    this.supervisors = supervisors;
    this.requests = requests;
    this.views = views;
  }

  /** RemoveExternalTask, or a supervisor's abort. Removing a cancelled task again is fine. */
  @Transactional
  public void cancel(String taskId, String reason) {
    Caller caller = Caller.current();
    // the reason goes into the event and the engine's delete reason (4000 characters at most there)
    if (reason != null && reason.length() > MAX_REASON) {
      throw ApiException.invalid("reason", "maxLength", "must be at most " + MAX_REASON + " characters");
    }
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    supervisors.requireSteers(caller, task.serviceUpn());
    if (task.state() == TaskState.Cancelled) {
      return;
    }
    if (task.state().isTerminal()) {
      throw ApiException.wrongState("the task already ended as " + task.state());
    }
    transitions.cancel(task, caller.name(), caller.is(Role.FLOW) ? Canceller.flow : Canceller.supervisor, reason == null ? "removed by " + caller.name() : reason);
    workflow.cancel(task, "Cancelled by " + caller.name() + (reason == null ? "" : ": " + reason));
  }

  @Transactional
  public ExternalTaskView transfer(String taskId, String targetServiceUpn) {
    Caller caller = Caller.current();
    if (targetServiceUpn == null || targetServiceUpn.isBlank()) {
      throw ApiException.invalid("serviceUpn", "required", "must name the service to transfer to");
    }
    ServiceDefinition target =
        services.find(targetServiceUpn)
            .orElseThrow(() -> ApiException.invalid("serviceUpn", "knownService", "no service '" + targetServiceUpn + "'"));
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    // a supervisor must supervise both the service the task is in and the one it goes to
    supervisors.requireSteers(caller, task.serviceUpn());
    supervisors.requireSteers(caller, target.upn());
    if (!TaskTransitions.WAITING.contains(task.state())) {
      throw ApiException.wrongState("only a task that waits for an agent can be transferred; it is " + task.state());
    }
    if (task.serviceUpn().equals(target.upn())) {
      throw ApiException.invalid("serviceUpn", "otherService", "the task is already in " + target.upn());
    }
    transitions.transfer(task, target, caller.name());
    return views.withEvents(taskId);
  }

  /** JSON merge patch of distributionPriority, expiresAt, preferredUsers. */
  @Transactional
  public ExternalTaskView patch(String taskId, JsonNode patch) {
    Caller caller = Caller.current();
    if (patch == null || !patch.isObject()) {
      throw ApiException.invalid("body", "object", "must be a JSON object");
    }
    var names = new ArrayList<String>();
    patch.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      if (!List.of("distributionPriority", "expiresAt", "preferredUsers").contains(name)) {
        throw ApiException.invalid(name, "patchable", "cannot be changed; patchable are distributionPriority, expiresAt, preferredUsers");
      }
    }
    ExternalTask task = lockUnended(taskId, caller);
    if (patch.has("distributionPriority")) {
      JsonNode value = patch.get("distributionPriority");
      DistributionPriority priority = TaskRequests.priority("distributionPriority", value.isNull() ? null : value.asText());
      if (!value.isNull() && !value.isTextual()) {
        throw ApiException.invalid("distributionPriority", "type", "must be a string");
      }
      transitions.changePriority(task, priority, caller.name());
    }
    if (patch.has("expiresAt")) {
      JsonNode value = patch.get("expiresAt");
      OffsetDateTime expiresAt;
      try {
        expiresAt = OffsetDateTime.parse(value.asText());
      } catch (DateTimeParseException e) {
        throw ApiException.invalid("expiresAt", "format", "must be an RFC 3339 date-time such as 2026-01-31T17:00:00Z");
      }
      if (!value.isTextual()) {
        throw ApiException.invalid("expiresAt", "format", "must be an RFC 3339 date-time such as 2026-01-31T17:00:00Z");
      }
      expiresAt = TaskRequests.expiry(expiresAt, transitions.now());
      tasks.setExpiresAt(taskId, expiresAt);
      ExternalTask changed = tasks.find(taskId).orElseThrow();
      workflow.lifetimeChanged(changed);
      events.record(taskId, TaskEventType.Updated, caller.name(), Map.of("field", "expiresAt", "from", DateTimeFormatter.ISO_INSTANT.format(task.expiresAt()), "to", DateTimeFormatter.ISO_INSTANT.format(expiresAt)));
    }
    if (patch.has("preferredUsers")) {
      List<PreferredUser> preferred = requests.preferredUsersFrom(patch.get("preferredUsers"));
      ExternalTask current = tasks.find(taskId).orElseThrow();
      tasks.setDetails(taskId, current.customer(), current.contextParameters(), preferred);
      distributor.preferredUsersChanged(tasks.find(taskId).orElseThrow());
      events.record(taskId, TaskEventType.Updated, caller.name(), Map.of("field", "preferredUsers"));
    }
    return views.withEvents(taskId);
  }

  /** UpdateTask: customer, context parameters (merged by name), preferred users. */
  @Transactional
  public ExternalTaskView update(String taskId, TaskInformation info) {
    Caller caller = Caller.current();
    ExternalTask task = lockUnended(taskId, caller);
    if (info == null) {
      return views.view(task, true);
    }
    Customer customer = info.customer() != null ? info.customer() : task.customer();
    TaskTransitions.MergedParameters parameters = TaskTransitions.merge(task.contextParameters(), List.of());
    if (info.customContextParameters() != null) {
      requests.checkParameters("customContextParameters", info.customContextParameters());
      parameters = TaskTransitions.merge(task.contextParameters(), info.customContextParameters());
      requests.checkParametersHeld("customContextParameters", parameters.all());
    }
    List<PreferredUser> preferred = info.preferredUsers() != null ? info.preferredUsers() : task.preferredUsers();
    if (info.preferredUsers() != null) {
      requests.checkPreferredUsers("preferredUsers", info.preferredUsers());
    }
    tasks.setDetails(taskId, customer, parameters.all(), preferred);
    if (info.preferredUsers() != null) {
      distributor.preferredUsersChanged(tasks.find(taskId).orElseThrow());
    }
    transitions.recordParameterUpdates(taskId, parameters.changed(), caller.name());
    if (info.customer() != null || info.preferredUsers() != null) {
      events.record(taskId, TaskEventType.Updated, caller.name(), Map.of("field", info.customer() != null ? "customer" : "preferredUsers"));
    }
    transitions.wakeWorkflow(taskId, parameters.changed());
    return views.withEvents(taskId);
  }

  /** The task, locked, if the caller steers its service and it has not ended. */
  private ExternalTask lockUnended(String taskId, Caller caller) {
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    supervisors.requireSteers(caller, task.serviceUpn());
    if (task.state().isTerminal()) {
      throw ApiException.wrongState("the task already ended as " + task.state());
    }
    return task;
  }
}
