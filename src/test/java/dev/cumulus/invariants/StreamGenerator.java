package dev.cumulus.invariants;

import dev.cumulus.directory.DistributionType;
import dev.cumulus.directory.Presence;
import dev.cumulus.directory.SelectionPolicy;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.invariants.Action.AgentAct;
import dev.cumulus.invariants.Action.Create;
import dev.cumulus.invariants.Action.PrefSpec;
import dev.cumulus.invariants.World.TaskModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random worlds and random steps. Steps are drawn from the model, so most of them make sense (an
 * agent accepts the task offered to them); a share is aimed at the wrong task or agent on purpose and
 * must be refused.
 */
final class StreamGenerator {

  /** A world: agents' capacities, and services with their settings and members (agent indexes). */
  record WorldSpec(List<Integer> capacities, List<Presence> presences, List<ServiceSpec> services) {}

  record ServiceSpec(int acwSeconds, int ronaTimeoutSeconds, int maxConcurrentTasks, World.Settings settings, List<Integer> members) {}

  /**
   * A world from the stream's random source, then the settings added since the regression corpus began
   * drawn from a second source ({@code later}), so that every corpus seed keeps building the world it
   * failed on. Add a new random setting the same way: from {@code later}, after the ones there.
   */
  static WorldSpec world(Random r, Random later) {
    WorldSpec spec = world(r);
    var services = new ArrayList<ServiceSpec>();
    for (ServiceSpec s : spec.services()) {
      World.Settings x = s.settings();
      // issue 9: a missed Direct offer sets the agent Away, unless the service keeps them as they are
      boolean awayOnMissedOffer = later.nextInt(100) < 75;
      var settings =
          new World.Settings(x.type(), x.policy(), x.broadcastSize(), x.preferredWaitSeconds(), x.distributeWhenBusy(), x.distributeWhenAway(),
              x.persistentRona(), x.ronaResetSeconds(), x.acwAllowEarlyEnd(), x.acwAllowExtension(), x.acwMaxExtensionSeconds(), awayOnMissedOffer);
      services.add(new ServiceSpec(s.acwSeconds(), s.ronaTimeoutSeconds(), s.maxConcurrentTasks(), settings, s.members()));
    }
    return new WorldSpec(spec.capacities(), spec.presences(), services);
  }

  private static WorldSpec world(Random r) {
    int agents = 3 + r.nextInt(4);
    var capacities = new ArrayList<Integer>();
    var presences = new ArrayList<Presence>();
    for (int i = 0; i < agents; i++) {
      capacities.add(1 + r.nextInt(3));
      presences.add(r.nextInt(100) < 65 ? Presence.Available : Presence.Offline);
    }
    int count = 2 + r.nextInt(2);
    var services = new ArrayList<ServiceSpec>();
    for (int s = 0; s < count; s++) {
      var members = new ArrayList<Integer>();
      for (int a = 0; a < agents; a++) {
        if (r.nextInt(100) < 55) {
          members.add(a);
        }
      }
      int acw = r.nextInt(100) < 30 ? 0 : 5 + r.nextInt(56);
      services.add(new ServiceSpec(acw, 5 + r.nextInt(56), 3 + r.nextInt(8), settings(r), members));
    }
    return new WorldSpec(capacities, presences, services);
  }

  /** Distribution settings: mostly Direct; windows of 60 s or more (longer than a stream); no skills, no aging. */
  static World.Settings settings(Random r) {
    int type = r.nextInt(100);
    return new World.Settings(
        type < 70 ? DistributionType.Direct : type < 88 ? DistributionType.Broadcast : DistributionType.Pickup,
        SelectionPolicy.values()[r.nextInt(SelectionPolicy.values().length)],
        1 + r.nextInt(3),
        r.nextInt(100) < 30 ? 0 : 60 + r.nextInt(600),
        r.nextInt(100) < 25,
        r.nextInt(100) < 15,
        r.nextInt(100) < 35,
        600 + r.nextInt(3000),
        r.nextInt(100) < 80,
        r.nextInt(100) < 40,
        30 + r.nextInt(90),
        true);
  }

