package dev.cumulus.distribution;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A user's routing state: how many tasks they may hold, how many they hold, since when they are idle,
 * their skills and how many tasks they handled today (UTC).
 */
public record Agent(
    String upn,
    String displayName,
    int capacity,
    Presence presence,
    OffsetDateTime presenceChangedAt,
    OffsetDateTime idleSince,
    int activeTasks,
    List<String> skills,
    int handledToday) {

  public boolean canTakeMore() {
    return presence == Presence.Available && activeTasks < capacity;
  }

  public boolean hasFreeCapacity() {
    return activeTasks < capacity;
  }
}
