package dev.cumulus.web;

/**
 * The two ways into the API, by the names the OpenAPI document gives them (its security schemes):
 * people with HTTP Basic, flows with an API key header. Operations open to people only name
 * {@link #PEOPLE} in their {@code @SecurityRequirement}.
 */
public final class ApiAccess {

  /** HTTP Basic with a Camunda identity: agents, supervisors, admins. */
  public static final String PEOPLE = "basicAuth";

  /** An API key in the {@link #API_KEY_HEADER} header: flows (Power Automate). */
  public static final String FLOWS = "apiKey";

  public static final String API_KEY_HEADER = "X-API-Key";

  private ApiAccess() {}
}
