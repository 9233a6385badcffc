package dev.cumulus.reports;

import java.util.ArrayList;
import java.util.List;

/** The columns of the CSV exports: the JSON fields, durations flattened (waitingP90 for waiting.p90). */
final class CsvLayouts {

  private CsvLayouts() {}

  private static final List<String> DURATION_FIELDS = List.of("Count", "Mean", "P50", "P90", "P99", "Max");

  static List<String> intervalHeader() {
    var h = new ArrayList<>(List.of(
        "start", "end", "serviceUpn", "agentUpn", "created", "offered", "accepted", "acceptedWithinTarget", "declined", "rona",
        "broadcastRounds", "broadcastUnanswered", "completed", "cancelled", "cancelledByFlow", "cancelledBySupervisor",
        "cancelledByWorkflow", "cancelledBySystem", "expired", "abandoned", "transferredIn", "transferredOut",
        "serviceLevelTargetSeconds", "serviceLevel", "abandonmentRate", "acceptanceRate"));
    for (String d : List.of("waiting", "handling", "afterWork")) {
      DURATION_FIELDS.forEach(f -> h.add(d + f));
    }
    h.addAll(List.of("availableSeconds", "busySeconds", "awaySeconds"));
    return h;
  }

  static List<Object> interval(ReportRow r) {
    var v = new ArrayList<Object>(List.of(r.start().toString(), r.end().toString()));
    v.add(r.serviceUpn());
    v.add(r.agentUpn());
    v.addAll(List.of(
        r.created(), r.offered(), r.accepted(), r.acceptedWithinTarget(), r.declined(), r.rona(), r.broadcastRounds(),
        r.broadcastUnanswered(), r.completed(), r.cancelled(), r.cancelledByFlow(), r.cancelledBySupervisor(), r.cancelledByWorkflow(),
        r.cancelledBySystem(), r.expired(), r.abandoned(), r.transferredIn(), r.transferredOut()));
    v.add(r.serviceLevelTargetSeconds());
    v.add(r.serviceLevel());
    v.add(r.abandonmentRate());
    v.add(r.acceptanceRate());
    for (DurationFigures d : List.of(r.waiting(), r.handling(), r.afterWork())) {
      v.add(d.count());
      v.add(d.mean());
      v.add(d.p50());
      v.add(d.p90());
      v.add(d.p99());
      v.add(d.max());
    }
    v.add(r.availableSeconds());
    v.add(r.busySeconds());
    v.add(r.awaySeconds());
    return v;
  }

  static List<String> taskHeader() {
    return List.of(
        "taskId", "serviceUpn", "agentUpn", "customerIdentifier", "state", "outcome", "cancelledBy", "createdAt", "firstQueuedAt",
        "firstOfferedAt", "acceptedAt", "handledAt", "endedAt", "offers", "declines", "ronas", "transfers", "waitingSeconds",
        "handlingSeconds", "afterWorkSeconds");
  }

  static List<Object> task(TaskRecord t) {
    var v = new ArrayList<Object>();
    v.add(t.taskId());
    v.add(t.serviceUpn());
    v.add(t.agentUpn());
    v.add(t.customerIdentifier());
    v.add(t.state());
    v.add(t.outcome());
    v.add(t.cancelledBy());
    for (var at : new Object[] {t.createdAt(), t.firstQueuedAt(), t.firstOfferedAt(), t.acceptedAt(), t.handledAt(), t.endedAt()}) {
      v.add(at == null ? null : at.toString());
    }
    v.add(t.offers());
    v.add(t.declines());
    v.add(t.ronas());
    v.add(t.transfers());
    v.add(t.waitingSeconds());
    v.add(t.handlingSeconds());
    v.add(t.afterWorkSeconds());
    return v;
  }
}
