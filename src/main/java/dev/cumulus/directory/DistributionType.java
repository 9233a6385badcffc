package dev.cumulus.directory;

/** How a service offers its tasks. */
public enum DistributionType {
  /** One agent at a time, with an offer timeout (RONA). */
  Direct,
  /** The longest-idle eligible agents at once (broadcastSize); the first to accept wins; no RONA. */
  Broadcast,
  /** Nobody is offered anything: agents pick tasks from the queue themselves. */
  Pickup
}
