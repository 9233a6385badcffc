package dev.cumulus.routing;

import dev.cumulus.directory.Agent;
import dev.cumulus.directory.DistributionSettings;
import dev.cumulus.directory.DistributionType;
import dev.cumulus.directory.Member;
import dev.cumulus.directory.Presence;
import dev.cumulus.directory.SelectionPolicy;
import dev.cumulus.directory.SkillLevel;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cumulus.externaltask.PreferredUser;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The routing rules without database or engine: every verdict, every policy, windows and levels. */
class EligibilityTest {

  static final OffsetDateTime NOW = OffsetDateTime.of(2026, 3, 2, 10, 0, 0, 0, ZoneOffset.UTC);
  static final Duration COOLDOWN = Duration.ofSeconds(60);

  @Test
  void choosesTheLongestIdleAvailableMemberWithFreeCapacity() {
    var members = List.of(member("ann", 300), member("ben", 900), member("cat", 600));

    var decision = decide(List.of(), null, 0, settings(), members);

    assertThat(decision.chosen()).containsExactly("ben");
    assertThat(decision.rule()).isEqualTo(Offer.RULE_LONGEST_IDLE);
    assertThat(verdicts(decision)).containsEntry("ann", Verdict.outranked).containsEntry("cat", Verdict.outranked);
  }

  @Test
  void namesWhyEachCandidateCannotTakeTheTask() {
    var members =
        List.of(
            member("off", 900).offDuty(),
            member("gone", 900).presence(Presence.Offline),
            member("busy", 900).presence(Presence.Busy),
            member("full", 900).load(1, 1),
            member("flag", 900).ronaUntil(NOW.plusSeconds(30)),
            member("nope", 900).refusedAt(NOW.minusSeconds(10)),
            member("ok", 10));

    var decision = decide(List.of(new PreferredUser("stranger@x", 1)), null, 0, settings(), members);

    assertThat(verdicts(decision))
        .containsEntry("off", Verdict.offDuty)
        .containsEntry("gone", Verdict.presence)
        .containsEntry("busy", Verdict.presence)
        .containsEntry("full", Verdict.atCapacity)
        .containsEntry("flag", Verdict.ronaFlag)
        .containsEntry("nope", Verdict.refusedRecently)
        .containsEntry("stranger@x", Verdict.notMember)
        .containsEntry("ok", Verdict.chosen);
  }

  @Test
  void expiredFlagsAndOldRefusalsNoLongerCount() {
    var members = List.of(member("flag", 100).ronaUntil(NOW.minusSeconds(1)), member("nope", 50).refusedAt(NOW.minusSeconds(61)));

    assertThat(decide(List.of(), null, 0, settings(), members).chosen()).containsExactly("flag");
  }

  @Test
  void busyAndAwayMembersGetTasksOnlyWhereTheServiceOptsIn() {
    var members = List.of(member("busy", 900).presence(Presence.Busy), member("away", 800).presence(Presence.Away));
    var both = with(settings(), s -> new DistributionSettings(s.distributionType(), s.selectionPolicy(), s.broadcastSize(), s.preferredWaitSeconds(), true, true, s.persistentRona(), s.ronaResetSeconds(), s.acwAllowEarlyEnd(), s.acwAllowExtension(), s.acwMaxExtensionSeconds(), s.agingStepSeconds(), s.skillLevels(), s.awayOnMissedOffer()));

    assertThat(decide(List.of(), null, 0, settings(), members).found()).isFalse();
    assertThat(decide(List.of(), null, 0, both, members).chosen()).containsExactly("busy");
  }

  @Test
  void preferredUsersComeFirstByTheirPriority() {
    var members = List.of(member("ann", 900), member("ben", 10), member("cat", 20));
    var preferred = List.of(new PreferredUser("cat", 5), new PreferredUser("ben", 2));

    var decision = decide(preferred, null, 0, settings(), members);

    assertThat(decision.chosen()).containsExactly("ben");
    assertThat(decision.rule()).isEqualTo(Offer.RULE_PREFERRED);
  }

  @Test
  void whileTheWindowIsOpenOnlyPreferredUsersMayTakeTheTask() {
    var members = List.of(member("ann", 900), member("pat", 10).load(1, 1));
    var preferred = List.of(new PreferredUser("pat", 1));

    var open = decide(preferred, NOW.plusSeconds(30), 0, settings(), members);
    var closed = decide(preferred, NOW.minusSeconds(1), 0, settings(), members);

    assertThat(open.found()).isFalse();
    assertThat(open.preferredWindowOpen()).isTrue();
    assertThat(verdicts(open)).containsEntry("ann", Verdict.notPreferredInWindow).containsEntry("pat", Verdict.atCapacity);
    assertThat(closed.chosen()).containsExactly("ann");
    assertThat(closed.rule()).isEqualTo(Offer.RULE_LONGEST_IDLE);
  }

