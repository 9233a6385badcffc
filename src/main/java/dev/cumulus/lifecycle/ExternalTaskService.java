package dev.cumulus.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.distribution.AgentStore;
import dev.cumulus.distribution.Distributor;
import dev.cumulus.distribution.OfferStore;
import dev.cumulus.distribution.AfterWorkStore;
import dev.cumulus.distribution.ServiceDefinition;
import dev.cumulus.distribution.ServiceStore;
import dev.cumulus.distribution.ServiceSupervisors;
import dev.cumulus.distribution.WaitEstimator;
import dev.cumulus.distribution.QueuePositions;
import dev.cumulus.distribution.RoutingTrace;
import dev.cumulus.distribution.Eligibility;
import dev.cumulus.distribution.DistributionType;
import dev.cumulus.distribution.Verdict;
import dev.cumulus.externaltask.ContextParameter;
import dev.cumulus.externaltask.Customer;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.Json;
import dev.cumulus.externaltask.PreferredUser;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import dev.cumulus.externaltask.TaskWorkflow;
import dev.cumulus.security.Caller;
import dev.cumulus.security.Role;
import dev.cumulus.web.ApiException;
import dev.cumulus.web.Problems;
import jakarta.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What flows, agents and supervisors do to external tasks. Each public method is one transaction.
 * (The bean has its own name: Camunda registers an unrelated "externalTaskService".)
 */
@Service("cumulusExternalTaskService")
public class ExternalTaskService {

  public static final String MODALITY = "ExternalTask";
  private static final EnumSet<TaskState> HELD = EnumSet.of(TaskState.Offered, TaskState.Connected, TaskState.AfterWork);

  private final TaskStore tasks;
  private final TaskEvents events;
  private final ServiceStore services;
  private final AgentStore agents;
  private final OfferStore offers;
  private final Distributor distributor;
  private final TaskTransitions transitions;
  private final TaskWorkflow workflow;
  private final IdempotencyStore idempotency;
  private final TaskProperties properties;
  private final Json json;
  private final Validator validator;
  private final TransactionTemplate transaction;
  private final WaitEstimator waits;
  private final QueuePositions positions;
  private final RoutingTrace trace;
  private final ServiceSupervisors supervisors;
  private final AfterWorkStore afterWork;

  ExternalTaskService(
      TaskStore tasks,
      TaskEvents events,
      ServiceStore services,
      AgentStore agents,
      OfferStore offers,
      Distributor distributor,
      TaskTransitions transitions,
      TaskWorkflow workflow,
      IdempotencyStore idempotency,
      TaskProperties properties,
      Json json,
      Validator validator,
      TransactionTemplate transaction,
      WaitEstimator waits,
      RoutingTrace trace,
      QueuePositions positions,
      ServiceSupervisors supervisors,
      AfterWorkStore afterWork) {
    this.tasks = tasks;
    this.events = events;
    this.services = services;
    this.agents = agents;
    this.offers = offers;
    this.distributor = distributor;
    this.transitions = transitions;
    this.workflow = workflow;
    this.idempotency = idempotency;
    this.properties = properties;
    this.json = json;
    this.validator = validator;
    this.transaction = transaction;
    this.waits = waits;
    this.positions = positions;
    this.trace = trace;
    this.supervisors = supervisors;
    this.afterWork = afterWork;
  }

  /** The answer to AddExternalTask, and whether it repeats an earlier one (same Idempotency-Key). */
  public record Created(ExternalTaskWriteResult result, boolean replayed) {}

