package dev.cumulus.reports;

import java.time.Instant;

/**
 * The moments of a task that its later events are measured from, read from all its stored events
 * (whether the feed has counted them yet or not): so a figure does not depend on the order in which
 * the feed sees the events.
 */
record TaskTimes(Instant created, Instant firstQueued, Instant accepted, String acceptedBy, Instant afterWorkStarted) {

  static final TaskTimes NONE = new TaskTimes(null, null, null, null, null);

  /** Waiting starts when the task was first queued (or created, when it never was). */
  Instant waitingFrom() {
    return firstQueued != null ? firstQueued : created;
  }

  TaskTimes with(String event, Instant at, String user) {
    return switch (event) {
      case "Created" -> new TaskTimes(earliest(created, at), firstQueued, accepted, acceptedBy, afterWorkStarted);
      case "Queued" -> new TaskTimes(created, earliest(firstQueued, at), accepted, acceptedBy, afterWorkStarted);
      case "Accepted" -> new TaskTimes(created, firstQueued, at, user, afterWorkStarted);
      case "AfterWorkStarted" -> new TaskTimes(created, firstQueued, accepted, acceptedBy, at);
      default -> this;
    };
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }
}
