package dev.cumulus.web;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** A request that Cumulus refuses, answered as application/problem+json. Rolls back the transaction. */
public class ApiException extends RuntimeException {

  private final HttpStatus status;
  private final String type;
  private final String title;
  private final List<FieldError> errors;
  private final HttpHeaders headers;

  /** The field (a JSON path such as {@code preferredUsers[2].upn}), the rule it broke, and why. */
  public record FieldError(String field, String rule, String message) {}

  public ApiException(
      HttpStatus status, String type, String title, String detail, List<FieldError> errors, HttpHeaders headers) {
    super(detail);
    this.status = status;
    this.type = type;
    this.title = title;
    this.errors = errors == null ? List.of() : errors;
    this.headers = headers == null ? new HttpHeaders() : headers;
  }

  public static ApiException invalid(String field, String rule, String message) {
    return new ApiException(
        HttpStatus.BAD_REQUEST,
        Problems.INVALID_REQUEST,
        "Invalid request",
        field + ": " + message,
        List.of(new FieldError(field, rule, message)),
        null);
  }

  public static ApiException notFound(String what, String id) {
    return new ApiException(
        HttpStatus.NOT_FOUND, Problems.NOT_FOUND, what + " not found", what + " '" + id + "' does not exist", null, null);
  }

  public static ApiException wrongState(String detail) {
    return new ApiException(HttpStatus.CONFLICT, Problems.WRONG_STATE, "Not possible in this state", detail, null, null);
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden", detail, null, null);
  }

  public static ApiException tooMany(String detail, long retryAfterSeconds) {
    var headers = new HttpHeaders();
    headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
    return new ApiException(HttpStatus.TOO_MANY_REQUESTS, Problems.FAIR_USE, "Fair-use limit reached", detail, null, headers);
  }

  public static ApiException unprocessable(String type, String title, String field, String rule, String message) {
    return new ApiException(
        HttpStatus.UNPROCESSABLE_ENTITY, type, title, message, List.of(new FieldError(field, rule, message)), null);
  }

  public HttpStatus status() {
    return status;
  }

  public URI type() {
    return URI.create(type);
  }

  public String title() {
    return title;
  }

  public List<FieldError> errors() {
    return errors;
  }

  public HttpHeaders headers() {
    return headers;
  }

  public Map<String, Object> properties() {
    return errors.isEmpty() ? Map.of() : Map.of("errors", errors);
  }
}
