package dev.cumulus.lifecycle;

import dev.cumulus.externaltask.Canceller;
import dev.cumulus.directory.AgentStore;
import dev.cumulus.directory.DistributionType;
import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.externaltask.ContextParameter;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import dev.cumulus.routing.Distributor;
import dev.cumulus.routing.QueuePositions;
import dev.cumulus.routing.WaitEstimator;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What the building blocks of a workflow do (docs/workflows.md, "Workflow activities"). The delegates of the
 * workflow package call these inside the engine's transaction. Like {@link WorkflowSteps}, each is
 * safe to run late: an activity whose task has moved on (an agent accepted it meanwhile, it ended)
 * changes nothing and says so in its result. A wrong input of the diagram is an
 * {@link IllegalArgumentException} that names the input.
 */
@Service
@Transactional
public class WorkflowActivities {

  /** Custom event names of Notify: what a webhook receiver can switch on. */
  public static final Pattern NOTIFICATION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private final TaskStore tasks;
  private final TaskEvents events;
  private final ServiceStore services;
  private final AgentStore agents;
  private final Distributor distributor;
  private final QueuePositions positions;
  private final WaitEstimator waits;
  private final TaskTransitions transitions;
  private final TaskProperties properties;

  WorkflowActivities(
      TaskStore tasks,
      TaskEvents events,
      ServiceStore services,
      AgentStore agents,
      Distributor distributor,
      QueuePositions positions,
      WaitEstimator waits,
      TaskTransitions transitions,
      TaskProperties properties) {
    this.tasks = tasks;
    this.events = events;
    this.services = services;
    this.agents = agents;
    this.distributor = distributor;
    this.positions = positions;
    this.waits = waits;
    this.transitions = transitions;
    this.properties = properties;
  }

  /**
   * Queue Task's options; null means "as the service says".
   *
   * @param serviceUpn queue into this service instead of the task's own (a transfer before queueing)
   * @param priority the task's priority from now on
   * @param distributionType Direct, Broadcast or Pickup for this task, instead of the service's
   * @param offerTimeoutSeconds the offer timeout (RONA) for this task, instead of the service's
   * @param ageFromCreation the task's age in the queue counts from its creation, not from now
   */
  public record QueueOptions(
      String serviceUpn, DistributionPriority priority, DistributionType distributionType, Integer offerTimeoutSeconds,
      boolean ageFromCreation) {

    public static final QueueOptions DEFAULTS = new QueueOptions(null, null, null, null, false);
  }

  /**
   * Queue Task: into the queue, once per stay (a second Queue Task of the same task only asks to
   * distribute it again). The offer follows right after commit. Returns whether the task is queued.
   */
  public boolean queue(String taskId, QueueOptions options) {
    ExternalTask task = tasks.lock(taskId).orElseThrow();
    if (task.state() == TaskState.InWorkflow) {
      if (options.serviceUpn() != null && !options.serviceUpn().equals(task.serviceUpn())) {
        transitions.transfer(task, service(options.serviceUpn(), "serviceUpn"), TaskEvent.SYSTEM);
        task = tasks.find(taskId).orElseThrow();
      }
      if (options.priority() != null) {
        transitions.changePriority(task, options.priority(), TaskEvent.SYSTEM);
      }
      if (options.distributionType() != null || options.offerTimeoutSeconds() != null) {
        distributor.setTaskRouting(taskId, options.distributionType(), options.offerTimeoutSeconds());
      }
      // the first queueing sets the age; a transfer or a re-queue later keeps it
      OffsetDateTime age = task.enqueuedAt() != null ? task.enqueuedAt() : options.ageFromCreation() ? task.createdAt() : transitions.now();
      transitions.queue(taskId, age);
      // the task's own choices show in its history and webhooks
      var detail = new LinkedHashMap<String, String>();
      if (options.distributionType() != null) {
        detail.put("distributionType", options.distributionType().name());
      }
      if (options.offerTimeoutSeconds() != null) {
        detail.put("offerTimeoutSeconds", options.offerTimeoutSeconds().toString());
      }
      if (options.ageFromCreation()) {
        detail.put("ageFrom", "created");
      }
      events.record(taskId, TaskEventType.Queued, TaskEvent.SYSTEM, detail);
    }
    boolean queued = tasks.find(taskId).orElseThrow().state() == TaskState.Queued;
    if (queued) {
      distributor.requestMatch(taskId, "queued");
    }
    return queued;
  }

