package dev.cumulus.reports;

import java.time.OffsetDateTime;

/**
 * One bucket of one service, agent, or agent in a service. Every figure is defined once, in
 * docs/reports.md ("Definitions"); rates are shares from 0 to 1, null when their base is zero.
 */
public record ReportRow(
    OffsetDateTime start,
    OffsetDateTime end,
    String serviceUpn,
    String agentUpn,
    long created,
    long offered,
    long accepted,
    long acceptedWithinTarget,
    long declined,
    long rona,
    long broadcastRounds,
    long broadcastUnanswered,
    long completed,
    long cancelled,
    long cancelledByFlow,
    long cancelledBySupervisor,
    long cancelledByWorkflow,
    long cancelledBySystem,
    long expired,
    long abandoned,
    long transferredIn,
    long transferredOut,
    Integer serviceLevelTargetSeconds,
    Double serviceLevel,
    Double abandonmentRate,
    Double acceptanceRate,
    DurationFigures waiting,
    DurationFigures handling,
    DurationFigures afterWork,
    Double availableSeconds,
    Double busySeconds,
    Double awaySeconds) {

  static ReportRow of(OffsetDateTime start, OffsetDateTime end, String service, String agent, Tally t, Integer target) {
    long cancelled =
        t.get(Count.cancelledByFlow) + t.get(Count.cancelledBySupervisor) + t.get(Count.cancelledByWorkflow) + t.get(Count.cancelledBySystem);
    long waitEnded = t.get(Count.accepted) + t.get(Count.abandoned);
    boolean agentRow = agent != null;
    return new ReportRow(
        start,
        end,
        service,
        agent,
        t.get(Count.created),
        t.get(Count.offered),
        t.get(Count.accepted),
        t.get(Count.acceptedInTarget),
        t.get(Count.declined),
        t.get(Count.rona),
        t.get(Count.broadcastRounds),
        t.get(Count.broadcastUnanswered),
        t.get(Count.completed),
        cancelled,
        t.get(Count.cancelledByFlow),
        t.get(Count.cancelledBySupervisor),
        t.get(Count.cancelledByWorkflow),
        t.get(Count.cancelledBySystem),
        t.get(Count.expired),
        t.get(Count.abandoned),
        t.get(Count.transferredIn),
        t.get(Count.transferredOut),
        target,
        agentRow ? null : share(t.get(Count.acceptedInTarget), waitEnded),
        agentRow ? null : share(t.get(Count.abandoned), waitEnded),
        share(t.get(Count.accepted), t.get(Count.offered)),
        DurationFigures.of(t.get(Measure.waiting)),
        DurationFigures.of(t.get(Measure.handling)),
        DurationFigures.of(t.get(Measure.afterWork)),
        agentRow ? t.get(Count.availableMillis) / 1000.0 : null,
        agentRow ? t.get(Count.busyMillis) / 1000.0 : null,
        agentRow ? t.get(Count.awayMillis) / 1000.0 : null);
  }

  private static Double share(long part, long whole) {
    return whole == 0 ? null : (double) part / whole;
  }
}