  @Test
  void roundRobinTakesTheMemberWhoseLastOfferIsOldest() {
    var members =
        List.of(member("ann", 900).lastOffered(NOW.minusSeconds(5)), member("ben", 10).lastOffered(NOW.minusSeconds(50)), member("cat", 20).lastOffered(NOW.minusSeconds(20)));

    var decision = decide(List.of(), null, 0, policy(SelectionPolicy.RoundRobin), members);

    assertThat(decision.chosen()).containsExactly("ben");
    assertThat(decision.rule()).isEqualTo(Offer.RULE_ROUND_ROBIN);
    assertThat(decide(List.of(), null, 0, policy(SelectionPolicy.RoundRobin), List.of(members.get(0), member("new", 1))).chosen())
        .as("never offered comes first")
        .containsExactly("new");
  }

  @Test
  void leastBusyTakesTheMemberWhoHandledFewestTasksToday() {
    var members = List.of(member("ann", 900).handled(7), member("ben", 10).handled(2), member("cat", 20).handled(2));

    var decision = decide(List.of(), null, 0, policy(SelectionPolicy.LeastBusy), members);

    assertThat(decision.chosen()).as("fewest, then longest idle").containsExactly("cat");
    assertThat(decision.rule()).isEqualTo(Offer.RULE_LEAST_BUSY);
  }

  @Test
  void skillLevelsWidenAsTheTaskWaits() {
    var levels = List.of(new SkillLevel(0, List.of("de", "billing")), new SkillLevel(120, List.of("de")), new SkillLevel(300, List.of()));
    var s = with(settings(), d -> new DistributionSettings(d.distributionType(), d.selectionPolicy(), d.broadcastSize(), d.preferredWaitSeconds(), false, false, false, 600, true, false, 60, 0, levels, true));
    var members = List.of(member("expert", 10).skills("de", "billing"), member("german", 900).skills("de"), member("other", 950));

    var level1 = decide(List.of(), null, 30, s, members);
    var level2 = decide(List.of(), null, 150, s, members);
    var level3 = decide(List.of(), null, 301, s, members);

    assertThat(level1.level()).isEqualTo(1);
    assertThat(level1.chosen()).containsExactly("expert");
    assertThat(verdicts(level1)).containsEntry("german", Verdict.skills).containsEntry("other", Verdict.skills);
    assertThat(level2.level()).isEqualTo(2);
    assertThat(level2.chosen()).containsExactly("german");
    assertThat(level3.level()).isEqualTo(3);
    assertThat(level3.chosen()).containsExactly("other");
  }

  @Test
  void broadcastOffersToTheLongestIdleUpToItsSizeAndPickupToNobody() {
    var members = new ArrayList<M>();
    for (int i = 0; i < 14; i++) {
      members.add(member("a" + (char) ('a' + i), 100 + i));
    }
    var broadcast = with(settings(), d -> new DistributionSettings(DistributionType.Broadcast, d.selectionPolicy(), 10, 60, false, false, false, 600, true, false, 60, 0, List.of(), true));
    var pickup = with(settings(), d -> new DistributionSettings(DistributionType.Pickup, d.selectionPolicy(), 10, 60, false, false, false, 600, true, false, 60, 0, List.of(), true));

    var offered = decide(List.of(), null, 0, broadcast, members);

    assertThat(offered.chosen()).hasSize(10).startsWith("an", "am").doesNotContain("aa", "ab", "ac", "ad");
    assertThat(offered.rule()).isEqualTo(Offer.RULE_BROADCAST);
    assertThat(decide(List.of(), null, 0, pickup, members).found()).isFalse();
  }

  @Test
  void aBroadcastLeavesOutMembersForWhomABetterTaskWaitsAndTakesTheNextInstead() {
    var members = List.of(member("ann", 900), member("ben", 800), member("cat", 700), member("dan", 600));
    var broadcast = with(settings(), d -> new DistributionSettings(DistributionType.Broadcast, d.selectionPolicy(), 2, 60, false, false, false, 600, true, false, 60, 0, List.of(), true));
    List<Member> built = members.stream().map(M::build).toList();

    var decision = Eligibility.decide(List.of(), null, 0, broadcast, built, NOW, COOLDOWN, java.util.Set.of("ann", "cat"));

    assertThat(decision.chosen()).containsExactly("ben", "dan");
    assertThat(verdicts(decision)).containsEntry("ann", Verdict.betterTaskWaiting).containsEntry("cat", Verdict.betterTaskWaiting);
  }