  /**
   * Check Task's outputs.
   *
   * @param queuePosition 1 = next; null when not queued
   * @param waitingSeconds since it was first queued; 0 before
   * @param distributionLevel the skill level (1-based) while queued in a service with skill levels, else null
   * @param availableAgents members of its service who could take a task now
   * @param estimatedWaitSeconds as on the task in the API; null when not queued or when its service gives no ground for one
   */
  public record TaskCheck(
      TaskState state, String serviceUpn, DistributionPriority priority, Long queuePosition, long waitingSeconds,
      Integer distributionLevel, int availableAgents, Long estimatedWaitSeconds) {}

  @Transactional(readOnly = true)
  public TaskCheck check(String taskId) {
    ExternalTask task = tasks.find(taskId).orElseThrow();
    ServiceDefinition service = services.find(task.serviceUpn()).orElseThrow();
    boolean queued = task.state() == TaskState.Queued;
    long waited = task.enqueuedAt() == null ? 0 : Math.max(0, Duration.between(task.enqueuedAt(), transitions.now()).getSeconds());
    Long position = queued ? positions.of(taskId).orElse(null) : null;
    return new TaskCheck(
        task.state(),
        task.serviceUpn(),
        task.priority(),
        position,
        waited,
        queued ? distributor.levelOf(taskId, service) : null,
        agents.countFree(task.serviceUpn()),
        position == null ? null : waits.estimate(task.serviceUpn(), position));
  }

  /**
   * Update Priority: sets {@code priority} when given, otherwise raises the task's priority by
   * {@code raiseBy} steps but not above {@code highest} (never to Strict unless {@code highest} is
   * Strict). A task that no longer waits for an agent keeps its priority. Returns the priority after it.
   */
  public DistributionPriority updatePriority(String taskId, DistributionPriority priority, int raiseBy, DistributionPriority highest) {
    if (priority == null && (raiseBy < 1 || raiseBy > 3)) {
      throw new IllegalArgumentException("input 'raiseBy': must be 1, 2 or 3 steps");
    }
    ExternalTask task = tasks.lock(taskId).orElseThrow();
    if (!TaskTransitions.WAITING.contains(task.state())) {
      // priority orders the waiting; a task an agent has (or that ended) keeps its own
      return task.priority();
    }
    DistributionPriority target = priority;
    if (target == null) {
      int cap = (highest == null ? DistributionPriority.High : highest).rank();
      int raised = Math.min(task.priority().rank() + raiseBy, cap);
      target = DistributionPriority.values()[Math.max(raised, task.priority().rank())];
    }
    transitions.changePriority(task, target, TaskEvent.SYSTEM);
    return target;
  }

  /** Transfer: into another service's queue, keeping its age. False when the task no longer waits. */
  public boolean transfer(String taskId, String serviceUpn) {
    ServiceDefinition target = service(serviceUpn, "serviceUpn");
    ExternalTask task = tasks.lock(taskId).orElseThrow();
    if (!TaskTransitions.WAITING.contains(task.state()) || task.serviceUpn().equals(target.upn())) {
      return false;
    }
    transitions.transfer(task, target, TaskEvent.SYSTEM);
    return true;
  }

  /**
   * Cancel Task: ends the task as Cancelled with the reason, Abandoned when an agent is connected or
   * in after-work. Returns the outcome, or null when the task had already ended. The diagram ends the
   * instance after it (a terminate end event).
   */
  public String cancel(String taskId, String reason) {
    ExternalTask task = tasks.lock(taskId).orElseThrow();
    if (task.state().isTerminal()) {
      return null;
    }
    transitions.cancel(task, TaskEvent.SYSTEM, Canceller.workflow, reason == null || reason.isBlank() ? "cancelled by its workflow" : reason);
    return tasks.find(taskId).orElseThrow().outcome().name();
  }

