package dev.cumulus.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/** Stable problem type URIs (RFC 9457); docs/api.md, "Errors", lists them. */
public final class Problems {

  public static final String INVALID_REQUEST = "urn:cumulus:problem:invalid-request";
  public static final String NOT_FOUND = "urn:cumulus:problem:not-found";
  public static final String WRONG_STATE = "urn:cumulus:problem:wrong-state";
  public static final String FORBIDDEN = "urn:cumulus:problem:forbidden";
  public static final String UNAUTHORIZED = "urn:cumulus:problem:unauthorized";
  public static final String FAIR_USE = "urn:cumulus:problem:fair-use-limit";
  public static final String IDEMPOTENCY_MISMATCH = "urn:cumulus:problem:idempotency-key-reused";
  public static final String UNSUPPORTED_MEDIA_TYPE = "urn:cumulus:problem:unsupported-media-type";
  public static final String METHOD_NOT_ALLOWED = "urn:cumulus:problem:method-not-allowed";
  public static final String CONFLICT = "urn:cumulus:problem:conflict";
  public static final String WORKFLOW_STEP = "urn:cumulus:problem:workflow-step-failed";
  public static final String INTERNAL = "urn:cumulus:problem:internal";

  private Problems() {}

  /** Writes a problem outside Spring MVC (filters, the error page), like {@code ProblemAdvice} does. */
  public static void write(
      HttpServletRequest request, HttpServletResponse response, HttpStatus status, String type, String title, String detail,
      List<ApiException.FieldError> errors, ObjectMapper mapper) throws IOException {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
    body.setType(URI.create(type));
    body.setTitle(title);
    body.setInstance(URI.create(request.getRequestURI()));
    if (!errors.isEmpty()) {
      body.setProperty("errors", errors);
    }
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    mapper.writeValue(response.getOutputStream(), body);
  }

  /** The stable type of an error status without a more precise cause. */
  public static String typeOf(int status) {
    return switch (status) {
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 409 -> CONFLICT;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 429 -> FAIR_USE;
      default -> status >= 500 ? INTERNAL : INVALID_REQUEST;
    };
  }
}
