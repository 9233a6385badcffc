package dev.cumulus.webhook;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import dev.cumulus.security.Caller;
import dev.cumulus.web.ApiException;
import dev.cumulus.web.ProblemResponse;
import dev.cumulus.webhook.TriggerService.TriggerConfig;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.callbacks.Callback;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** The connector's task trigger ("When a task changes state") and a read-only view for operators. */
@RestController
@Tag(name = "Task triggers")
class TriggerController {

  /** The RegisterTaskWebHook body; the file allows no other top-level property than config. */
  record TriggerRequest(TriggerConfig config, @Hidden @JsonAnySetter Map<String, Object> unknown) {
    TriggerRequest {
      unknown = unknown == null ? new LinkedHashMap<>() : unknown;
    }
  }

  /** A trigger as registered. */
  record TriggerView(
      String id,
      List<String> services,
      List<String> taskEvents,
      List<String> modalities,
      List<String> directions,
      String url,
      String createdBy,
      OffsetDateTime createdAt) {

    static TriggerView of(Subscription s) {
      return new TriggerView(
          s.id(), s.services(), s.taskEvents(), s.modalities(), s.directions(), s.url(), s.createdBy(), s.createdAt());
    }
  }

  private final TriggerService triggers;

  TriggerController(TriggerService triggers) {
    this.triggers = triggers;
  }

  @Operation(
      operationId = "RegisterTaskWebHook",
      summary = "When a task changes state",
      responses = @ApiResponse(responseCode = "201", description = "Trigger created; Location is its DELETE URL"))
  @Callback(
      name = "taskEvent",
      callbackUrlExpression = "{$request.body#/config/url}",
      operation =
          @Operation(
              method = "post",
              summary = "One event of a subscribed task: at least once, in order per task (docs/api.md, Webhooks)",
              requestBody =
                  @io.swagger.v3.oas.annotations.parameters.RequestBody(
                      content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = TaskEventData.class))),
              parameters = {
                @Parameter(in = ParameterIn.HEADER, name = WebhookSender.EVENT_ID, description = "the event's ID (as eventId)",
                    schema = @Schema(type = "integer", format = "int64")),
                @Parameter(in = ParameterIn.HEADER, name = WebhookSender.DELIVERY_ID, description = "the delivery (the same on every attempt)",
                    schema = @Schema(type = "integer", format = "int64")),
                @Parameter(in = ParameterIn.HEADER, name = WebhookSender.DELIVERY_ATTEMPT, description = "1 for the first send",
                    schema = @Schema(type = "integer", format = "int32"))
              },
              responses = @ApiResponse(responseCode = "200", description = "any 2xx: delivered; anything else is tried again with backoff")))
  @PostMapping(path = "/v1/triggers/tasks", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Void> register(@RequestBody TriggerRequest request) {
    if (!request.unknown().isEmpty()) {
      String field = request.unknown().keySet().iterator().next();
      throw ApiException.invalid(field, "additionalProperties", "is not a property of a trigger; only config is");
    }
    Subscription created = triggers.register(request.config(), Caller.current());
    // absolute: Power Automate deletes the trigger by calling DELETE on exactly this URL
    var location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(created.id()).toUri();
    // no body: the connector file's 201 has no schema; operators read the trigger at Location
    return ResponseEntity.created(location).build();
  }

  @Operation(
      operationId = "DeleteTaskEventsTrigger",
      summary = "Deletes a trigger",
      responses = @ApiResponse(responseCode = "204", description = "Deleted, with what it had not delivered yet"))
  @ProblemResponse(status = 404, description = "no such trigger (or deleted before)")
  @DeleteMapping("/v1/triggers/tasks/{triggerId}")
  ResponseEntity<Void> delete(@PathVariable String triggerId) {
    triggers.delete(triggerId);
    return ResponseEntity.noContent().build();
  }

  @Operation(operationId = "ListTaskTriggers", summary = "List the registered task triggers (operators)")
  @GetMapping("/v1/triggers/tasks")
  List<TriggerView> list() {
    return triggers.all().stream().map(TriggerView::of).toList();
  }

  @Operation(operationId = "GetTaskTrigger", summary = "Read one task trigger (operators)")
  @ProblemResponse(status = 404, description = "no such trigger")
  @GetMapping("/v1/triggers/tasks/{triggerId}")
  TriggerView get(@PathVariable String triggerId) {
    return TriggerView.of(triggers.get(triggerId));
  }
}
