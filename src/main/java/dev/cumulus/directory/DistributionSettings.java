package dev.cumulus.directory;

import java.util.Comparator;
import java.util.List;

/**
 * A service's distribution settings.
 *
 * @param broadcastSize how many agents a Broadcast offer reaches at once
 * @param preferredWaitSeconds how long only a task's preferred users may take it (0: no window)
 * @param distributeWhenBusy also offer to members whose presence is Busy
 * @param distributeWhenAway also offer to members whose presence is Away
 * @param persistentRona a member who declines or misses an offer is not selectable for this service
 *     until {@code ronaResetSeconds} passed, they reset it, go Offline or go off duty
 * @param acwAllowEarlyEnd the agent may end after-work time early
 * @param acwAllowExtension the agent may extend after-work time once, by up to {@code acwMaxExtensionSeconds}
 * @param agingStepSeconds each such span of waiting raises a task's effective priority one step, up to
 *     High (never Strict); 0 switches aging off
 * @param skillLevels levels widening over time; empty: no skills required
 * @param awayOnMissedOffer an agent who lets a Direct offer of this service time out is set Away
 *     (reason {@code missedOffer}) until they set their presence again; false keeps them as they are
 * @param serviceLevelSeconds the service's service-level target: a task accepted within this many
 *     seconds of first being queued counts as accepted within target (reports, the dashboard)
 */
public record DistributionSettings(
    DistributionType distributionType,
    SelectionPolicy selectionPolicy,
    int broadcastSize,
    int preferredWaitSeconds,
    boolean distributeWhenBusy,
    boolean distributeWhenAway,
    boolean persistentRona,
    int ronaResetSeconds,
    boolean acwAllowEarlyEnd,
    boolean acwAllowExtension,
    int acwMaxExtensionSeconds,
    int agingStepSeconds,
    List<SkillLevel> skillLevels,
    boolean awayOnMissedOffer,
    int serviceLevelSeconds) {

  public static final int DEFAULT_SERVICE_LEVEL_SECONDS = 60;

  public static final DistributionSettings DEFAULTS =
      new DistributionSettings(DistributionType.Direct, SelectionPolicy.LongestIdle, 10, 60, false, false, false, 600, true, false, 60, 0, List.of(), true);

  /** Settings with the default service-level target. */
  public DistributionSettings(
      DistributionType distributionType, SelectionPolicy selectionPolicy, int broadcastSize, int preferredWaitSeconds,
      boolean distributeWhenBusy, boolean distributeWhenAway, boolean persistentRona, int ronaResetSeconds, boolean acwAllowEarlyEnd,
      boolean acwAllowExtension, int acwMaxExtensionSeconds, int agingStepSeconds, List<SkillLevel> skillLevels,
      boolean awayOnMissedOffer) {
    this(distributionType, selectionPolicy, broadcastSize, preferredWaitSeconds, distributeWhenBusy, distributeWhenAway, persistentRona,
        ronaResetSeconds, acwAllowEarlyEnd, acwAllowExtension, acwMaxExtensionSeconds, agingStepSeconds, skillLevels, awayOnMissedOffer,
        DEFAULT_SERVICE_LEVEL_SECONDS);
  }

  public DistributionSettings {
    skillLevels = skillLevels == null ? List.of() : skillLevels.stream().sorted(Comparator.comparingInt(SkillLevel::afterSeconds)).toList();
  }

  /** The level (0-based) of a task that waited this long, or -1 when no skills are required. */
  public int levelAfter(long waitedSeconds) {
    int level = -1;
    for (int i = 0; i < skillLevels.size(); i++) {
      if (skillLevels.get(i).afterSeconds() <= waitedSeconds) {
        level = i;
      }
    }
    return skillLevels.isEmpty() ? -1 : Math.max(level, 0);
  }

  /** The level of a task that waited this long as people count it (1 = first), or null without skill levels. */
  public Integer levelNumberAfter(long waitedSeconds) {
    int level = levelAfter(waitedSeconds);
    return level < 0 ? null : level + 1;
  }

  /** The skills a task that waited this long requires (its level's); none without skill levels. */
  public List<String> skillsRequiredAfter(long waitedSeconds) {
    int level = levelAfter(waitedSeconds);
    return level < 0 ? List.of() : skillLevels.get(level).skills();
  }

  public boolean acceptsPresence(Presence presence) {
    return presence == Presence.Available
        || presence == Presence.Busy && distributeWhenBusy
        || presence == Presence.Away && distributeWhenAway;
  }
}
