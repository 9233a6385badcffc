package dev.cumulus.externaltask;

/**
 * Who ended a task as Cancelled, as reports count it: a flow (RemoveExternalTask), a supervisor or admin
 * (an abort), its workflow (a Cancel Task activity, or its process instance ended or was deleted, for
 * example from Cockpit), or Cumulus itself (a repair). Stored as {@code cancelledBy} in the event's detail.
 */
public enum Canceller {
  flow,
  supervisor,
  workflow,
  system
}
