package dev.cumulus.reports;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A task_event row as the feed reads it. */
record FedEvent(
    long id, String taskId, String event, String state, Instant at, String actor, Map<String, String> detail, String service,
    String user) {

  /** The agents named in the detail's userUpn (a Broadcast round names several), else the event's user. */
  List<String> users() {
    String named = detail.get("userUpn");
    if (named != null && !named.isBlank()) {
      return List.of(named.split(","));
    }
    return user == null ? List.of() : List.of(user);
  }
}
