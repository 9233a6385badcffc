package dev.cumulus.reports;

/** Whose figures a report shows: each service's, each agent's (over their services), or each agent's per service. */
public enum Grouping {
  service,
  agent,
  serviceAgent
}
