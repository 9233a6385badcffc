package dev.cumulus.reports;

/**
 * The counted figures of an interval, each a column of report_interval (docs/reports.md defines each
 * with the events it counts). The presence figures are milliseconds.
 */
enum Count {
  created,
  offered,
  accepted,
  acceptedInTarget("accepted_in_target"),
  declined,
  rona,
  broadcastRounds("broadcast_rounds"),
  broadcastUnanswered("broadcast_unanswered"),
  completed,
  cancelledByFlow("cancelled_flow"),
  cancelledBySupervisor("cancelled_supervisor"),
  cancelledByWorkflow("cancelled_workflow"),
  cancelledBySystem("cancelled_system"),
  expired,
  abandoned,
  transferredIn("transferred_in"),
  transferredOut("transferred_out"),
  availableMillis("available_ms"),
  busyMillis("busy_ms"),
  awayMillis("away_ms");

  final String column;

  Count() {
    this.column = name();
  }

  Count(String column) {
    this.column = column;
  }
}
