package dev.cumulus.openapi;

import dev.cumulus.directory.Presence;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.Outcome;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.web.ApiAccess;
import dev.cumulus.web.ProblemResponse;
import dev.cumulus.web.Problems;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document at /v3/api-docs, made complete enough that a generated client works: the two
 * ways in as security schemes, every error as an {@code application/problem+json} {@link #PROBLEM}
 * (what web.ProblemAdvice and {@link Problems#write} really send), and the enums that records
 * carry as strings (strict JSON reads them so, see web.StrictJson) declared as enums.
 *
 * <p>What is true of every operation is added here: 401 and 403 (every {@code /v1} operation needs a
 * caller and checks their role or scope), and 400 wherever the operation takes input (a body, a query
 * or header parameter). What depends on the operation (404 for what its path names, 409, 422, 429) is
 * declared on the handler with {@link ProblemResponse} (status and why); this class gives each of those
 * its problem body, example and, for 429, the {@code Retry-After} header. Operations
 * that flows cannot use (admins' and agents' own) say so with {@code @SecurityRequirement(name = ApiAccess.PEOPLE)}.
 * This class and the controllers' annotations are the only places that import springdoc or Swagger.
 */
@Configuration
public class OpenApiContract {

  static {
    // every enum a named schema (UserRole, DistributionType, ...): generated clients share one type per
    // enum, and openapi-generator's Java client miscompiles inline enums in arrays
    ModelResolver.enumsAsRef = true;
  }

  private static final String PEOPLE = ApiAccess.PEOPLE;
  private static final String FLOWS = ApiAccess.FLOWS;

  static final String PROBLEM = "Problem";
  static final String FIELD_ERROR = "FieldError";

  // records whose enum-valued properties are strings in Java; "Schema.property", "[]" for array items
  private static final Map<String, Class<? extends Enum<?>>> ENUM_PROPERTIES =
      Map.ofEntries(
          Map.entry("AddExternalTaskRequest.distributionPriority", DistributionPriority.class),
          Map.entry("ExternalTaskView.state", TaskState.class),
          Map.entry("ExternalTaskView.distributionPriority", DistributionPriority.class),
          Map.entry("ExternalTaskView.outcome", Outcome.class),
          Map.entry("Event.event", TaskEventType.class),
          Map.entry("Event.state", TaskState.class),
          Map.entry("UserView.presence", Presence.class),
          Map.entry("TriggerConfig.taskEvents[]", TaskEventType.class),
          Map.entry("TriggerView.taskEvents[]", TaskEventType.class),
          Map.entry("TaskEventData.event", TaskEventType.class),
          Map.entry("TaskEventData.state", TaskState.class));

  // query parameters that take an enum's names: "path?parameter"
  private static final Map<String, Class<? extends Enum<?>>> ENUM_PARAMETERS = Map.of("/v1/ExternalTasks?state", TaskState.class);

  // the path variables of the examples' instance
  private static final Map<String, String> SAMPLE_PATH_VALUES =
      Map.of(
          "id", "6f1c2a4e-9b1d-4c1e-8f0a-2d3b4c5d6e7f",
          "externalTaskId", "6f1c2a4e-9b1d-4c1e-8f0a-2d3b4c5d6e7f",
          "taskId", "6f1c2a4e-9b1d-4c1e-8f0a-2d3b4c5d6e7f",
          "triggerId", "0b7d9c3e-5a41-4f2e-9d8c-1e2f3a4b5c6d",
          "upn", "bob@contoso.com",
          "serviceUpn", "support@contoso.com",
          "key", "ExternalTaskProcess");

  @Bean
  OpenAPI cumulusOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Cumulus")
                .version("v1")
                .description(
                    "Distributes external tasks to the agents of a contact center. Errors are application/problem+json "
                        + "(RFC 9457) with a stable type; docs/api.md describes every operation, error and limit."))
        // relative: the document is the same whichever host or port serves it (and is committed for client generation)
        .servers(List.of(new Server().url("/").description("the server that serves this document")))
        .components(
            new Components()
                .addSecuritySchemes(
                    PEOPLE,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("basic")
                        .description("People (agents, supervisors, admins): user name (UPN) and password of their Camunda identity"))
                .addSecuritySchemes(
                    FLOWS,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.HEADER)
                        .name(ApiAccess.API_KEY_HEADER)
                        .description("Flows (Power Automate): one of the keys in cumulus.security.api-keys")))
        // either way in; an operation open to people only names PEOPLE itself
        .addSecurityItem(new SecurityRequirement().addList(PEOPLE))
        .addSecurityItem(new SecurityRequirement().addList(FLOWS));
  }

  /** The problem answers a handler declares with {@link ProblemResponse}; their bodies come in {@link #problemsAndEnums}. */
  @Bean
  OperationCustomizer declaredProblems() {
    return (operation, handler) -> {
      for (ProblemResponse declared : handler.getMethod().getAnnotationsByType(ProblemResponse.class)) {
        if (declared.status() < 400 || declared.status() > 499) {
          throw new IllegalStateException(handler + ": @ProblemResponse is for 4xx answers, not " + declared.status());
        }
        operation.getResponses().addApiResponse(Integer.toString(declared.status()), new ApiResponse().description(declared.description()));
      }
      return operation;
    };
  }

  @Bean
  OpenApiCustomizer problemsAndEnums() {
    return openApi -> {
      Components components = openApi.getComponents();
      addProblemSchemas(components);
      addEnumSchemas(components);
      openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
        enumParameters(path, operation);
        problemResponses(path, operation);
      }));
    };
  }

  private static void problemResponses(String path, Operation operation) {
    ApiResponses responses = operation.getResponses();
    boolean takesInput =
        operation.getRequestBody() != null
            || operation.getParameters() != null
                && operation.getParameters().stream().anyMatch(p -> "query".equals(p.getIn()) || "header".equals(p.getIn()));
    var all = new TreeMap<String, ApiResponse>(responses);
    if (takesInput) {
      all.putIfAbsent("400", new ApiResponse().description("the input breaks a rule: each field with its rule in errors"));
    }
    all.putIfAbsent("401", new ApiResponse().description("no credentials, or wrong ones"));
    all.putIfAbsent("403", new ApiResponse().description("the caller's role or scope does not allow it"));
    responses.clear();
    all.forEach((status, response) -> {
      if (status.startsWith("4")) {
        response.setContent(new Content().addMediaType(
            org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
            new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)).example(example(status, response, path))));
        if ("429".equals(status)) {
          response.addHeaderObject("Retry-After", new Header().description("seconds to wait before trying again").schema(new IntegerSchema()));
        }
      }
      responses.addApiResponse(status, response);
    });
  }

  /** What such an answer really looks like (the texts of ApiException and ProblemResponses). */
  private static Map<String, Object> example(String status, ApiResponse response, String path) {
    String instance = path;
    for (var sample : SAMPLE_PATH_VALUES.entrySet()) {
      instance = instance.replace("{" + sample.getKey() + "}", sample.getValue());
    }
    var example = new LinkedHashMap<String, Object>();
    switch (status) {
      case "400" -> {
        describe(example, Problems.INVALID_REQUEST, "Invalid request", "serviceUpn: must not be blank");
        example.put("errors", List.of(Map.of("field", "serviceUpn", "rule", "NotBlank", "message", "must not be blank")));
      }
      case "401" -> describe(example, Problems.UNAUTHORIZED, "Unauthorized", "log in with HTTP Basic or send an X-API-Key");
      case "403" -> describe(example, Problems.FORBIDDEN, "Forbidden", "your role may not do this");
      case "404" -> describe(example, Problems.NOT_FOUND, "Not found", response.getDescription());
      case "409" -> describe(example, Problems.WRONG_STATE, "Not possible in this state", response.getDescription());
      case "422" -> {
        describe(example, Problems.IDEMPOTENCY_MISMATCH, "Idempotency-Key reused", "this key was used with another request body");
        example.put("errors", List.of(Map.of("field", "Idempotency-Key", "rule", "sameBody", "message", "this key was used with another request body")));
      }
      case "429" -> describe(example, Problems.FAIR_USE, "Fair-use limit reached", response.getDescription());
      default -> throw new IllegalStateException("no problem example for status " + status);
    }
    example.put("status", Integer.parseInt(status));
    example.put("instance", instance);
    return example;
  }

  private static void describe(Map<String, Object> example, String type, String title, String detail) {
    example.put("type", type);
    example.put("title", title);
    example.put("detail", detail);
  }

  private static void addProblemSchemas(Components components) {
    components.addSchemas(
        FIELD_ERROR,
        new ObjectSchema()
            .description("One broken rule of one input")
            .addProperty("field", new StringSchema().description("the field, as a JSON path (preferredUsers[2].upn), parameter or header"))
            .addProperty("rule", new StringSchema().description("the rule it broke: required, maxLength, type, oneOf, knownService, ..."))
            .addProperty("message", new StringSchema().description("what the rule wants, in words"))
            .required(List.of("field", "rule", "message")));
    components.addSchemas(
        PROBLEM,
        new ObjectSchema()
            .description("RFC 9457 problem details, as every error of this API is answered")
            .addProperty("type", new StringSchema().format("uri").description("stable, urn:cumulus:problem:..., docs/api.md lists them"))
            .addProperty("title", new StringSchema().description("short, the same for every problem of this type"))
            .addProperty("status", new IntegerSchema().description("the HTTP status"))
            .addProperty("detail", new StringSchema().description("what went wrong, naming the field"))
            .addProperty("instance", new StringSchema().format("uri").description("the request's path"))
            .addProperty("errors", new ArraySchema().items(new Schema<>().$ref("#/components/schemas/" + FIELD_ERROR))
                .description("each broken rule (invalid requests; absent otherwise)"))
            .required(List.of("type", "title", "status")));
  }

  private static void addEnumSchemas(Components components) {
    Map<String, Schema> schemas = components.getSchemas();
    ENUM_PROPERTIES.forEach((where, type) -> {
      String[] parts = where.replace("[]", "").split("\\.");
      Schema<?> owner = schemas.get(parts[0]);
      Schema<?> property = owner == null || owner.getProperties() == null ? null : owner.getProperties().get(parts[1]);
      if (property == null) {
        throw new IllegalStateException("OpenAPI enum for " + where + ": no such schema property (renamed?)");
      }
      components.addSchemas(type.getSimpleName(), enumSchema(type));
      Schema<?> ref = new Schema<>().$ref("#/components/schemas/" + type.getSimpleName());
      if (where.endsWith("[]")) {
        property.setItems(ref);
      } else {
        owner.getProperties().put(parts[1], ref);
      }
    });
  }

  private static void enumParameters(String path, Operation operation) {
    if (operation.getParameters() == null) {
      return;
    }
    for (Parameter parameter : operation.getParameters()) {
      Class<? extends Enum<?>> type = ENUM_PARAMETERS.get(path + "?" + parameter.getName());
      if (type != null && "query".equals(parameter.getIn())) {
        parameter.setSchema(new Schema<>().$ref("#/components/schemas/" + type.getSimpleName()));
      }
    }
  }

  private static Schema<String> enumSchema(Class<? extends Enum<?>> type) {
    var schema = new StringSchema();
    schema.setEnum(new ArrayList<>(Arrays.stream(type.getEnumConstants()).map(Enum::name).toList()));
    return schema;
  }
}
