package dev.cumulus.web;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error of our API as application/problem+json: a stable {@code type}, a {@code title}, a
 * {@code detail} that names the field, {@code errors} with field and rule, and the path in
 * {@code instance}.
 */
// no basePackages: a wrong method, media type or Accept is found before any handler is chosen
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);
  private static final java.util.regex.Pattern DUPLICATE = java.util.regex.Pattern.compile("Duplicate field '([^']*)'");

  @ExceptionHandler(ApiException.class)
  ResponseEntity<Object> api(ApiException e, HttpServletRequest request) {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    body.setType(e.type());
    body.setTitle(e.title());
    body.setInstance(URI.create(request.getRequestURI()));
    e.properties().forEach(body::setProperty);
    return respond(body, e.headers());
  }

  @ExceptionHandler(ConstraintViolationException.class)
  ResponseEntity<Object> violations(ConstraintViolationException e, HttpServletRequest request) {
    var errors =
        e.getConstraintViolations().stream()
            .map(
                v ->
                    new ApiException.FieldError(
                        lastPathPart(v.getPropertyPath().toString()),
                        v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName(),
                        v.getMessage()))
            .toList();
    return api(invalid(errors), request);
  }

  @ExceptionHandler({CannotAcquireLockException.class, PessimisticLockingFailureException.class})
  ResponseEntity<Object> busy(RuntimeException e, HttpServletRequest request) {
    log.warn("lock not acquired for {}: {}", request.getRequestURI(), e.getMessage());
    var headers = new HttpHeaders();
    headers.set(HttpHeaders.RETRY_AFTER, "1");
    return api(
        new ApiException(
            HttpStatus.SERVICE_UNAVAILABLE, Problems.CONFLICT, "Busy, try again", "the task is being changed by another request", null, headers),
        request);
  }

  @ExceptionHandler(dev.cumulus.externaltask.ConcurrentChangeException.class)
  ResponseEntity<Object> concurrent(RuntimeException e, HttpServletRequest request) {
    log.info("concurrent change on {}: {}", request.getRequestURI(), e.getMessage());
    return api(new ApiException(HttpStatus.CONFLICT, Problems.CONFLICT, "Changed meanwhile", e.getMessage(), null, null), request);
  }

  /** The diagram is wrong, not the request: 500, but saying which element and input to fix. */
  @ExceptionHandler(dev.cumulus.externaltask.WorkflowStepException.class)
  ResponseEntity<Object> workflowStep(RuntimeException e, HttpServletRequest request) {
    log.error("workflow step failed on {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
    return api(
        new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, Problems.WORKFLOW_STEP, "Workflow step failed",
            e.getMessage() + "; nothing was changed: fix the workflow diagram", null, null),
        request);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
    log.error("unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "an unexpected error; nothing was changed");
    body.setType(URI.create(Problems.INTERNAL));
    body.setTitle("Internal error");
    body.setInstance(URI.create(request.getRequestURI()));
    return respond(body, new HttpHeaders());
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    var errors =
        e.getBindingResult().getFieldErrors().stream()
            .map(f -> new ApiException.FieldError(f.getField(), f.getCode(), f.getDefaultMessage()))
            .toList();
    return api(invalid(errors), ((ServletWebRequest) request).getRequest());
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    var errors =
        e.getParameterValidationResults().stream()
            .flatMap(
                r ->
                    r.getResolvableErrors().stream()
                        .map(
                            err ->
                                new ApiException.FieldError(
                                    r.getMethodParameter().getParameterName(),
                                    err.getCodes() == null ? "invalid" : lastPathPart(err.getCodes()[err.getCodes().length - 1]),
                                    err.getDefaultMessage())))
            .toList();
    return api(invalid(errors), ((ServletWebRequest) request).getRequest());
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    return api(unreadable(e.getCause(), e.getMessage()), ((ServletWebRequest) request).getRequest());
  }

  /**
   * The 400 for a body that Jackson could not read: the field and rule of the cause (a NUL, a key
   * given twice, trailing tokens, a wrong type), else "not JSON". Public for callers that read parts
   * of a body themselves, such as the items of a bulk create.
   */
  public static ApiException unreadable(Throwable cause, String message) {
    ApiException problem;
    if (cause instanceof StrictJson.NulCharacter nul && !nul.getPath().isEmpty()) {
      problem = ApiException.invalid(path(nul.getPath()), "noNul", nul.getOriginalMessage());
    } else if (cause instanceof StreamReadException r && r.getOriginalMessage() != null
        && DUPLICATE.matcher(r.getOriginalMessage()).find()) {
      var m = DUPLICATE.matcher(r.getOriginalMessage());
      m.find();
      problem = ApiException.invalid(m.group(1), "duplicateKey", "is given twice");
    } else if (cause instanceof MismatchedInputException m && m.getPath().isEmpty()
        && m.getOriginalMessage() != null && m.getOriginalMessage().startsWith("Trailing token")) {
      problem = ApiException.invalid("body", "singleValue", "must be exactly one JSON value, with nothing after it");
    } else if (cause instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      String field = path(m.getPath());
      String rule = m instanceof InvalidFormatException || m instanceof MismatchedInputException ? "type" : "format";
      String expected =
          m instanceof MismatchedInputException mi && mi.getTargetType() != null
              ? "must be " + describe(mi.getTargetType())
              : "has the wrong format";
      problem = ApiException.invalid(field, rule, expected);
    } else if (cause == null || message != null && message.contains("Required request body")) {
      problem = ApiException.invalid("body", "required", "a JSON body is required");
    } else {
      problem = ApiException.invalid("body", "json", "the body is not well-formed JSON");
    }
    return problem;
  }

  @Override
  protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
      HttpMediaTypeNotSupportedException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    return api(
        new ApiException(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            Problems.UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
            "Content-Type must be one of " + e.getSupportedMediaTypes(),
            List.of(new ApiException.FieldError("Content-Type", "supported", "must be one of " + e.getSupportedMediaTypes())),
            null),
        ((ServletWebRequest) request).getRequest());
  }

  @Override
  protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(
      HttpMediaTypeNotAcceptableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String message = "must accept one of " + (e.getSupportedMediaTypes().isEmpty() ? "[application/json]" : e.getSupportedMediaTypes());
    return api(
        new ApiException(HttpStatus.NOT_ACCEPTABLE, Problems.INVALID_REQUEST, "Not acceptable", "Accept: " + message + "; nothing was changed",
            List.of(new ApiException.FieldError("Accept", "acceptable", message)), null),
        ((ServletWebRequest) request).getRequest());
  }

  @Override
  protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(
      HttpRequestMethodNotSupportedException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    return api(
        new ApiException(
            HttpStatus.METHOD_NOT_ALLOWED, Problems.METHOD_NOT_ALLOWED, "Method not allowed", e.getMessage(), null, null),
        ((ServletWebRequest) request).getRequest());
  }

  @Override
  protected ResponseEntity<Object> handleNoResourceFoundException(
      NoResourceFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    return api(
        new ApiException(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found", "no such resource", null, null),
        ((ServletWebRequest) request).getRequest());
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    String expected = e.getRequiredType() == null ? "a valid value" : describe(e.getRequiredType());
    return api(ApiException.invalid(e.getName(), "type", "must be " + expected), request);
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ProblemDetail problem =
        body instanceof ProblemDetail p ? p : ProblemDetail.forStatusAndDetail(status, e.getMessage());
    if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
      problem.setType(URI.create(status.is4xxClientError() ? Problems.INVALID_REQUEST : Problems.INTERNAL));
    }
    if (request instanceof ServletWebRequest s) {
      problem.setInstance(URI.create(s.getRequest().getRequestURI()));
    }
    return respond(problem, headers);
  }

  private static ApiException invalid(List<ApiException.FieldError> errors) {
    String detail =
        errors.stream().map(f -> f.field() + ": " + f.message()).sorted().collect(Collectors.joining("; "));
    return new ApiException(HttpStatus.BAD_REQUEST, Problems.INVALID_REQUEST, "Invalid request", detail, errors, null);
  }

  private static ResponseEntity<Object> respond(ProblemDetail body, HttpHeaders headers) {
    return ResponseEntity.status(body.getStatus())
        .headers(headers)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(body);
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    var sb = new StringBuilder();
    for (var ref : refs) {
      if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      } else if (ref.getFieldName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      }
    }
    return sb.toString();
  }

  private static String describe(Class<?> type) {
    if (type.isEnum()) {
      return "one of " + java.util.Arrays.toString(type.getEnumConstants());
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
      return "an RFC 3339 date-time such as 2026-01-31T17:00:00Z";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (type == String.class) {
      return "a string";
    }
    return "an object";
  }

  private static String lastPathPart(String path) {
    // "create.request.preferredUsers[1].upn" -> drop the method and parameter names
    String[] parts = path.split("\\.", 3);
    return parts.length == 3 ? parts[2] : path;
  }
}