  /** Check Parameter: the value of a context parameter, empty when the task has none of that name. */
  @Transactional
  public Optional<String> parameter(String taskId, String name) {
    requireName(name);
    // the row lock orders this read before a concurrent UpdateTask: a Wait for Parameter right
    // after it cannot miss the value
    ExternalTask task = tasks.lock(taskId).orElseThrow();
    return task.contextParameters().stream().filter(p -> p.name().equals(name)).findFirst().map(p -> p.value() == null ? "" : p.value());
  }

  /** Set Parameter: sets (or changes) a context parameter, as UpdateTask would. */
  public void setParameter(String taskId, String name, String value) {
    requireName(name);
    if (value != null && value.length() > 4096) {
      throw new IllegalArgumentException("input 'parameterValue': at most 4096 characters");
    }
    ExternalTask task = tasks.lock(taskId).orElseThrow();
    if (task.state().isTerminal()) {
      return;
    }
    var merged = TaskTransitions.merge(task.contextParameters(), List.of(new ContextParameter(name, value)));
    if (merged.changed().isEmpty()) {
      return;
    }
    if (merged.all().size() > properties.maxContextParameters()) {
      throw new IllegalArgumentException("input 'parameterName': the task already holds " + properties.maxContextParameters() + " parameters");
    }
    tasks.setDetails(taskId, task.customer(), merged.all(), task.preferredUsers());
    transitions.recordParameterUpdates(taskId, merged.changed(), TaskEvent.SYSTEM);
    transitions.wakeWorkflow(taskId, merged.changed());
  }

  /** Availability Check's three exits. */
  public enum Availability {
    /** at least one member could take a task now */
    Available,
    /** members are on duty and not Offline, but none could take a task now */
    Busy,
    /** no member is on duty, or all who are are Offline */
    NobodyOnDuty
  }

  public record AvailabilityCheck(Availability availability, int availableAgents, int agentsOnDuty) {}

  /** Availability Check of the given service, or of the task's own when null. */
  @Transactional(readOnly = true)
  public AvailabilityCheck availability(String taskId, String serviceUpn) {
    String upn = serviceUpn != null ? service(serviceUpn, "serviceUpn").upn() : tasks.find(taskId).orElseThrow().serviceUpn();
    int free = agents.countFree(upn);
    int onDuty = agents.countOnDuty(upn);
    Availability availability = free > 0 ? Availability.Available : onDuty > 0 ? Availability.Busy : Availability.NobodyOnDuty;
    return new AvailabilityCheck(availability, free, onDuty);
  }

  /** Notify: a custom event for webhooks (event {@code Notified}), stored in the task's history. */
  public void notify(String taskId, String notification, String message) {
    if (notification == null || !NOTIFICATION_NAME.matcher(notification).matches()) {
      throw new IllegalArgumentException("input 'notification': 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit");
    }
    if (message != null && message.length() > 4096) {
      throw new IllegalArgumentException("input 'message': at most 4096 characters");
    }
    tasks.lock(taskId).orElseThrow();
    var detail = new LinkedHashMap<String, String>();
    detail.put("notification", notification);
    if (message != null && !message.isBlank()) {
      detail.put("message", message);
    }
    events.record(taskId, TaskEventType.Notified, TaskEvent.SYSTEM, detail);
  }

  private ServiceDefinition service(String upn, String input) {
    return services.find(upn).orElseThrow(() -> new IllegalArgumentException("input '" + input + "': no service '" + upn + "'"));
  }

  private static void requireName(String name) {
    if (name == null || name.isBlank() || name.length() > 128) {
      throw new IllegalArgumentException("input 'parameterName': must name a context parameter (1 to 128 characters)");
    }
  }
}
