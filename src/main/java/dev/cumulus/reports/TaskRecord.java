package dev.cumulus.reports;

import java.time.Instant;

/**
 * A task as the history tells it (docs/reports.md, "Task history"): where it ended up, who had it,
 * its moments, and its waiting, handling and after-work time in seconds.
 */
public record TaskRecord(
    String taskId,
    String serviceUpn,
    String agentUpn,
    String customerIdentifier,
    String state,
    String outcome,
    String cancelledBy,
    Instant createdAt,
    Instant firstQueuedAt,
    Instant firstOfferedAt,
    Instant acceptedAt,
    Instant handledAt,
    Instant endedAt,
    int offers,
    int declines,
    int ronas,
    int transfers,
    Double waitingSeconds,
    Double handlingSeconds,
    Double afterWorkSeconds) {

  static TaskRecord of(TaskFact f) {
    return new TaskRecord(
        f.taskId, f.service, f.agent, f.customerIdentifier, f.state, f.outcome, f.cancelledBy, f.createdAt, f.firstQueuedAt,
        f.firstOfferedAt, f.acceptedAt, f.handledAt, f.endedAt, f.offers, f.declines, f.ronas, f.transfers, seconds(f.waitMillis),
        seconds(f.handleMillis), seconds(f.afterWorkMillis));
  }

  private static Double seconds(Long millis) {
    return millis == null ? null : millis / 1000.0;
  }
}
