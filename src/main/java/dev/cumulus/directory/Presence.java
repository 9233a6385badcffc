package dev.cumulus.directory;

/** An agent's presence. Only Available agents are offered tasks. */
public enum Presence {
  Available,
  Busy,
  Away,
  Offline
}