  static int steps(Random r) {
    return 20 + r.nextInt(21);
  }

  private final Random r;
  private int labels;

  StreamGenerator(Random r) {
    this.r = r;
  }

  /** The next step for the world as the model sees it now. */
  Action next(World w) {
    int roll = r.nextInt(100);
    Action a;
    if (roll < 20) {
      a = create(w);
    } else if (roll < 30) {
      a = presence(w);
    } else if (roll < 34) {
      a = duty(w);
    } else if (roll < 36) {
      a = new Action.ResetRona(r.nextInt(w.agents.size()), chance(50) ? null : r.nextInt(w.services.size()));
    } else if (roll < 45) {
      a = agentAct(w, AgentAct.Kind.ACCEPT, TaskState.Offered);
    } else if (roll < 50) {
      a = agentAct(w, AgentAct.Kind.DECLINE, TaskState.Offered);
    } else if (roll < 57) {
      a = agentAct(w, AgentAct.Kind.COMPLETE, TaskState.Connected, TaskState.AfterWork);
    } else if (roll < 59) {
      a = pickUp(w);
    } else if (roll < 60) {
      a = extend(w);
    } else if (roll < 65) {
      a = timer(w, Action.Timer.Kind.RONA, TaskState.Offered);
    } else if (roll < 68) {
      a = timer(w, Action.Timer.Kind.EXPIRY, TaskState.Queued, TaskState.Offered);
    } else if (roll < 72) {
      a = timer(w, Action.Timer.Kind.AFTER_WORK, TaskState.AfterWork);
    } else if (roll < 76) {
      a = remove(w, false);
    } else if (roll < 78) {
      a = remove(w, true);
    } else if (roll < 83) {
      a = transfer(w);
    } else if (roll < 88) {
      a = patch(w);
    } else if (roll < 92) {
      a = preferred(w);
    } else if (roll < 94) {
      a = members(w);
    } else if (roll < 96) {
      a = replay(w);
    } else {
      a = lateStep(w);
    }
    return a != null ? a : create(w);
  }

  private <T> T pick(List<T> list) {
    return list.isEmpty() ? null : list.get(r.nextInt(list.size()));
  }

  private boolean chance(int percent) {
    return r.nextInt(100) < percent;
  }

  private TaskModel anyTask(World w) {
    return pick(new ArrayList<>(w.tasks.values()));
  }

  private TaskModel openTask(World w) {
    return pick(w.tasks.values().stream().filter(t -> !t.state.isTerminal()).toList());
  }

  private String priority() {
    return DistributionPriority.values()[r.nextInt(DistributionPriority.values().length)].name();
  }

  private List<PrefSpec> preferredUsers(World w) {
    int count = chance(50) ? 0 : chance(60) ? 1 : 2;
    var agents = new ArrayList<Integer>();
    for (int i = 0; i < w.agents.size(); i++) {
      agents.add(i);
    }
    var prefs = new ArrayList<PrefSpec>();
    for (int i = 0; i < count && !agents.isEmpty(); i++) {
      int agent = agents.remove(r.nextInt(agents.size()));
      prefs.add(new PrefSpec(agent, chance(25) ? null : 1 + r.nextInt(3)));
    }
    return prefs;
  }

  Create create(World w) {
    String label = "t" + labels++;
    Create.Flaw flaw = chance(8) ? Create.Flaw.values()[1 + r.nextInt(Create.Flaw.values().length - 1)] : Create.Flaw.NONE;
    return new Create(
        label, r.nextInt(w.services.size()), chance(30) ? null : priority(), preferredUsers(w), chance(30) ? 30 + r.nextInt(600) : null,
        chance(25), flaw);
  }

  private Action presence(World w) {
    int roll = r.nextInt(100);
    Presence p = roll < 55 ? Presence.Available : roll < 70 ? Presence.Busy : roll < 80 ? Presence.Away : Presence.Offline;
    return new Action.SetPresence(r.nextInt(w.agents.size()), p, chance(15));
  }

