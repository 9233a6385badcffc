package dev.cumulus.console;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.cumulus.lifecycle.ExternalTaskView;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Everything the supervisor dashboard shows: the services the viewer may see, each live.
 *
 * @param viewer the logged-in person's UPN
 * @param viewerDisplayName their display name from the user directory (the UPN where they have none)
 * @param reportZone the time zone of "today" (the reports' zone, cumulus.reports.zone)
 */
record DashboardSnapshot(
    OffsetDateTime serverTime, String viewer, String viewerDisplayName, String reportZone, List<ServiceBoard> services) {

  /** @param serviceLevelSeconds the service's service-level target (its setting): accepted within it counts as within target */
  record ServiceBoard(
      String serviceUpn,
      String displayName,
      String distributionType,
      int ronaTimeoutSeconds,
      int serviceLevelSeconds,
      Kpis kpis,
      List<QueuedTask> tasks,
      List<AgentRow> agents) {}

  /**
   * Counts for today (the day in the reports' zone): the live ones from task rows and task events, the
   * service level from the reports' figures of today (docs/reports.md, "serviceLevel"), which follow
   * the events by about a second.
   *
   * @param waitingNow tasks that wait for an agent (Queued or Offered)
   * @param longestWaitSeconds how long the oldest of them has waited since it was first queued
   * @param handledToday tasks completed with outcome Handled today
   * @param offeredToday offers made today (Offered events; a broadcast round counts once)
   * @param acceptedToday tasks accepted today (Accepted events, pick-ups included)
   * @param acceptedWithinTarget the reports' acceptedWithinTarget today
   * @param abandonedToday the reports' abandoned today (ended before anyone accepted them)
   * @param withinTargetPercent the reports' serviceLevel today as a percentage, rounded:
   *     acceptedWithinTarget / (accepted + abandoned); null when there are none
   */
  record Kpis(
      long waitingNow,
      Long longestWaitSeconds,
      long inProgress,
      long handledToday,
      long offeredToday,
      long acceptedToday,
      long acceptedWithinTarget,
      long abandonedToday,
      Integer withinTargetPercent) {}

  /** An open task of the service, with a link to its process instance in Cockpit. */
  record QueuedTask(@JsonUnwrapped ExternalTaskView task, String cockpitUrl) {}

  /** A member of the service; {@code presenceReason} is {@code missedOffer} while Cumulus holds them Away. */
  record AgentRow(
      String upn, String displayName, String presence, String presenceReason, boolean onDuty, int capacity, int activeTasks,
      List<HeldTask> tasks) {}

  record HeldTask(String id, String title, String state, String serviceUpn) {}
}
