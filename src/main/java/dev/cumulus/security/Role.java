package dev.cumulus.security;

/** What a caller may do. People get roles from their Camunda groups; flows from their API key. */
public enum Role {
  /** Members of camunda-admin: everything. */
  ADMIN,
  /** Members of cumulus-supervisors: watch and steer the tasks of the services they supervise (ServiceSupervisors). */
  SUPERVISOR,
  /** Members of cumulus-agents: handle the tasks offered to them. */
  AGENT,
  /** A flow (Power Automate) calling with an API key. */
  FLOW;

  public String authority() {
    return "ROLE_" + name();
  }
}
