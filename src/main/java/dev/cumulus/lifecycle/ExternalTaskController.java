package dev.cumulus.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.web.ApiAccess;
import dev.cumulus.web.ProblemResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The external-task operations of the Power Automate connector, and our extensions in the same style. */
@RestController
@Tag(name = "External tasks")
class ExternalTaskController {

  // the operation-specific problem answers (OpenApiContract adds 400, 401 and 403 and the problem bodies)
  private static final String NO_TASK = "no such task";
  private static final String TASK_STATE =
      "the task's state does not allow it (wrong-state), or it changed at the same moment (conflict): read it and try again";

  private final TaskIntake intake;
  private final BulkIntake bulk;
  private final AgentActions agents;
  private final TaskSteering steering;
  private final RoutingInsight insight;
  private final TaskViews views;

  ExternalTaskController(
      TaskIntake intake, BulkIntake bulk, AgentActions agents, TaskSteering steering, RoutingInsight insight, TaskViews views) {
    this.intake = intake;
    this.bulk = bulk;
    this.agents = agents;
    this.steering = steering;
    this.insight = insight;
    this.views = views;
  }

  /** Transfer request body. */
  record TransferRequest(String serviceUpn) {}

  /** The PATCH body as documented (the handler reads the JSON itself, to tell absent from null). */
  record ExternalTaskPatch(
      dev.cumulus.externaltask.DistributionPriority distributionPriority,
      java.time.OffsetDateTime expiresAt,
      java.util.List<dev.cumulus.externaltask.PreferredUser> preferredUsers) {}

  /** Cancel request body (optional). */
  record CancelRequest(String reason) {}

