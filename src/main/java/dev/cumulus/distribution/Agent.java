package dev.cumulus.distribution;

import java.time.OffsetDateTime;

/** A user's routing state: how many tasks they may hold, how many they hold, since when they are idle. */
public record Agent(
    String upn,
    String displayName,
    int capacity,
    Presence presence,
    OffsetDateTime presenceChangedAt,
    OffsetDateTime idleSince,
    int activeTasks) {

  public boolean canTakeMore() {
    return presence == Presence.Available && activeTasks < capacity;
  }
}
