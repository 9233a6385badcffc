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
 */
record DashboardSnapshot(
    OffsetDateTime serverTime, String viewer, String viewerDisplayName, long serviceLevelTargetSeconds, List<ServiceBoard> services) {

  record ServiceBoard(
      String serviceUpn,
      String displayName,
      String distributionType,
      int ronaTimeoutSeconds,
      Kpis kpis,
      List<QueuedTask> tasks,
      List<AgentRow> agents) {}

  /**
   * Counts for today (UTC) from task rows and task events.
   *
   * @param waitingNow tasks that wait for an agent (Queued or Offered)
   * @param longestWaitSeconds how long the oldest of them has waited since it was first queued
   * @param handledToday tasks completed with outcome Handled today
   * @param offeredToday offers made today (Offered events; a broadcast round counts once)
   * @param acceptedToday tasks accepted today (Accepted events, pick-ups included)
   * @param withinTargetPercent accepted within the target wait, of the tasks accepted today plus
   *     those that ended today unaccepted (Expired, Cancelled); null when there are none
   */
  record Kpis(
      long waitingNow,
      Long longestWaitSeconds,
      long inProgress,
      long handledToday,
      long offeredToday,
      long acceptedToday,
      long endedUnacceptedToday,
      long acceptedWithinTarget,
      Integer withinTargetPercent) {}

  /** An open task of the service, with a link to its process instance in Cockpit. */
  record QueuedTask(@JsonUnwrapped ExternalTaskView task, String cockpitUrl) {}

  /** A member of the service; {@code presenceReason} is {@code missedOffer} while Cumulus holds them Away. */
  record AgentRow(
      String upn, String displayName, String presence, String presenceReason, boolean onDuty, int capacity, int activeTasks,
      List<HeldTask> tasks) {}

  record HeldTask(String id, String title, String state, String serviceUpn) {}
}