  @Test
  void agingRaisesLowAndNormalStepByStepUpToHighButNeverToStrict() {
    var s = with(settings(), d -> new DistributionSettings(d.distributionType(), d.selectionPolicy(), 10, 60, false, false, false, 600, true, false, 60, 100, List.of(), true));
    var enqueued = NOW.minusSeconds(250);

    assertThat(QueueKeeper.effectivePriority(dev.cumulus.externaltask.DistributionPriority.Low, enqueued, s, NOW)).isEqualTo(2);
    assertThat(QueueKeeper.effectivePriority(dev.cumulus.externaltask.DistributionPriority.Low, NOW.minusSeconds(150), s, NOW)).isEqualTo(1);
    assertThat(QueueKeeper.effectivePriority(dev.cumulus.externaltask.DistributionPriority.Normal, enqueued, s, NOW)).isEqualTo(2);
    assertThat(QueueKeeper.effectivePriority(dev.cumulus.externaltask.DistributionPriority.High, NOW.minusSeconds(10_000), s, NOW)).isEqualTo(2);
    assertThat(QueueKeeper.effectivePriority(dev.cumulus.externaltask.DistributionPriority.Strict, enqueued, s, NOW)).isEqualTo(3);
    assertThat(QueueKeeper.effectivePriority(dev.cumulus.externaltask.DistributionPriority.Low, NOW.minusSeconds(10_000), settings(), NOW)).as("aging off").isZero();
  }

  // --- builders

  static Eligibility.Decision decide(List<PreferredUser> preferred, OffsetDateTime window, long waited, DistributionSettings settings, List<?> members) {
    List<Member> built = members.stream().map(m -> m instanceof M b ? b.build() : (Member) m).toList();
    return Eligibility.decide(preferred, window, waited, settings, built, NOW, COOLDOWN);
  }

  static Map<String, Verdict> verdicts(Eligibility.Decision d) {
    return d.candidates().stream().collect(Collectors.toMap(Eligibility.Candidate::upn, Eligibility.Candidate::verdict));
  }

  static DistributionSettings settings() {
    return DistributionSettings.DEFAULTS;
  }

  static DistributionSettings policy(SelectionPolicy policy) {
    var d = DistributionSettings.DEFAULTS;
    return new DistributionSettings(d.distributionType(), policy, d.broadcastSize(), d.preferredWaitSeconds(), false, false, false, 600, true, false, 60, 0, List.of(), true);
  }

  static DistributionSettings with(DistributionSettings s, java.util.function.UnaryOperator<DistributionSettings> change) {
    return change.apply(s);
  }

  /** A member idle for the given seconds, Available, on duty, capacity 1, no flags; change with the methods. */
  static M member(String upn, int idleSeconds) {
    return new M(upn, idleSeconds);
  }

  static final class M {
    final String upn;
    final int idleSeconds;
    Presence presence = Presence.Available;
    int active;
    int capacity = 1;
    boolean onDuty = true;
    OffsetDateTime ronaUntil;
    OffsetDateTime refusedAt;
    OffsetDateTime lastOffered;
    List<String> skills = List.of();
    int handled;

    M(String upn, int idleSeconds) {
      this.upn = upn;
      this.idleSeconds = idleSeconds;
    }

    M presence(Presence p) { presence = p; return this; }
    M load(int active, int capacity) { this.active = active; this.capacity = capacity; return this; }
    M offDuty() { onDuty = false; return this; }
    M ronaUntil(OffsetDateTime t) { ronaUntil = t; return this; }
    M refusedAt(OffsetDateTime t) { refusedAt = t; return this; }
    M lastOffered(OffsetDateTime t) { lastOffered = t; return this; }
    M skills(String... s) { skills = List.of(s); return this; }
    M handled(int n) { handled = n; return this; }

    Member build() {
      var agent = new Agent(upn, upn, capacity, presence, NOW, NOW.minusSeconds(idleSeconds), active, skills, handled, null);
      return new Member(agent, onDuty, ronaUntil, lastOffered, refusedAt);
    }
  }
}
