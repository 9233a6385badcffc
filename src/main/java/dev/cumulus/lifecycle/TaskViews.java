package dev.cumulus.lifecycle;

import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.directory.ServiceSupervisors;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import dev.cumulus.routing.Distributor;
import dev.cumulus.routing.OfferStore;
import dev.cumulus.routing.QueuePositions;
import dev.cumulus.routing.WaitEstimator;
import dev.cumulus.security.Caller;
import dev.cumulus.security.Role;
import dev.cumulus.web.ApiException;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The read side: external tasks as the API shows them (with queue position, estimated wait and
 * events), and who may read which. The actions answer with {@link #view} too.
 */
@Service
public class TaskViews {

  static final String MODALITY = "ExternalTask";
  private static final EnumSet<TaskState> HELD = EnumSet.of(TaskState.Offered, TaskState.Connected, TaskState.AfterWork);
  private static final List<TaskState> OPEN =
      List.of(TaskState.InWorkflow, TaskState.Queued, TaskState.Offered, TaskState.Connected, TaskState.AfterWork);

  private final TaskStore tasks;
  private final TaskEvents events;
  private final ServiceStore services;
  private final OfferStore offers;
  private final Distributor distributor;
  private final WaitEstimator waits;
  private final QueuePositions positions;
  private final ServiceSupervisors supervisors;

  TaskViews(
      TaskStore tasks,
      TaskEvents events,
      ServiceStore services,
      OfferStore offers,
      Distributor distributor,
      WaitEstimator waits,
      QueuePositions positions,
      ServiceSupervisors supervisors) {
    this.tasks = tasks;
    this.events = events;
    this.services = services;
    this.offers = offers;
    this.distributor = distributor;
    this.waits = waits;
    this.positions = positions;
    this.supervisors = supervisors;
  }

  @Transactional(readOnly = true)
  public ExternalTaskView get(String taskId) {
    ExternalTask task = find(taskId);
    Caller caller = Caller.current();
    if (!supervisors.steers(caller, task.serviceUpn()) && !involves(task, caller.name())) {
      if (caller.is(Role.SUPERVISOR)) {
        supervisors.requireSteers(caller, task.serviceUpn());
      }
      throw ApiException.forbidden(caller.name() + " may read only tasks offered or assigned to them");
    }
    return view(task, true);
  }

  @Transactional(readOnly = true)
  public TaskPage list(String serviceUpn, String state, int page, int size) {
    if (page < 0) {
      throw ApiException.invalid("page", "minimum", "must be 0 or more");
    }
    if (size < 1 || size > 200) {
      throw ApiException.invalid("size", "range", "must be between 1 and 200");
    }
    TaskState wanted = state == null ? null : parseState(state);
    // a supervisor lists only the tasks of the services they supervise (admins and flows: all)
    List<String> scope = supervisors.scopeOf(Caller.current()).orElse(null);
    List<String> in = serviceUpn == null ? scope : scope == null || scope.contains(serviceUpn) ? List.of(serviceUpn) : List.of();
    var items = tasks.page(in, wanted, page, size).stream().map(t -> view(t, false)).toList();
    return new TaskPage(items, page, size, tasks.count(in, wanted));
  }

  /** The tasks an agent holds now: offers, connected tasks and tasks in after-work. */
  @Transactional(readOnly = true)
  public List<ExternalTaskView> sessions(String userUpn) {
    var held = new ArrayList<>(tasks.byAssignedUser(userUpn, HELD));
    var ids = new HashSet<String>();
    held.forEach(t -> ids.add(t.id()));
    // broadcast offers: the task names one of the offered agents, the offer table names them all
    for (String id : offers.tasksOfferedTo(userUpn)) {
      if (ids.add(id)) {
        tasks.find(id).filter(t -> t.state() == TaskState.Offered).ifPresent(held::add);
      }
    }
    return held.stream().map(t -> view(t, false)).toList();
  }

  /**
   * GET /v1/users/{upn}/sessions: the agent themself sees all their tasks; a supervisor only those of
   * the services they supervise (admins all).
   */
  @Transactional(readOnly = true)
  public List<ExternalTaskView> sessionsSeenByCaller(String userUpn) {
    Caller caller = Caller.current();
    List<ExternalTaskView> all = sessions(userUpn);
    if (caller.name().equalsIgnoreCase(userUpn)) {
      return all;
    }
    return all.stream().filter(v -> supervisors.steers(caller, v.serviceUpn())).toList();
  }

  /** A service's open tasks (every state before the end), newest first, at most {@code limit} per state. */
  @Transactional(readOnly = true)
  public List<ExternalTaskView> open(String serviceUpn, int limit) {
    var open = new ArrayList<ExternalTaskView>();
    for (TaskState state : OPEN) {
      tasks.page(serviceUpn, state, 0, limit).forEach(t -> open.add(view(t, false)));
    }
    return open;
  }

  /** The task as an action answers with it, events included; the action checked the caller. */
  ExternalTaskView withEvents(String taskId) {
    return view(find(taskId), true);
  }

  static ExternalTaskWriteResult writeResult(ExternalTask task, ServiceDefinition service) {
    return new ExternalTaskWriteResult(
        task.id(), MODALITY, DateTimeFormatter.ISO_INSTANT.format(task.createdAt()), MODALITY, task.isAnonymous(), service.id(),
        service.upn(), service.description(), service.displayName(), service.upn(), null, task.preferredUsers());
  }

  ExternalTaskView view(ExternalTask task, boolean withEvents) {
    ServiceDefinition service = services.find(task.serviceUpn()).orElse(null);
    String serviceName = service == null ? task.serviceUpn() : service.displayName();
    Long position = task.state() == TaskState.Queued ? positions.of(task.id()).orElse(null) : null;
    Long estimatedWait = position == null ? null : waits.estimate(task.serviceUpn(), position);
    Integer level = task.state() == TaskState.Queued && service != null ? distributor.levelOf(task.id(), service) : null;
    List<String> offeredTo = task.state() == TaskState.Offered ? offers.usersOffered(task.id()) : null;
    List<ExternalTaskView.Event> history =
        withEvents
            ? events.of(task.id()).stream()
                .map(e -> new ExternalTaskView.Event(e.event().name(), e.state().name(), e.occurredAt(), e.actor(), e.detail().isEmpty() ? null : e.detail()))
                .toList()
            : null;
    return new ExternalTaskView(
        task.id(), MODALITY, task.serviceUpn(), serviceName, task.state().name(), task.priority().name(), position, estimatedWait,
        level, offeredTo,
        task.customerIdentifier(), task.isAnonymous(), task.customer(), task.contextParameters(), task.preferredUsers(),
        task.title(), task.description(), task.createdAt(), task.enqueuedAt(), task.expiresAt(), task.terminatedAt(),
        task.assignedUserUpn(), task.lastConnectedUserUpn(), task.outcome() == null ? null : task.outcome().name(),
        task.processInstanceId(), history);
  }

  private ExternalTask find(String taskId) {
    return tasks.find(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
  }

  private boolean involves(ExternalTask task, String user) {
    return user.equalsIgnoreCase(String.valueOf(task.assignedUserUpn()))
        || user.equalsIgnoreCase(String.valueOf(task.lastConnectedUserUpn()))
        || offers.usersOffered(task.id()).stream().anyMatch(user::equalsIgnoreCase);
  }

  private static TaskState parseState(String state) {
    for (TaskState s : TaskState.values()) {
      if (s.name().equalsIgnoreCase(state)) {
        return s;
      }
    }
    throw ApiException.invalid("state", "oneOf", "must be one of " + List.of(TaskState.values()));
  }
}
