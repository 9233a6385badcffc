package dev.cumulus.console;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.cumulus.lifecycle.ExternalTaskView;
import java.time.OffsetDateTime;
import java.util.List;

/** Everything My Sessions shows for one agent, read from the database in one go. */
record AgentSnapshot(
    OffsetDateTime serverTime,
    Me me,
    List<ServiceDuty> services,
    List<Session> offers,
    List<Session> connected,
    List<Session> afterWork,
    List<Result> today) {

  /** The agent; {@code presenceReason} is {@code missedOffer} while Cumulus holds them Away for a missed offer. */
  record Me(String upn, String displayName, String presence, String presenceReason, int capacity, int activeTasks) {}

  record ServiceDuty(
      String serviceUpn, String displayName, boolean onDuty, OffsetDateTime ronaUntil, boolean acwAllowEarlyEnd,
      boolean acwAllowExtension, int acwMaxExtensionSeconds) {}

  /** A task the agent holds, with the clock facts the page counts down. */
  record Session(
      @JsonUnwrapped ExternalTaskView task,
      OffsetDateTime offeredAt,
      OffsetDateTime offerEndsAt,
      OffsetDateTime afterWorkEndsAt,
      boolean canEndAfterWorkEarly,
      boolean canExtendAfterWork) {}

  /** Today's results (UTC): tasks the agent handled to the end, declined, or let time out. */
  record Result(String taskId, String title, String serviceUpn, String customerIdentifier, String result, OffsetDateTime at) {}
}
