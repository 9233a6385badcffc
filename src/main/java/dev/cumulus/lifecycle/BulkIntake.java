package dev.cumulus.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cumulus.externaltask.ConcurrentChangeException;
import dev.cumulus.externaltask.WorkflowStepException;
import dev.cumulus.web.ApiException;
import dev.cumulus.web.ProblemAdvice;
import dev.cumulus.web.Problems;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Bulk create: many AddExternalTask bodies in one request. Each item is read, checked and created as
 * a single create would be ({@link TaskIntake#create}, its own transaction, its own fair-use check),
 * so one item's refusal leaves the others alone; its answer is the item's result. Only an envelope
 * that cannot be read (no items, too many) refuses the whole request, before anything is written.
 */
@Service
class BulkIntake {

  /** The item's own Idempotency-Key: the single create's header, as a field of the item. */
  static final String KEY_FIELD = "idempotencyKey";

  private static final Logger log = LoggerFactory.getLogger(BulkIntake.class);

  private final TaskIntake intake;
  private final ObjectMapper mapper;
  private final Validator validator;
  private final TaskProperties properties;

  BulkIntake(TaskIntake intake, ObjectMapper mapper, Validator validator, TaskProperties properties) {
    this.intake = intake;
    this.mapper = mapper;
    this.validator = validator;
    this.properties = properties;
  }

  BulkCreateResult create(JsonNode body, String idempotencyKeyHeader) {
    List<JsonNode> items = items(body, idempotencyKeyHeader);
    var results = new ArrayList<BulkCreateResult.Item>(items.size());
    for (int index = 0; index < items.size(); index++) {
      results.add(createOne(index, items.get(index)));
    }
    return BulkCreateResult.of(results);
  }

  /** The envelope's checks: a refusal here is the whole request's, and comes before any write. */
  private List<JsonNode> items(JsonNode body, String idempotencyKeyHeader) {
    if (idempotencyKeyHeader != null) {
      // a retried bulk request with one key would replay nothing item by item: say where the keys go
      throw ApiException.invalid("Idempotency-Key", "perItem", "a bulk create takes no Idempotency-Key header; give each item its own " + KEY_FIELD);
    }
    if (body == null || !body.isObject()) {
      throw ApiException.invalid("body", "type", "must be a JSON object {\"items\": [...]}");
    }
    JsonNode items = body.get("items");
    int max = properties.maxBulkItems();
    if (items == null || items.isNull()) {
      throw ApiException.invalid("items", "required", "is required: an array of 1 to " + max + " tasks");
    }
    if (!items.isArray()) {
      throw ApiException.invalid("items", "type", "must be an array");
    }
    if (items.isEmpty()) {
      throw ApiException.invalid("items", "minItems", "must hold at least 1 task");
    }
    if (items.size() > max) {
      throw ApiException.invalid(
          "items", "maxItems", "must hold at most " + max + " tasks (cumulus.tasks.max-bulk-items), not " + items.size());
    }
    var list = new ArrayList<JsonNode>(items.size());
    items.forEach(list::add);
    return list;
  }

  private BulkCreateResult.Item createOne(int index, JsonNode item) {
    String at = "items[" + index + "]";
    try {
      return BulkCreateResult.Item.created(index, intake.create(request(item), idempotencyKey(item)));
    } catch (ApiException e) {
      return BulkCreateResult.Item.refused(index, problem(at, e));
    } catch (ConcurrentChangeException e) {
      return refused(index, at, new ApiException(HttpStatus.CONFLICT, Problems.CONFLICT, "Changed meanwhile", e.getMessage(), null, null));
    } catch (PessimisticLockingFailureException e) {
      // the same 503 as ProblemAdvice answers a single create that lost a lock (CannotAcquireLockException is one)
      log.warn("lock not acquired for {}: {}", at, e.getMessage());
      var headers = new HttpHeaders();
      headers.set(HttpHeaders.RETRY_AFTER, "1");
      return refused(index, at, new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE, Problems.CONFLICT, "Busy, try again", "the database refused a lock; nothing was changed", null, headers));
    } catch (WorkflowStepException e) {
      log.error("workflow step failed for {}: {}", at, e.getMessage());
      return refused(index, at, new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, Problems.WORKFLOW_STEP, "Workflow step failed",
          e.getMessage() + "; nothing was changed: fix the workflow diagram", null, null));
    } catch (RuntimeException e) {
      // the items before were committed and the client must learn of them: this item's result says it failed
      log.error("unexpected error creating {}", at, e);
      return refused(index, at, new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, Problems.INTERNAL, "Internal error",
          "an unexpected error; nothing was changed", null, null));
    }
  }

  /** The item as AddExternalTask reads its body: the same types, strictness and constraints. */
  private AddExternalTaskRequest request(JsonNode item) {
    if (!item.isObject()) {
      throw ApiException.invalid("", "type", "must be an object: a task as AddExternalTask takes it");
    }
    ObjectNode fields = ((ObjectNode) item).deepCopy();
    fields.remove(KEY_FIELD);
    AddExternalTaskRequest request;
    try {
      request = mapper.treeToValue(fields, AddExternalTaskRequest.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw ProblemAdvice.unreadable(e, e.getMessage());
    }
    var violations = validator.validate(request);
    if (!violations.isEmpty()) {
      var errors =
          violations.stream()
              .map(BulkIntake::fieldError)
              .sorted(Comparator.comparing(ApiException.FieldError::field))
              .toList();
      throw new ApiException(HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Invalid request", "", errors, null);
    }
    return request;
  }

  private static ApiException.FieldError fieldError(ConstraintViolation<?> v) {
    // "customContextParameters[0].<list element>" names the element itself
    String field = v.getPropertyPath().toString().replace(".<list element>", "");
    return new ApiException.FieldError(field, v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName(), v.getMessage());
  }

  private static String idempotencyKey(JsonNode item) {
    JsonNode key = item.get(KEY_FIELD);
    if (key == null || key.isNull()) {
      return null;
    }
    if (!key.isTextual()) {
      throw ApiException.invalid(KEY_FIELD, "type", "must be a string");
    }
    if (key.textValue().indexOf('\0') >= 0) {
      throw ApiException.invalid(KEY_FIELD, "noNul", "must not contain the NUL character");
    }
    return key.textValue();
  }

  private static BulkCreateResult.Item refused(int index, String at, ApiException e) {
    return BulkCreateResult.Item.refused(index, problem(at, e));
  }

  /** The problem a single create would answer, its fields named from the request's root ({@code items[3].serviceUpn}). */
  private static BulkCreateResult.ItemProblem problem(String at, ApiException e) {
    var errors =
        e.errors().stream().map(f -> new ApiException.FieldError(field(at, f.field()), f.rule(), f.message())).toList();
    String detail =
        errors.isEmpty()
            ? at + ": " + e.getMessage()
            : errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
    String retryAfter = e.headers().getFirst(HttpHeaders.RETRY_AFTER);
    return new BulkCreateResult.ItemProblem(
        URI.create(e.type().toString()), e.title(), e.status().value(), detail, errors.isEmpty() ? null : errors,
        retryAfter == null ? null : Long.valueOf(retryAfter));
  }

  private static String field(String at, String field) {
    if (field == null || field.isEmpty() || field.equals("body")) {
      return at;
    }
    if (field.equals("Idempotency-Key")) {
      return at + "." + KEY_FIELD;
    }
    return field.startsWith("[") ? at + field : at + "." + field;
  }
}