  /** Mostly an agent who holds the task; sometimes anybody on anything (refused, unless lucky). */
  private Action agentAct(World w, AgentAct.Kind kind, TaskState... states) {
    TaskModel t = pick(w.tasksIn(states).toList());
    if (t != null && chance(85) && !t.holders().isEmpty()) {
      return new AgentAct(kind, w.agent(pick(t.holders())).index, t.label);
    }
    TaskModel any = anyTask(w);
    return any == null ? null : new AgentAct(kind, r.nextInt(w.agents.size()), any.label);
  }

  private Action duty(World w) {
    World.ServiceModel s = w.services.get(r.nextInt(w.services.size()));
    String member = pick(new ArrayList<>(s.members.keySet()));
    int agent = member != null && chance(90) ? w.agent(member).index : r.nextInt(w.agents.size());
    return new Action.SetDuty(agent, s.index, chance(55), chance(15));
  }

  /** Mostly a member of a Pickup service picking one of its waiting tasks. */
  private Action pickUp(World w) {
    TaskModel t =
        pick(w.tasksIn(TaskState.Queued).filter(x -> w.service(x.service).settings.type() == DistributionType.Pickup).toList());
    if (t != null && chance(85)) {
      String member = pick(new ArrayList<>(w.service(t.service).members.keySet()));
      return new Action.PickUp(member != null ? w.agent(member).index : r.nextInt(w.agents.size()), t.label);
    }
    TaskModel any = anyTask(w);
    return any == null ? null : new Action.PickUp(r.nextInt(w.agents.size()), any.label);
  }

  private Action extend(World w) {
    TaskModel t = pick(w.tasksIn(TaskState.AfterWork).toList());
    if (t == null) {
      return null;
    }
    return new Action.ExtendAfterWork(chance(85) ? w.agent(t.agent).index : r.nextInt(w.agents.size()), t.label, chance(40) ? null : 1 + r.nextInt(150));
  }

  private Action timer(World w, Action.Timer.Kind kind, TaskState... states) {
    TaskModel t = pick(w.tasksIn(states).toList());
    return t == null ? null : new Action.Timer(kind, t.label);
  }

  private Action remove(World w, boolean abort) {
    TaskModel t = chance(85) ? openTask(w) : anyTask(w);
    return t == null ? null : new Action.Remove(t.label, abort);
  }

  private Action transfer(World w) {
    TaskModel t = chance(80) ? pick(w.tasks.values().stream().filter(TaskModel::isWaiting).toList()) : anyTask(w);
    if (t == null) {
      return null;
    }
    int target = r.nextInt(w.services.size());
    if (w.services.get(target).upn.equals(t.service) && chance(80)) {
      target = (target + 1) % w.services.size();
    }
    return new Action.Transfer(t.label, target);
  }

  private Action patch(World w) {
    TaskModel t = chance(85) ? openTask(w) : anyTask(w);
    if (t == null) {
      return null;
    }
    boolean prolong = chance(20);
    return new Action.Patch(t.label, prolong && chance(50) ? null : priority(), prolong ? 60 + r.nextInt(600) : null);
  }

  private Action preferred(World w) {
    TaskModel t = chance(85) ? openTask(w) : anyTask(w);
    return t == null ? null : new Action.SetPreferred(t.label, preferredUsers(w), chance(50), chance(10));
  }

  private Action members(World w) {
    var members = new ArrayList<Integer>();
    for (int a = 0; a < w.agents.size(); a++) {
      if (chance(55)) {
        members.add(a);
      }
    }
    return new Action.SetMembers(r.nextInt(w.services.size()), members);
  }

  private Action replay(World w) {
    TaskModel t = pick(w.tasks.values().stream().filter(x -> x.idempotencyKey != null).toList());
    return t == null ? null : new Action.Replay(t.label);
  }

  private Action lateStep(World w) {
    for (int attempt = 0; attempt < 5; attempt++) {
      TaskModel t = anyTask(w);
      if (t == null) {
        return null;
      }
      var kinds = Action.LateStep.Kind.values();
      var step = new Action.LateStep(kinds[r.nextInt(kinds.length)], t.label, r.nextInt(w.agents.size()));
      if (step.expect(w).kind() == Action.Expect.Kind.NOOP) {
        return step;
      }
    }
    return null;
  }
}
