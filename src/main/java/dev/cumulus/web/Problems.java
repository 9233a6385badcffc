package dev.cumulus.web;

/** Stable problem type URIs (RFC 9457); the README lists them. */
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
}
