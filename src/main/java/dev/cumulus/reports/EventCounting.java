package dev.cumulus.reports;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one task event adds to the figures (docs/reports.md, "Definitions"): each count goes to the
 * 15-minute interval of the event's own time, in the service the event happened in; each duration to
 * the interval of the event that ends it, measured from the task's moments as all its events tell them.
 * A pure function of the event: the order in which the feed sees events changes nothing.
 */
final class EventCounting {

  private EventCounting() {}

  /** The figures of a batch, by row. */
  interface Rows {
    Tally of(RowKey key);
  }

  static void count(FedEvent e, TaskTimes times, int targetSeconds, Rows rows, TaskFact fact) {
    String service = e.service() == null ? "" : e.service();
    Tally svc = rows.of(RowKey.service(e.at(), service));
    fact.seen(e.id(), e.state(), service);
    switch (e.event()) {
      case "Created" -> {
        svc.add(Count.created);
        fact.createdAt = TaskFact.earliest(fact.createdAt, e.at());
      }
      case "Queued" -> fact.firstQueuedAt = TaskFact.earliest(fact.firstQueuedAt, e.at());
      case "Offered" -> {
        List<String> users = e.users();
        if ("broadcast".equals(e.detail().get("rule"))) {
          svc.add(Count.broadcastRounds);
        }
        for (String user : users) {
          svc.add(Count.offered);
          agentRow(rows, e.at(), service, user).add(Count.offered);
        }
        fact.offers += users.size();
        fact.firstOfferedAt = TaskFact.earliest(fact.firstOfferedAt, e.at());
      }
      case "Accepted" -> {
        String user = e.users().isEmpty() ? e.actor() : e.users().get(0);
        Tally agent = agentRow(rows, e.at(), service, user);
        svc.add(Count.accepted);
        agent.add(Count.accepted);
        fact.acceptedAt = e.at();
        fact.agent = user;
        Instant from = times.waitingFrom();
        if (from != null) {
          long waited = millis(from, e.at());
          svc.measure(Measure.waiting, waited);
          agent.measure(Measure.waiting, waited);
          if (waited <= targetSeconds * 1000L) {
            svc.add(Count.acceptedInTarget);
            agent.add(Count.acceptedInTarget);
          }
          fact.waitMillis = waited;
        }
      }
      case "Declined" -> {
        String user = e.users().isEmpty() ? e.actor() : e.users().get(0);
        svc.add(Count.declined);
        agentRow(rows, e.at(), service, user).add(Count.declined);
        fact.declines++;
      }
      case "Rona" -> {
        if ("true".equals(e.detail().get("broadcast"))) {
          svc.add(Count.broadcastUnanswered);
        } else {
          for (String user : e.users()) {
            svc.add(Count.rona);
            agentRow(rows, e.at(), service, user).add(Count.rona);
          }
        }
        fact.ronas++;
      }
      case "Transferred" -> {
        String from = e.detail().getOrDefault("from", "");
        String to = e.detail().getOrDefault("to", service);
        rows.of(RowKey.service(e.at(), from)).add(Count.transferredOut);
        rows.of(RowKey.service(e.at(), to)).add(Count.transferredIn);
        fact.transfers++;
      }
      case "AfterWorkStarted" -> {
        if (times.accepted() != null) {
          long handled = millis(times.accepted(), e.at());
          svc.measure(Measure.handling, handled);
          agentRow(rows, e.at(), service, times.acceptedBy()).measure(Measure.handling, handled);
          fact.handledAt = e.at();
          fact.handleMillis = handled;
        }
      }
      case "Completed" -> {
        String user = e.users().isEmpty() ? times.acceptedBy() : e.users().get(0);
        Tally agent = agentRow(rows, e.at(), service, user);
        svc.add(Count.completed);
        agent.add(Count.completed);
        if (times.afterWorkStarted() != null) {
          long afterWork = millis(times.afterWorkStarted(), e.at());
          svc.measure(Measure.afterWork, afterWork);
          agent.measure(Measure.afterWork, afterWork);
          fact.afterWorkMillis = afterWork;
        } else if (times.accepted() != null) {
          long handled = millis(times.accepted(), e.at());
          svc.measure(Measure.handling, handled);
          agent.measure(Measure.handling, handled);
          fact.handledAt = e.at();
          fact.handleMillis = handled;
        }
        fact.outcome = "Handled";
        fact.endedAt = e.at();
      }
      case "Cancelled" -> {
        String by = e.detail().getOrDefault("cancelledBy", "system");
        svc.add(switch (by) {
          case "flow" -> Count.cancelledByFlow;
          case "supervisor" -> Count.cancelledBySupervisor;
          case "workflow" -> Count.cancelledByWorkflow;
          default -> Count.cancelledBySystem;
        });
        String outcome = e.detail().getOrDefault("outcome", "Cancelled");
        if ("Cancelled".equals(outcome)) {
          svc.add(Count.abandoned);
        }
        fact.outcome = outcome;
        fact.cancelledBy = by;
        fact.endedAt = e.at();
      }
      case "Expired" -> {
        svc.add(Count.expired);
        svc.add(Count.abandoned);
        fact.outcome = "Expired";
        fact.endedAt = e.at();
      }
      default -> {
        // PriorityChanged, Updated, AfterWorkExtended, Notified, Repaired: not counted
      }
    }
  }

  /**
   * An agent's presence from {@code from} to {@code to}, split over the 15-minute intervals it spans.
   * Offline time is not counted.
   */
  static void presence(String agent, String presence, Instant from, Instant to, Rows rows) {
    Count count = switch (presence) {
      case "Available" -> Count.availableMillis;
      case "Busy" -> Count.busyMillis;
      case "Away" -> Count.awayMillis;
      default -> null;
    };
    if (count == null || !to.isAfter(from)) {
      return;
    }
    Instant start = from;
    while (start.isBefore(to)) {
      Instant bucket = RowKey.bucketOf(start);
      Instant next = bucket.plusMillis(RowKey.BUCKET_MILLIS);
      Instant end = next.isBefore(to) ? next : to;
      rows.of(RowKey.presence(bucket, agent)).add(count, Duration.between(start, end).toMillis());
      start = end;
    }
  }

  /** The agent's row in the service, or a row that is not kept when the agent is unknown (a repaired history). */
  private static Tally agentRow(Rows rows, Instant at, String service, String agent) {
    return agent == null || agent.isEmpty() ? new Tally() : rows.of(RowKey.agent(at, service, agent));
  }

  /** The time between two moments; a negative one (two nodes' clocks apart) counts as zero. */
  static long millis(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toMillis());
  }
}
