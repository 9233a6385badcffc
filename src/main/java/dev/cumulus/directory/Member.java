package dev.cumulus.directory;

import java.time.OffsetDateTime;

/**
 * An agent as a member of one service, for one task: duty state and RONA flag in that service, when
 * that service last offered them a task, and when they last refused the task (or null).
 */
public record Member(Agent agent, boolean onDuty, OffsetDateTime ronaUntil, OffsetDateTime lastOfferedAt, OffsetDateTime refusedAt) {

  public String upn() {
    return agent.upn();
  }
}
