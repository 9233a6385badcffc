package dev.cumulus.lifecycle;

import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.externaltask.ContextParameter;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.Json;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import dev.cumulus.externaltask.TaskWorkflow;
import dev.cumulus.security.Caller;
import dev.cumulus.web.ApiException;
import dev.cumulus.web.Problems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * AddExternalTask: what a flow does to create a task. The request is checked, the task stored, its
 * workflow started; a repeated Idempotency-Key answers what the first request answered.
 */
@Service
public class TaskIntake {

  private final TaskStore tasks;
  private final TaskEvents events;
  private final ServiceStore services;
  private final TaskWorkflow workflow;
  private final IdempotencyStore idempotency;
  private final TaskRequests requests;
  private final TaskProperties properties;
  private final Json json;
  private final TransactionTemplate transaction;
  private final Clock clock;

  TaskIntake(
      TaskStore tasks,
      TaskEvents events,
      ServiceStore services,
      TaskWorkflow workflow,
      IdempotencyStore idempotency,
      TaskRequests requests,
      TaskProperties properties,
      Json json,
      TransactionTemplate transaction,
      Clock clock) {
    this.tasks = tasks;
    this.events = events;
    this.services = services;
    this.workflow = workflow;
    this.idempotency = idempotency;
    this.requests = requests;
    this.properties = properties;
    this.json = json;
    this.transaction = transaction;
    this.clock = clock;
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
    DistributionPriority priority = TaskRequests.priority("distributionPriority", request.distributionPriority());
    List<ContextParameter> parameters = request.contextParametersOrEmpty();
    requests.checkParameters("customContextParameters", parameters);
    requests.checkPreferredUsers("preferredUsers", request.preferredUsersOrEmpty());
    OffsetDateTime now = OffsetDateTime.now(clock);
    OffsetDateTime expiresAt =
        request.expiresAt() == null ? now.plus(properties.defaultLifetime()) : TaskRequests.expiry(request.expiresAt(), now);
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

    ExternalTaskWriteResult result = TaskViews.writeResult(tasks.find(id).orElseThrow(), service);
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
