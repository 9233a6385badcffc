package dev.cumulus.routing;

import dev.cumulus.directory.DistributionSettings;
import dev.cumulus.directory.DistributionType;
import dev.cumulus.directory.Member;
import dev.cumulus.directory.SelectionPolicy;
import dev.cumulus.externaltask.PreferredUser;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The routing rules as a pure function: given a task, its service's settings and the service's
 * members as they are now, who may take the task, who is chosen, and why every other candidate was
 * not. No database, no engine: the distributor supplies the facts and writes the outcome.
 *
 * <p>A member may take a task when on duty in the service, present (Available; Busy or Away where the
 * service allows), without a persistent RONA flag, has not refused this task within the cooldown, has
 * free capacity, holds the skills of the task's current level, and, while the preferred-user window is
 * open, is a preferred user. Among those, preferred users come first (priority 1 = most preferred),
 * then the service's policy decides: longest idle, round robin, or least busy today.
 */
public final class Eligibility {

  private Eligibility() {}

  /** One candidate's verdict; preferredPriority is null for users not preferred. */
  public record Candidate(String upn, Verdict verdict, Integer preferredPriority) {}

  /** The outcome: chosen users in order (several for Broadcast), the rule, the skill level (1-based). */
  public record Decision(List<Candidate> candidates, List<String> chosen, String rule, Integer level, boolean preferredWindowOpen) {

    public boolean found() {
      return !chosen.isEmpty();
    }
  }

  /**
   * @param preferredUntil end of the task's preferred-user window, or null when it has none
   * @param waitedSeconds how long the task has waited since it was first queued (for skill levels)
   */
  public static Decision decide(
      List<PreferredUser> preferred,
      OffsetDateTime preferredUntil,
      long waitedSeconds,
      DistributionSettings settings,
      List<Member> members,
      OffsetDateTime now,
      Duration refusalCooldown) {
    return decide(preferred, preferredUntil, waitedSeconds, settings, members, now, refusalCooldown, Set.of());
  }

  /**
   * @param betterTaskWaiting members (lower case) for whom a task ahead of this one in queue order
   *     waits: not chosen ({@link Verdict#betterTaskWaiting}), so that a Broadcast never takes an agent
   *     past the highest-ordered task the agent may take
   */
  public static Decision decide(
      List<PreferredUser> preferred,
      OffsetDateTime preferredUntil,
      long waitedSeconds,
      DistributionSettings settings,
      List<Member> members,
      OffsetDateTime now,
      Duration refusalCooldown,
      Set<String> betterTaskWaiting) {
    Map<String, Integer> preference =
        preferred.stream().collect(Collectors.toMap(p -> p.upn().toLowerCase(), PreferredUser::effectivePriority, Math::min));
    boolean windowOpen = preferredUntil != null && preferredUntil.isAfter(now);
    List<String> requiredSkills = settings.skillsRequiredAfter(waitedSeconds);

    var candidates = new ArrayList<Candidate>();
    var eligible = new ArrayList<Member>();
    var memberUpns = new HashSet<String>();
    for (Member m : members) {
      memberUpns.add(m.upn().toLowerCase());
      Integer pref = preference.get(m.upn().toLowerCase());
      Verdict verdict = check(m, pref != null, windowOpen, requiredSkills, settings, now, refusalCooldown);
      if (verdict == null && betterTaskWaiting.contains(m.upn().toLowerCase())) {
        verdict = Verdict.betterTaskWaiting;
      }
      if (verdict == null) {
        eligible.add(m);
      } else {
        candidates.add(new Candidate(m.upn(), verdict, pref));
      }
    }
    for (PreferredUser p : preferred) {
      if (!memberUpns.contains(p.upn().toLowerCase())) {
        candidates.add(new Candidate(p.upn(), Verdict.notMember, p.effectivePriority()));
      }
    }

    Function<Member, Integer> pref = m -> preference.getOrDefault(m.upn().toLowerCase(), Integer.MAX_VALUE);
    Comparator<Member> order = Comparator.comparing(pref).thenComparing(policyOrder(settings.selectionPolicy())).thenComparing(Member::upn);
    eligible.sort(order);
    int wanted =
        switch (settings.distributionType()) {
          case Direct -> 1;
          case Broadcast -> settings.broadcastSize();
          case Pickup -> 0;
        };
    var chosen = new ArrayList<String>();
    for (Member m : eligible) {
      Integer p = preference.get(m.upn().toLowerCase());
      if (chosen.size() < wanted) {
        chosen.add(m.upn());
        candidates.add(new Candidate(m.upn(), Verdict.chosen, p));
      } else {
        candidates.add(new Candidate(m.upn(), Verdict.outranked, p));
      }
    }
    String rule = null;
    if (!chosen.isEmpty()) {
      boolean byPreference = preference.containsKey(chosen.get(0).toLowerCase());
      rule =
          settings.distributionType() == DistributionType.Broadcast
              ? Offer.RULE_BROADCAST
              : byPreference ? Offer.RULE_PREFERRED : ruleOf(settings.selectionPolicy());
    }
    return new Decision(List.copyOf(candidates), List.copyOf(chosen), rule, settings.levelNumberAfter(waitedSeconds), windowOpen);
  }

  /** Null when the member may take the task; otherwise the first reason it may not. */
  static Verdict check(
      Member m,
      boolean isPreferred,
      boolean windowOpen,
      List<String> requiredSkills,
      DistributionSettings settings,
      OffsetDateTime now,
      Duration refusalCooldown) {
    if (!m.onDuty()) {
      return Verdict.offDuty;
    }
    if (!settings.acceptsPresence(m.agent().routingPresence())) {
      return Verdict.presence;
    }
    if (m.ronaUntil() != null && m.ronaUntil().isAfter(now)) {
      return Verdict.ronaFlag;
    }
    if (m.refusedAt() != null && m.refusedAt().isAfter(now.minus(refusalCooldown))) {
      return Verdict.refusedRecently;
    }
    if (!m.agent().hasFreeCapacity()) {
      return Verdict.atCapacity;
    }
    if (!m.agent().skills().containsAll(requiredSkills)) {
      return Verdict.skills;
    }
    if (windowOpen && !isPreferred) {
      return Verdict.notPreferredInWindow;
    }
    return null;
  }

  private static Comparator<Member> policyOrder(SelectionPolicy policy) {
    Comparator<Member> idle = Comparator.comparing(m -> m.agent().idleSince());
    return switch (policy) {
      case LongestIdle -> idle;
      case RoundRobin ->
          Comparator.comparing(Member::lastOfferedAt, Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(idle);
      case LeastBusy -> Comparator.comparingInt((Member m) -> m.agent().handledToday()).thenComparing(idle);
    };
  }

  static String ruleOf(SelectionPolicy policy) {
    return switch (policy) {
      case LongestIdle -> Offer.RULE_LONGEST_IDLE;
      case RoundRobin -> Offer.RULE_ROUND_ROBIN;
      case LeastBusy -> Offer.RULE_LEAST_BUSY;
    };
  }
}
