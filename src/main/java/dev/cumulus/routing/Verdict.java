package dev.cumulus.routing;

/** Why a user was or was not chosen for a task: each routing decision records one per candidate. */
public enum Verdict {
  chosen,
  /** Eligible, but another candidate ranked higher (preference, then the service's policy). */
  outranked,
  /** A preferred user who is not a member of the task's service. */
  notMember,
  offDuty,
  /** Offline, or Busy / Away where the service does not distribute to those. */
  presence,
  atCapacity,
  /** Persistent RONA: not selectable for this service until the flag resets. */
  ronaFlag,
  /** Declined or missed this task within the refusal cooldown. */
  refusedRecently,
  /** Lacks a skill the task's current distribution level requires. */
  skills,
  /** Not a preferred user while the task's preferred-user window is open. */
  notPreferredInWindow,
  /** Broadcast only: a task ahead of this one in queue order waits for this agent, who gets that one. */
  betterTaskWaiting
}