  public Created create(AddExternalTaskRequest request, String idempotencyKey) {
    Caller caller = Caller.current();
    if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
      throw ApiException.invalid("Idempotency-Key", "length", "must have 1 to 255 characters");
    }
    String hash = idempotencyKey == null ? null : sha256(json.write(request));
    if (idempotencyKey != null) {
      Optional<Created> earlier = replay(caller, idempotencyKey, hash);
      if (earlier.isPresent()) {
        return earlier.get();
      }
    }
    try {
      return transaction.execute(status -> new Created(createNow(request, caller, idempotencyKey, hash), false));
    } catch (DuplicateKeyException e) {
      // a concurrent request with the same key committed first: answer what it answered
      return replay(caller, idempotencyKey, hash).orElseThrow(() -> e);
    }
  }

  private Optional<Created> replay(Caller caller, String key, String hash) {
    return idempotency
        .find(caller.name(), key)
        .map(
            entry -> {
              if (!entry.requestHash().equals(hash)) {
                throw ApiException.unprocessable(
                    Problems.IDEMPOTENCY_MISMATCH,
                    "Idempotency-Key reused",
                    "Idempotency-Key",
                    "sameBody",
                    "this key was used with another request body");
              }
              return new Created(json.read(entry.responseBody(), ExternalTaskWriteResult.class), true);
            });
  }

  private ExternalTaskWriteResult createNow(AddExternalTaskRequest request, Caller caller, String key, String hash) {
    ServiceDefinition service =
        services.find(request.serviceUpn())
            .orElseThrow(() -> ApiException.invalid("serviceUpn", "knownService", "no service '" + request.serviceUpn() + "'"));
    DistributionPriority priority = priority("distributionPriority", request.distributionPriority());
    List<ContextParameter> parameters = request.contextParametersOrEmpty();
    checkParameters("customContextParameters", parameters);
    checkPreferredUsers("preferredUsers", request.preferredUsersOrEmpty());
    OffsetDateTime now = transitions.now();
    OffsetDateTime expiresAt = request.expiresAt() == null ? now.plus(properties.defaultLifetime()) : expiry(request.expiresAt(), now);
    if (!workflow.isDeployed(service.processKey())) {
      throw ApiException.wrongState("service " + service.upn() + " uses workflow '" + service.processKey() + "', which is not deployed");
    }

    if (services.totalOpenTasks() >= properties.maxOpenTasks()) {
      throw ApiException.tooMany("Cumulus already holds " + properties.maxOpenTasks() + " open tasks (cumulus.tasks.max-open-tasks)", 30);
    }

    String id = UUID.randomUUID().toString();
    var task =
        new ExternalTask(
            id, 0, service.upn(), TaskState.InWorkflow, priority, blankToNull(request.customerIdentifier()), request.title(),
            request.description(), request.customer(), parameters, request.preferredUsersOrEmpty(), now, null, expiresAt, null, null,
            null, null, null, caller.name());
    tasks.insert(task);
    events.record(id, TaskEventType.Created, caller.name());
    workflow.start(tasks.find(id).orElseThrow(), service.processKey(), startVariables(task));
    // last: this locks the service's row until commit, and refuses the task past maxConcurrentTasks
    if (!services.reserveOpenTask(service.upn())) {
      throw TaskTransitions.serviceFull(service);
    }

    ExternalTaskWriteResult result = writeResult(tasks.find(id).orElseThrow(), service);
    if (key != null) {
      idempotency.insert(caller.name(), key, new IdempotencyStore.Entry(hash, id, json.write(result)), now);
    }
    return result;
  }

  /**
   * The process variables, written once when the instance starts: what the workflow reads (the
   * lifetime timer) and what a Cockpit search needs. Nothing mirrors the task's live state into them;
   * the Cumulus tab in Cockpit shows it (docs/workflows.md).
   */
  private static Map<String, Object> startVariables(ExternalTask task) {
    var vars = new HashMap<String, Object>();
    vars.put("serviceUpn", task.serviceUpn());
    vars.put("expiresAt", Date.from(task.expiresAt().toInstant()));
    if (task.customerIdentifier() != null) {
      vars.put("customerIdentifier", task.customerIdentifier());
    }
    if (task.title() != null) {
      vars.put("title", task.title());
    }
    return vars;
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

  private static final List<TaskState> OPEN =
      List.of(TaskState.InWorkflow, TaskState.Queued, TaskState.Offered, TaskState.Connected, TaskState.AfterWork);

  /** A service's open tasks (every state before the end), newest first, at most {@code limit} per state. */
  @Transactional(readOnly = true)
  public List<ExternalTaskView> open(String serviceUpn, int limit) {
    var open = new ArrayList<ExternalTaskView>();
    for (TaskState state : OPEN) {
      tasks.page(serviceUpn, state, 0, limit).forEach(t -> open.add(view(t, false)));
    }
    return open;
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
    transitions.cancel(task, caller.name(), reason == null ? "removed by " + caller.name() : reason);
    workflow.cancel(task, "Cancelled by " + caller.name() + (reason == null ? "" : ": " + reason));
  }

  @Transactional
  public ExternalTaskView accept(String taskId) {
    Caller caller = Caller.current();
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    requireOfferedTo(task, caller);
    // Broadcast: the other agents' offers end now, and they may get other tasks right after
    for (String other : offers.usersOffered(taskId)) {
      if (!other.equalsIgnoreCase(caller.name())) {
        transitions.endOffer(task, other, false);
      }
    }
    offers.removeAll(taskId);
    tasks.connect(taskId, caller.name());
    events.record(taskId, TaskEventType.Accepted, caller.name(), Map.of("userUpn", caller.name()));
    workflow.connected(tasks.find(taskId).orElseThrow());
    return view(find(taskId), true);
  }

  /** Pickup services: an agent takes a waiting task from the queue, and is connected to it at once. */
  @Transactional
  public ExternalTaskView pickUp(String taskId) {
    Caller caller = Caller.current();
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    if (task.state() != TaskState.Queued) {
      if (!holdsNow(task, caller.name())) {
        throw ApiException.forbidden("the task is not waiting to be picked up by " + caller.name());
      }
      throw ApiException.wrongState("only a Queued task can be picked up; it is " + task.state());
    }
    ServiceDefinition service = distributor.serviceFor(task);
    if (service.settings().distributionType() != DistributionType.Pickup) {
      throw ApiException.wrongState("service " + service.upn() + " distributes its tasks itself (" + service.settings().distributionType() + ")");
    }
    Verdict refused = distributor.pickUp(task, service, caller.name());
    if (refused != null) {
      throw refused == Verdict.notMember
          ? ApiException.forbidden(caller.name() + " is not a member of " + service.upn())
          : ApiException.wrongState(caller.name() + " cannot take a task now: " + refused);
    }
    offers.removeAll(taskId);
    tasks.connect(taskId, caller.name());
    events.record(taskId, TaskEventType.Accepted, caller.name(), Map.of("userUpn", caller.name()));
    workflow.connected(tasks.find(taskId).orElseThrow());
    return view(find(taskId), true);
  }

  /** Every routing decision made for the task, with each candidate's verdict. */
  @Transactional(readOnly = true)
  public List<RoutingTrace.Entry> routing(String taskId) {
    supervisors.requireSteers(Caller.current(), find(taskId).serviceUpn());
    return trace.of(taskId);
  }

  /** Who would get a task like this now, and why; creates nothing. */
  @Transactional(readOnly = true)
  public Eligibility.Decision preview(String serviceUpn, AddExternalTaskRequest request) {
    ServiceDefinition service = services.find(serviceUpn).orElseThrow(() -> ApiException.notFound("Service", serviceUpn));
    supervisors.requireSteers(Caller.current(), service.upn());
    DistributionPriority priority = priority("distributionPriority", request.distributionPriority());
    checkPreferredUsers("preferredUsers", request.preferredUsersOrEmpty());
    OffsetDateTime now = transitions.now();
    var task =
        new ExternalTask(
            "preview", 0, service.upn(), TaskState.Queued, priority, request.customerIdentifier(), request.title(), request.description(),
            request.customer(), request.contextParametersOrEmpty(), request.preferredUsersOrEmpty(), now, now, now.plusDays(1), null,
            null, null, null, null, Caller.current().name());
    return distributor.preview(task, service);
  }

  /** After-work: restart its timer once, for up to the service's maximum extension. */
  @Transactional
  public ExternalTaskView extendAfterWork(String taskId, Integer seconds) {
    Caller caller = Caller.current();
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    if (task.state() != TaskState.AfterWork) {
      throw ApiException.wrongState("only a task in AfterWork can be extended; it is " + task.state());
    }
    if (!caller.name().equalsIgnoreCase(String.valueOf(task.assignedUserUpn()))) {
      throw ApiException.forbidden("the task is assigned to another agent");
    }
    var settings = services.find(task.serviceUpn()).orElseThrow().settings();
    if (!settings.acwAllowExtension()) {
      throw ApiException.wrongState("service " + task.serviceUpn() + " does not allow extending after-work");
    }
    if (tasks.afterWorkExtended(taskId)) {
      throw ApiException.wrongState("after-work can be extended once");
    }
    int max = settings.acwMaxExtensionSeconds();
    if (seconds != null && (seconds < 1 || seconds > max)) {
      throw ApiException.invalid("seconds", "range", "must be between 1 and " + max);
    }
    int extension = seconds == null ? max : seconds;
    tasks.markAfterWorkExtended(taskId);
    afterWork.reschedule(taskId, transitions.now().plusSeconds(extension));
    events.record(taskId, TaskEventType.AfterWorkExtended, caller.name(), Map.of("seconds", Integer.toString(extension)));
    return view(find(taskId), true);
  }


  @Transactional
  public ExternalTaskView decline(String taskId) {
    Caller caller = Caller.current();
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    requireOfferedTo(task, caller);
    transitions.endOffer(task, caller.name(), true);
    List<String> remaining = offers.usersOffered(taskId);
    if (!remaining.isEmpty()) {
      // Broadcast: the others' offers stand; the task (and its offer in the workflow) names one of them
      if (caller.name().equalsIgnoreCase(String.valueOf(task.assignedUserUpn()))) {
        tasks.setState(taskId, TaskState.Offered, remaining.get(0));
      }
      events.record(taskId, TaskEventType.Declined, caller.name(), Map.of("userUpn", caller.name()));
      return view(find(taskId), true);
    }
    transitions.offerEnded(taskId);
    events.record(taskId, TaskEventType.Declined, caller.name(), Map.of("userUpn", caller.name()));
    return view(find(taskId), true);
  }

  /** Connected: the agent is done, after-work starts. In after-work: ends it early. */
  @Transactional
  public ExternalTaskView complete(String taskId) {
    Caller caller = Caller.current();
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    if (!holdsNow(task, caller.name())) {
      // whatever its state: a task that is not the caller's says nothing about itself
      throw ApiException.forbidden("the task is not assigned to " + caller.name());
    }
    if (task.state() == TaskState.Connected) {
      transitions.handled(task, services.find(task.serviceUpn()).orElseThrow().acwSeconds(), caller.name());
    } else if (task.state() == TaskState.AfterWork) {
      if (!services.find(task.serviceUpn()).orElseThrow().settings().acwAllowEarlyEnd()) {
        throw ApiException.wrongState("service " + task.serviceUpn() + " does not allow ending after-work early");
      }
      transitions.close(task);
    } else {
      throw ApiException.wrongState("only a Connected task or one in AfterWork can be completed; it is " + task.state());
    }
    return view(find(taskId), true);
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
    return view(find(taskId), true);
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
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    supervisors.requireSteers(caller, task.serviceUpn());
    if (task.state().isTerminal()) {
      throw ApiException.wrongState("the task already ended as " + task.state());
    }
    if (patch.has("distributionPriority")) {
      JsonNode value = patch.get("distributionPriority");
      DistributionPriority priority = priority("distributionPriority", value.isNull() ? null : value.asText());
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
      expiresAt = expiry(expiresAt, transitions.now());
      tasks.setExpiresAt(taskId, expiresAt);
      ExternalTask changed = tasks.find(taskId).orElseThrow();
      workflow.lifetimeChanged(changed);
      events.record(taskId, TaskEventType.Updated, caller.name(), Map.of("field", "expiresAt", "from", DateTimeFormatter.ISO_INSTANT.format(task.expiresAt()), "to", DateTimeFormatter.ISO_INSTANT.format(expiresAt)));
    }
    if (patch.has("preferredUsers")) {
      List<PreferredUser> preferred = preferredUsersFrom(patch.get("preferredUsers"));
      ExternalTask current = tasks.find(taskId).orElseThrow();
      tasks.setDetails(taskId, current.customer(), current.contextParameters(), preferred);
      distributor.preferredUsersChanged(tasks.find(taskId).orElseThrow());
      events.record(taskId, TaskEventType.Updated, caller.name(), Map.of("field", "preferredUsers"));
    }
    return view(find(taskId), true);
  }

  /** UpdateTask: customer, context parameters (merged by name), preferred users. */
  @Transactional
  public ExternalTaskView update(String taskId, TaskInformation info) {
    Caller caller = Caller.current();
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    supervisors.requireSteers(caller, task.serviceUpn());
    if (task.state().isTerminal()) {
      throw ApiException.wrongState("the task already ended as " + task.state());
    }
    if (info == null) {
      return view(task, true);
    }
    Customer customer = info.customer() != null ? info.customer() : task.customer();
    TaskTransitions.MergedParameters parameters = TaskTransitions.merge(task.contextParameters(), List.of());
    if (info.customContextParameters() != null) {
      checkParameters("customContextParameters", info.customContextParameters());
      parameters = TaskTransitions.merge(task.contextParameters(), info.customContextParameters());
      if (parameters.all().size() > properties.maxContextParameters()) {
        throw ApiException.invalid("customContextParameters", "maxItems", "a task holds at most " + properties.maxContextParameters() + " parameters");
      }
    }
    List<PreferredUser> preferred = info.preferredUsers() != null ? info.preferredUsers() : task.preferredUsers();
    if (info.preferredUsers() != null) {
      checkPreferredUsers("preferredUsers", info.preferredUsers());
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
    return view(find(taskId), true);
  }

  ExternalTaskWriteResult writeResult(ExternalTask task, ServiceDefinition service) {
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

  /**
   * Whether the task is the user's now: offered to them (a Broadcast offer too), or connected or in
   * after-work with them. Only then does an agent's complete or pickup answer with the task's state.
   */
  private boolean holdsNow(ExternalTask task, String user) {
    return switch (task.state()) {
      case Offered -> offers.usersOffered(task.id()).stream().anyMatch(user::equalsIgnoreCase);
      case Connected, AfterWork -> user.equalsIgnoreCase(String.valueOf(task.assignedUserUpn()));
      default -> false;
    };
  }

  private boolean involves(ExternalTask task, String user) {
    return user.equalsIgnoreCase(String.valueOf(task.assignedUserUpn()))
        || user.equalsIgnoreCase(String.valueOf(task.lastConnectedUserUpn()))
        || offers.usersOffered(task.id()).stream().anyMatch(user::equalsIgnoreCase);
  }

  private void requireOfferedTo(ExternalTask task, Caller caller) {
    if (task.state() != TaskState.Offered) {
      throw ApiException.wrongState("only an Offered task can be accepted or declined; it is " + task.state());
    }
    if (offers.usersOffered(task.id()).stream().noneMatch(caller.name()::equalsIgnoreCase)) {
      throw ApiException.forbidden("the task is offered to another agent");
    }
  }

  /** A cancel's reason, as the dashboard's abort allows. */
  static final int MAX_REASON = 500;

  /** The longest lifetime a task may be given: ours, so that timers and timestamps stay in range. */
  static final Duration MAX_LIFETIME = Duration.ofDays(3660);

  /** expiresAt in UTC: after now, and within {@link #MAX_LIFETIME}. */
  private static OffsetDateTime expiry(OffsetDateTime given, OffsetDateTime now) {
    Instant at = given.toInstant();
    if (!at.isAfter(now.toInstant())) {
      throw ApiException.invalid("expiresAt", "future", "must be in the future");
    }
    if (at.isAfter(now.toInstant().plus(MAX_LIFETIME))) {
      throw ApiException.invalid("expiresAt", "maxLifetime", "must be at most " + MAX_LIFETIME.toDays() + " days ahead");
    }
    return given.withOffsetSameInstant(ZoneOffset.UTC);
  }

  private DistributionPriority priority(String field, String value) {
    return DistributionPriority.parse(value)
        .orElseThrow(() -> ApiException.invalid(field, "oneOf", "must be one of Low, Normal, High, Strict"));
  }

  private static TaskState parseState(String state) {
    for (TaskState s : TaskState.values()) {
      if (s.name().equalsIgnoreCase(state)) {
        return s;
      }
    }
    throw ApiException.invalid("state", "oneOf", "must be one of " + List.of(TaskState.values()));
  }

  private void checkParameters(String field, List<ContextParameter> parameters) {
    if (parameters.size() > properties.maxContextParameters()) {
      throw ApiException.invalid(field, "maxItems", "at most " + properties.maxContextParameters() + " parameters");
    }
    var seen = new HashSet<String>();
    for (int i = 0; i < parameters.size(); i++) {
      if (!seen.add(parameters.get(i).name())) {
        throw ApiException.invalid(field + "[" + i + "].name", "unique", "'" + parameters.get(i).name() + "' is given twice");
      }
    }
  }

  private void checkPreferredUsers(String field, List<PreferredUser> preferred) {
    var seen = new HashSet<String>();
    var known = new HashSet<>(agents.existing(preferred.stream().map(PreferredUser::upn).toList()));
    for (int i = 0; i < preferred.size(); i++) {
      String upn = preferred.get(i).upn();
      if (!seen.add(upn.toLowerCase())) {
        throw ApiException.invalid(field + "[" + i + "].upn", "unique", "'" + upn + "' is given twice");
      }
      if (!known.contains(upn)) {
        throw ApiException.invalid(field + "[" + i + "].upn", "knownUser", "no user '" + upn + "'");
      }
    }
  }

  private List<PreferredUser> preferredUsersFrom(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    List<PreferredUser> preferred;
    try {
      preferred = List.of(json.mapper().treeToValue(node, PreferredUser[].class));
    } catch (Exception e) {
      throw ApiException.invalid("preferredUsers", "type", "must be an array of {upn, priority}");
    }
    if (preferred.size() > PreferredUser.MAX_PER_TASK) {
      throw ApiException.invalid("preferredUsers", "maxItems", "at most " + PreferredUser.MAX_PER_TASK + " preferred users");
    }
    for (int i = 0; i < preferred.size(); i++) {
      var violations = validator.validate(preferred.get(i));
      if (!violations.isEmpty()) {
        var v = violations.iterator().next();
        throw ApiException.invalid("preferredUsers[" + i + "]." + v.getPropertyPath(), v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName(), v.getMessage());
      }
    }
    checkPreferredUsers("preferredUsers", preferred);
    return preferred;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
