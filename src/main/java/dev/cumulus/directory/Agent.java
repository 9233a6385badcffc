package dev.cumulus.directory;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A user's routing state: how many tasks they may hold, how many they hold, since when they are idle,
 * their skills and how many tasks they handled today (UTC).
 *
 * @param presenceReason why the presence was set by Cumulus rather than by the agent ({@link
 *     #MISSED_OFFER}), or null
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
    int handledToday,
    String presenceReason) {

  /** The reason of an Away that Cumulus set because the agent let a Direct offer time out. */
  public static final String MISSED_OFFER = "missedOffer";

  /**
   * The presence distribution goes by: an agent set Away for a missed offer is not there, routed as
   * Offline in every service (even one that distributes to Away agents) until they set their presence.
   */
  public Presence routingPresence() {
    return MISSED_OFFER.equals(presenceReason) ? Presence.Offline : presence;
  }

  public boolean canTakeMore() {
    return presence == Presence.Available && activeTasks < capacity;
  }

  public boolean hasFreeCapacity() {
    return activeTasks < capacity;
  }
}