  @Operation(operationId = "AddExternalTask", summary = "Add a new external task")
  @ApiResponse(responseCode = "200", description = "Created (or, for a repeated Idempotency-Key, the first answer again); Location names the task")
  @ProblemResponse(status = 409, description = "the service's workflow is not deployed")
  @ProblemResponse(status = 422, description = "the Idempotency-Key was used before with another body")
  @ProblemResponse(status = 429, description = "the service's maxConcurrentTasks or cumulus.tasks.max-open-tasks is reached")
  @PostMapping(path = "/v1/ExternalTasks", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<ExternalTaskWriteResult> add(
      @Valid @RequestBody AddExternalTaskRequest request,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    var created = intake.create(request, idempotencyKey);
    var response = ResponseEntity.ok().location(URI.create("/v1/ExternalTasks/" + created.result().id()));
    if (created.replayed()) {
      response.header("Idempotent-Replayed", "true");
    }
    return response.body(created.result());
  }

  /** The body of a bulk create, as the OpenAPI document shows it (the controller reads it item by item). */
  record BulkCreateRequest(
      @ArraySchema(minItems = 1, maxItems = 100, arraySchema = @Schema(description = "1 to cumulus.tasks.max-bulk-items (100) tasks"))
      List<BulkCreateItem> items) {}

  /** An AddExternalTask body and, optionally, its own Idempotency-Key. */
  @Schema(allOf = AddExternalTaskRequest.class)
  record BulkCreateItem(
      @Schema(description = "this item's Idempotency-Key (1 to 255 characters), as the header of a single create", maxLength = 255)
      String idempotencyKey) {}

  @Operation(
      operationId = "AddExternalTasks",
      summary = "Add up to 100 external tasks in one request, one result per item",
      description = "Each item is created as AddExternalTask would create it, in its own transaction: a refused item (400,"
          + " 422, 429 at a fair-use limit) creates nothing and leaves the other items alone. Items are created in order.",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
          required = true, content = @Content(schema = @Schema(implementation = BulkCreateRequest.class))),
      responses = {
        @ApiResponse(responseCode = "200", description = "One result per item, in the order of the request: 201 created,"
            + " 200 replayed (its idempotencyKey answered before), or the refusal's status and problem",
            content = @Content(schema = @Schema(implementation = BulkCreateResult.class))),
        @ApiResponse(responseCode = "400", description = "The envelope is unreadable (not JSON, no items, more than the limit,"
            + " an Idempotency-Key header); nothing was created",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = org.springframework.http.ProblemDetail.class))),
        @ApiResponse(responseCode = "401", description = "No or wrong credentials or API key",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = org.springframework.http.ProblemDetail.class)))
      })
  @PostMapping(path = "/v1/ExternalTasks/bulk", consumes = MediaType.APPLICATION_JSON_VALUE)
  BulkCreateResult addMany(
      @RequestBody JsonNode body,
      // refused when given (each item has its own key), so not offered in the document
      @io.swagger.v3.oas.annotations.Parameter(hidden = true) @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    return bulk.create(body, idempotencyKey);
  }

  @Operation(operationId = "RemoveExternalTask", summary = "Remove an external task")
  @ApiResponse(responseCode = "200", description = "Cancelled (also when it was cancelled before)")
  @ProblemResponse(status = 404, description = NO_TASK)
  @ProblemResponse(status = 409, description = "the task already ended otherwise (Completed, Expired)")
  @DeleteMapping("/v1/ExternalTasks/{externalTaskId}")
  ResponseEntity<Void> remove(@PathVariable String externalTaskId, @RequestParam(required = false) String reason) {
    steering.cancel(externalTaskId, reason);
    return ResponseEntity.ok().build();
  }

  @Operation(operationId = "AbortExternalTask", summary = "Abort a task with a reason (supervisors)")
  @ProblemResponse(status = 404, description = NO_TASK)
  @ProblemResponse(status = 409, description = "the task already ended otherwise (Completed, Expired)")
  @PostMapping(path = "/v1/ExternalTasks/{id}/cancel")
  ExternalTaskView abort(@PathVariable String id, @RequestBody(required = false) CancelRequest request) {
    steering.cancel(id, request == null ? null : request.reason());
    return views.get(id);
  }

  @Operation(operationId = "UpdateTask", summary = "Update customer, context parameters and/or preferred users of a task in progress")
  @ApiResponse(responseCode = "200", description = "Task updated successfully (no body; read the task to see it)")
  @ProblemResponse(status = 404, description = NO_TASK)
  @ProblemResponse(status = 409, description = TASK_STATE)
  @PutMapping(path = "/v1/tasks/{taskId}", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Void> update(@PathVariable String taskId, @Valid @RequestBody(required = false) TaskInformation info) {
    // the connector's 200 "Task updated successfully" has no body; GET the task to read it
    steering.update(taskId, info);
    return ResponseEntity.ok().build();
  }

  @Operation(operationId = "GetExternalTask", summary = "Read one external task with its events")
  @ProblemResponse(status = 404, description = NO_TASK)
  @GetMapping("/v1/ExternalTasks/{id}")
  ExternalTaskView get(@PathVariable String id) {
    return views.get(id);
  }

  @Operation(operationId = "ListExternalTasks", summary = "List external tasks, newest first")
  @GetMapping("/v1/ExternalTasks")
  TaskPage list(
      @RequestParam(required = false) String serviceUpn,
      @RequestParam(required = false) String state,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    return views.list(serviceUpn, state, page, size);
  }

  @Operation(operationId = "ChangeExternalTask", summary = "Change distributionPriority, expiresAt or preferredUsers (JSON merge patch)")
  @ProblemResponse(status = 404, description = NO_TASK)
  @ProblemResponse(status = 409, description = TASK_STATE)
  @PatchMapping(path = "/v1/ExternalTasks/{id}", consumes = {"application/merge-patch+json", MediaType.APPLICATION_JSON_VALUE})
  ExternalTaskView patch(
      @PathVariable String id,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content = {
                @Content(mediaType = "application/merge-patch+json", schema = @Schema(implementation = ExternalTaskPatch.class)),
                @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ExternalTaskPatch.class))
              })
          @RequestBody JsonNode patch) {
    return steering.patch(id, patch);
  }

  @Operation(operationId = "TransferExternalTask", summary = "Transfer a waiting task into another service's queue (it keeps its age)")
  @ProblemResponse(status = 404, description = NO_TASK)
  @ProblemResponse(status = 409, description = TASK_STATE)
  @ProblemResponse(status = 429, description = "the target service is at its maxConcurrentTasks")
  @PostMapping("/v1/ExternalTasks/{id}/transfer")
  ExternalTaskView transfer(@PathVariable String id, @RequestBody TransferRequest request) {
    return steering.transfer(id, request.serviceUpn());
  }

  @Operation(operationId = "AcceptExternalTask", summary = "Accept the task offered to you")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @ProblemResponse(status = 404, description = NO_TASK)
  @ProblemResponse(status = 409, description = TASK_STATE)
  @PostMapping("/v1/ExternalTasks/{id}/accept")
  ExternalTaskView accept(@PathVariable String id) {
    return agents.accept(id);
  }

  @Operation(operationId = "DeclineExternalTask", summary = "Decline the task offered to you: it goes to the next agent")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @ProblemResponse(status = 404, description = NO_TASK)
  @ProblemResponse(status = 409, description = TASK_STATE)
  @PostMapping("/v1/ExternalTasks/{id}/decline")
  ExternalTaskView decline(@PathVariable String id) {
    return agents.decline(id);
  }

  @Operation(operationId = "CompleteExternalTask", summary = "Complete your connected task (after-work starts); in after-work, end it early")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @ProblemResponse(status = 404, description = NO_TASK)
  @ProblemResponse(status = 409, description = TASK_STATE)
  @PostMapping("/v1/ExternalTasks/{id}/complete")
  ExternalTaskView complete(@PathVariable String id) {
    return agents.complete(id);
  }

  @Operation(operationId = "PickUpExternalTask", summary = "Pick a waiting task of a Pickup service: you are connected to it at once")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @ProblemResponse(status = 404, description = NO_TASK)
  @ProblemResponse(status = 409, description = TASK_STATE)
  @PostMapping("/v1/ExternalTasks/{id}/pickup")
  ExternalTaskView pickUp(@PathVariable String id) {
    return agents.pickUp(id);
  }

  /** After-work extension body (optional). */
  record ExtendRequest(Integer seconds) {}

  @Operation(operationId = "ExtendAfterWork", summary = "Extend your after-work once (a new counter of up to the service's maximum)")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @ProblemResponse(status = 404, description = NO_TASK)
  @ProblemResponse(status = 409, description = TASK_STATE)
  @PostMapping("/v1/ExternalTasks/{id}/after-work/extend")
  ExternalTaskView extendAfterWork(@PathVariable String id, @RequestBody(required = false) ExtendRequest request) {
    return agents.extendAfterWork(id, request == null ? null : request.seconds());
  }

  @Operation(operationId = "GetTaskRouting", summary = "Every routing decision of the task: candidates, why each was skipped, who was chosen by which rule")
  @ProblemResponse(status = 404, description = NO_TASK)
  @GetMapping("/v1/ExternalTasks/{id}/routing")
  java.util.List<dev.cumulus.routing.RoutingTrace.Entry> routing(@PathVariable String id) {
    return insight.routing(id);
  }

  @Operation(operationId = "PreviewRouting", summary = "Dry run: who would get a task like this now, and why, without creating anything")
  @ProblemResponse(status = 404, description = "no such service")
  @PostMapping("/v1/services/{serviceUpn}/routing-preview")
  dev.cumulus.routing.Eligibility.Decision preview(@PathVariable String serviceUpn, @Valid @RequestBody AddExternalTaskRequest request) {
    return insight.preview(serviceUpn, request);
  }

  @Operation(operationId = "GetUserSessions", summary = "The tasks an agent holds now: offers, connected tasks, after-work")
  @SecurityRequirement(name = ApiAccess.PEOPLE)
  @GetMapping("/v1/users/{upn}/sessions")
  java.util.List<ExternalTaskView> sessions(@PathVariable String upn) {
    dev.cumulus.security.Caller.current().requireSelfOrSupervisor(upn);
    return views.sessionsSeenByCaller(upn);
  }
}
