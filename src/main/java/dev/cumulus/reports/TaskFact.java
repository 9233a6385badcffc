package dev.cumulus.reports;

import java.time.Instant;

/**
 * A task's row of the task history (report_task), or what a batch of its events adds to it. Merging
 * is independent of order: earliest moments stay earliest, counts add up, and state, outcome and
 * service follow the event with the highest id.
 */
final class TaskFact {

  final String taskId;
  String service;
  String agent;
  String customerIdentifier;
  String state;
  String outcome;
  String cancelledBy;
  Instant createdAt;
  Instant firstQueuedAt;
  Instant firstOfferedAt;
  Instant acceptedAt;
  Instant handledAt;
  Instant endedAt;
  int offers;
  int declines;
  int ronas;
  int transfers;
  Long waitMillis;
  Long handleMillis;
  Long afterWorkMillis;
  long lastEventId = -1;

  TaskFact(String taskId) {
    this.taskId = taskId;
  }

  /** The event with this id left the task in this state, in this service. */
  void seen(long eventId, String state, String service) {
    if (eventId > lastEventId) {
      lastEventId = eventId;
      this.state = state;
      this.service = service;
    }
  }

  void merge(TaskFact other) {
    if (other.lastEventId > lastEventId) {
      lastEventId = other.lastEventId;
      state = other.state;
      service = other.service;
    }
    agent = other.agent != null ? other.agent : agent;
    customerIdentifier = other.customerIdentifier != null ? other.customerIdentifier : customerIdentifier;
    outcome = other.outcome != null ? other.outcome : outcome;
    cancelledBy = other.cancelledBy != null ? other.cancelledBy : cancelledBy;
    createdAt = earliest(createdAt, other.createdAt);
    firstQueuedAt = earliest(firstQueuedAt, other.firstQueuedAt);
    firstOfferedAt = earliest(firstOfferedAt, other.firstOfferedAt);
    acceptedAt = other.acceptedAt != null ? other.acceptedAt : acceptedAt;
    handledAt = other.handledAt != null ? other.handledAt : handledAt;
    endedAt = other.endedAt != null ? other.endedAt : endedAt;
    offers += other.offers;
    declines += other.declines;
    ronas += other.ronas;
    transfers += other.transfers;
    waitMillis = other.waitMillis != null ? other.waitMillis : waitMillis;
    handleMillis = other.handleMillis != null ? other.handleMillis : handleMillis;
    afterWorkMillis = other.afterWorkMillis != null ? other.afterWorkMillis : afterWorkMillis;
  }

  static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }
}
