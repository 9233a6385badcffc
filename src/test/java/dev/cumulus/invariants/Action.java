package dev.cumulus.invariants;

import dev.cumulus.directory.Presence;
import dev.cumulus.directory.ServiceAdmin;
import dev.cumulus.directory.UserAdmin;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.invariants.Driver.Result;
import dev.cumulus.lifecycle.AddExternalTaskRequest;
import dev.cumulus.lifecycle.TaskInformation;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One step of a stream: what the test does, what it expects the system to answer (from the model,
 * before doing it), and how it is done. Actions name agents and services by index and tasks by the
 * stream-local label of the create that made them, so a recorded stream can be replayed and shrunk:
 * an action whose task does not exist (its create was dropped) is skipped.
 */
sealed interface Action {

  /** What the model says the answer must be. */
  Expect expect(World w);

  /** Does it. On success, tells the model what the test changed (presence, members, preferred users, a new task). */
  Result run(Driver d, World w);

  String describe(World w);

  /** The answer the model expects. */
  record Expect(Kind kind, int status, String why) {
    enum Kind {
      /** Succeeds (and may change things). */
      CHANGE,
      /** Succeeds and must change nothing. */
      NOOP,
      /** Is refused with this status and must change nothing. */
      REFUSED,
      /** Does not apply now: not run. */
      SKIP
    }

    static Expect change() {
      return new Expect(Kind.CHANGE, 200, "");
    }

    static Expect noop(String why) {
      return new Expect(Kind.NOOP, 200, why);
    }

    static Expect refused(int status, String why) {
      return new Expect(Kind.REFUSED, status, why);
    }

    static Expect skip(String why) {
      return new Expect(Kind.SKIP, 0, why);
    }

    @Override
    public String toString() {
      return switch (kind) {
        case CHANGE -> "ok";
        case NOOP -> "ok, no change (" + why + ")";
        case REFUSED -> status + " (" + why + ")";
        case SKIP -> "skip (" + why + ")";
      };
    }
  }

  /** A preferred user as the test writes it: agent index, priority (null = 1). */
  record PrefSpec(int agent, Integer priority) {
    World.Pref in(World w) {
      return new World.Pref(w.agents.get(agent).upn, priority == null ? 1 : priority);
    }

    Map<String, Object> json(World w) {
      var m = new LinkedHashMap<String, Object>();
      m.put("upn", w.agents.get(agent).upn);
      if (priority != null) {
        m.put("priority", priority);
      }
      return m;
    }

    String describe() {
      return "a" + agent + (priority == null ? "" : ":" + priority);
    }
  }

  private static World.TaskModel task(World w, String label) {
    return w.byLabel.get(label);
  }

  private static String ghost(World w) {
    return "ghost." + w.tag + "@inv.test";
  }

  // ==================================================================== flows

  /** AddExternalTask. {@code flaw} makes it invalid on purpose (400). */
  record Create(String label, int service, String priority, List<PrefSpec> preferred, Integer expiresInMinutes, boolean keyed, Flaw flaw)
      implements Action {

    enum Flaw {
      NONE,
      UNKNOWN_SERVICE,
      UNKNOWN_PREFERRED_USER,
      DUPLICATE_PREFERRED_USER,
      EXPIRES_IN_THE_PAST
    }

    @Override
    public Expect expect(World w) {
      if (flaw != Flaw.NONE) {
        return Expect.refused(400, flaw.name());
      }
      World.ServiceModel s = w.services.get(service);
      if (s.openTasks >= s.maxConcurrentTasks) {
        return Expect.refused(429, s.name() + " holds " + s.openTasks + " of " + s.maxConcurrentTasks + " open tasks");
      }
      return Expect.change();
    }

    Map<String, Object> body(World w) {
      var body = new LinkedHashMap<String, Object>();
      body.put("serviceUpn", flaw == Flaw.UNKNOWN_SERVICE ? "nosuch." + w.tag + "@inv.test" : w.services.get(service).upn);
      body.put("customerIdentifier", "C-" + label);
      body.put("title", "task " + label);
      if (priority != null) {
        body.put("distributionPriority", priority);
      }
      var prefs = new ArrayList<Map<String, Object>>();
      preferred.forEach(p -> prefs.add(p.json(w)));
      if (flaw == Flaw.UNKNOWN_PREFERRED_USER) {
        prefs.add(Map.of("upn", ghost(w)));
      }
      if (flaw == Flaw.DUPLICATE_PREFERRED_USER) {
        prefs.add(new PrefSpec(0, 5).json(w));
        prefs.add(new PrefSpec(0, 6).json(w));
      }
      if (!prefs.isEmpty()) {
        body.put("preferredUsers", prefs);
      }
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
      if (flaw == Flaw.EXPIRES_IN_THE_PAST) {
        body.put("expiresAt", now.minusHours(1).toString());
      } else if (expiresInMinutes != null) {
        body.put("expiresAt", now.plusMinutes(expiresInMinutes).toString());
      }
      return body;
    }

    @Override
    public Result run(Driver d, World w) {
      Map<String, Object> body = body(w);
      String key = keyed ? "key-" + label + "-" + w.tag : null;
      return d.asFlow(
          () -> {
            var created = d.intake.create(d.request(body, AddExternalTaskRequest.class), key);
            String id = created.result().id();
            World.TaskModel t =
                w.addTask(
                    label, id, w.services.get(service).upn, DistributionPriority.parse(priority).orElseThrow(),
                    preferred.stream().map(p -> p.in(w)).toList());
            if (keyed) {
              t.createRequest = body;
              t.idempotencyKey = key;
            }
            return new Result.Ok(label + "=" + id.substring(0, 8), created.replayed() ? "a new key was answered as a replay" : null);
          });
    }

    @Override
    public String describe(World w) {
      return "create " + label + " in s" + service + (priority == null ? "" : " " + priority)
          + (preferred.isEmpty() ? "" : " preferring " + preferred.stream().map(PrefSpec::describe).toList())
          + (expiresInMinutes == null ? "" : " expiring in " + expiresInMinutes + " min") + (keyed ? " with Idempotency-Key" : "")
          + (flaw == Flaw.NONE ? "" : " [" + flaw + "]");
    }
  }

  /** AddExternalTask again with the same Idempotency-Key and body: the first answer, nothing created. */
  record Replay(String label) implements Action {
    @Override
    public Expect expect(World w) {
      World.TaskModel t = task(w, label);
      if (t == null || t.idempotencyKey == null) {
        return Expect.skip("no keyed task " + label);
      }
      return Expect.noop("idempotent replay");
    }

    @Override
    public Result run(Driver d, World w) {
      World.TaskModel t = task(w, label);
      return d.asFlow(
          () -> {
            var again = d.intake.create(d.request(t.createRequest, AddExternalTaskRequest.class), t.idempotencyKey);
            String problem =
                !again.replayed() ? "not answered as a replay" : !again.result().id().equals(t.id) ? "answered another task " + again.result().id() : null;
            return new Result.Ok("", problem);
          });
    }

    @Override
    public String describe(World w) {
      return "replay the create of " + label + " (same Idempotency-Key and body)";
    }
  }

  /** RemoveExternalTask (flow) or a supervisor's abort with a reason. */
  record Remove(String label, boolean abort) implements Action {
    @Override
    public Expect expect(World w) {
      World.TaskModel t = task(w, label);
      if (t == null) {
        return Expect.skip("no task " + label);
      }
      if (t.state == TaskState.Cancelled) {
        return Expect.noop("already cancelled");
      }
      if (t.state.isTerminal()) {
        return Expect.refused(409, "already " + t.state);
      }
      return Expect.change();
    }

    @Override
    public Result run(Driver d, World w) {
      World.TaskModel t = task(w, label);
      if (abort) {
        return d.asAdmin(
            () -> {
              d.steering.cancel(t.id, "abort of " + label);
              return Result.ok();
            });
      }
      return d.asFlow(
          () -> {
            d.steering.cancel(t.id, null);
            return Result.ok();
          });
    }

    @Override
    public String describe(World w) {
      return (abort ? "supervisor aborts " : "flow removes ") + label;
    }
  }

  /** A supervisor's transfer to another service. */
  record Transfer(String label, int service) implements Action {
    @Override
    public Expect expect(World w) {
      World.TaskModel t = task(w, label);
      if (t == null) {
        return Expect.skip("no task " + label);
      }
      if (!t.isWaiting()) {
        return Expect.refused(409, "it is " + t.state);
      }
      if (t.service.equals(w.services.get(service).upn)) {
        return Expect.refused(400, "already in s" + service);
      }
      World.ServiceModel target = w.services.get(service);
      if (target.openTasks >= target.maxConcurrentTasks) {
        return Expect.refused(429, "s" + service + " holds its maximum of " + target.maxConcurrentTasks);
      }
      return Expect.change();
    }

    @Override
    public Result run(Driver d, World w) {
      World.TaskModel t = task(w, label);
      return d.asAdmin(
          () -> {
            d.steering.transfer(t.id, w.services.get(service).upn);
            return Result.ok();
          });
    }

    @Override
    public String describe(World w) {
      return "transfer " + label + " to s" + service;
    }
  }

  /** PATCH distributionPriority and/or expiresAt (prolong). */
  record Patch(String label, String priority, Integer prolongMinutes) implements Action {
    @Override
    public Expect expect(World w) {
      World.TaskModel t = task(w, label);
      if (t == null) {
        return Expect.skip("no task " + label);
      }
      if (t.state.isTerminal()) {
        return Expect.refused(409, "already " + t.state);
      }
      if (prolongMinutes == null && (priority == null || DistributionPriority.valueOf(priority) == t.priority)) {
        return Expect.noop("same priority");
      }
      return Expect.change();
    }

    @Override
    public Result run(Driver d, World w) {
      World.TaskModel t = task(w, label);
      var body = new LinkedHashMap<String, Object>();
      if (priority != null) {
        body.put("distributionPriority", priority);
      }
      if (prolongMinutes != null) {
        body.put("expiresAt", OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(prolongMinutes).truncatedTo(ChronoUnit.SECONDS).toString());
      }
      return d.asFlow(
          () -> {
            d.steering.patch(t.id, d.tree(body));
            return Result.ok();
          });
    }

    @Override
    public String describe(World w) {
      return "patch " + label + (priority == null ? "" : " priority " + priority) + (prolongMinutes == null ? "" : " expiresAt +" + prolongMinutes + " min");
    }
  }

  /** New preferred users: UpdateTask (PUT /v1/tasks/{id}) or PATCH preferredUsers. */
  record SetPreferred(String label, List<PrefSpec> preferred, boolean viaPatch, boolean unknownUser) implements Action {
    @Override
    public Expect expect(World w) {
      World.TaskModel t = task(w, label);
      if (t == null) {
        return Expect.skip("no task " + label);
      }
      if (t.state.isTerminal()) {
        return Expect.refused(409, "already " + t.state);
      }
      if (unknownUser) {
        return Expect.refused(400, "unknown preferred user");
      }
      return Expect.change();
    }

    @Override
    public Result run(Driver d, World w) {
      World.TaskModel t = task(w, label);
      var prefs = new ArrayList<Map<String, Object>>();
      preferred.forEach(p -> prefs.add(p.json(w)));
      if (unknownUser) {
        prefs.add(Map.of("upn", ghost(w)));
      }
      return d.asFlow(
          () -> {
            if (viaPatch) {
              d.steering.patch(t.id, d.tree(Map.of("preferredUsers", prefs)));
            } else {
              d.steering.update(t.id, d.request(Map.of("preferredUsers", prefs), TaskInformation.class));
            }
            w.preferredUsersChanged(t, preferred.stream().map(p -> p.in(w)).toList());
            return Result.ok();
          });
    }

    @Override
    public String describe(World w) {
      return (viaPatch ? "patch " : "UpdateTask ") + label + " preferred users " + preferred.stream().map(PrefSpec::describe).toList()
          + (unknownUser ? " + an unknown user" : "");
    }
  }

  // ==================================================================== agents

  /** An agent sets their presence (or a supervisor does it for them). */
  record SetPresence(int agent, Presence presence, boolean bySupervisor) implements Action {
    @Override
    public Expect expect(World w) {
      return Expect.change();
    }

    @Override
    public Result run(Driver d, World w) {
      World.AgentModel a = w.agents.get(agent);
      java.util.function.Supplier<Result> call =
          () -> {
            d.users.setPresence(a.upn, presence);
            w.presenceChanged(a, presence);
            return Result.ok();
          };
      return bySupervisor ? d.asAdmin(call) : d.asAgent(a.upn, call);
    }

    @Override
    public String describe(World w) {
      return "a" + agent + " goes " + presence + (bySupervisor ? " (set by a supervisor)" : "");
    }
  }

  /** accept, decline or complete, by an agent (who may not hold the task: then it is refused). */
  record AgentAct(Kind kind, int agent, String label) implements Action {
    enum Kind {
      ACCEPT,
      DECLINE,
      COMPLETE
    }

    @Override
    public Expect expect(World w) {
      World.TaskModel t = task(w, label);
      if (t == null) {
        return Expect.skip("no task " + label);
      }
      String me = w.agents.get(agent).upn;
      if (kind == Kind.COMPLETE) {
        // someone else's task is 403 whatever its state (the state is not told); one's own offer is 409
        if (!w.holds(t, me)) {
          return Expect.refused(403, "not " + w.nameOf(me) + "'s task");
        }
        boolean handling = t.state == TaskState.Connected || t.state == TaskState.AfterWork;
        if (!handling) {
          return Expect.refused(409, "it is " + t.state);
        }
        if (t.state == TaskState.AfterWork && !w.service(t.service).settings.acwAllowEarlyEnd()) {
          return Expect.refused(409, "no early end of after-work in " + w.nameOf(t.service));
        }
        return Expect.change();
      }
      if (t.state != TaskState.Offered) {
        return Expect.refused(409, "it is " + t.state);
      }
      return t.offeredTo.contains(me) ? Expect.change() : Expect.refused(403, "offered to " + w.nameOf(String.join(",", t.offeredTo)));
    }

    @Override
    public Result run(Driver d, World w) {
      World.TaskModel t = task(w, label);
      return d.asAgent(
          w.agents.get(agent).upn,
          () -> {
            switch (kind) {
              case ACCEPT -> d.agent.accept(t.id);
              case DECLINE -> d.agent.decline(t.id);
              case COMPLETE -> d.agent.complete(t.id);
            }
            return Result.ok();
          });
    }

    @Override
    public String describe(World w) {
      return "a" + agent + " " + kind.name().toLowerCase() + "s " + label;
    }
  }

  // ==================================================================== timers and workflow steps

  /** Fires a timer of the task's workflow now: RONA, lifetime end, or after-work end. */
  record Timer(Kind kind, String label) implements Action {
    enum Kind {
      RONA(Driver.OFFER_DUE),
      EXPIRY(Driver.EXPIRY_TIMER),
      AFTER_WORK(Driver.AFTER_WORK_DUE);

      final String activity;

      Kind(String activity) {
        this.activity = activity;
      }
    }

    @Override
    public Expect expect(World w) {
      World.TaskModel t = task(w, label);
      if (t == null) {
        return Expect.skip("no task " + label);
      }
      boolean armed =
          switch (kind) {
            case RONA -> t.state == TaskState.Offered;
            case EXPIRY -> t.state == TaskState.Queued || t.state == TaskState.Offered;
            case AFTER_WORK -> t.state == TaskState.AfterWork;
          };
      return armed ? Expect.change() : Expect.skip("no " + kind + " timer while " + t.state);
    }

    @Override
    public Result run(Driver d, World w) {
      return d.fireTimer(task(w, label), kind.activity);
    }

    @Override
    public String describe(World w) {
      return switch (kind) {
        case RONA -> "RONA: the offer of " + label + " times out";
        case EXPIRY -> "the lifetime of " + label + " ends";
        case AFTER_WORK -> "the after-work time of " + label + " ends";
      };
    }
  }

  /**
   * A late or repeated workflow step (a timer that fires after the task moved on): called directly on
   * WorkflowSteps, only when the model says it must do nothing.
   */
  record LateStep(Kind kind, String label, int agent) implements Action {
    enum Kind {
      CLOSE,
      EXPIRE,
      RECORD_RONA,
      WORKFLOW_ENDED
    }

    @Override
    public Expect expect(World w) {
      World.TaskModel t = task(w, label);
      if (t == null) {
        return Expect.skip("no task " + label);
      }
      boolean moot =
          switch (kind) {
            case CLOSE -> t.state != TaskState.Connected && t.state != TaskState.AfterWork;
            case EXPIRE -> t.state == TaskState.Connected || t.state == TaskState.AfterWork || t.state.isTerminal();
            case RECORD_RONA -> !(t.state == TaskState.Offered && t.offeredTo.contains(w.agents.get(agent).upn));
            case WORKFLOW_ENDED -> t.state.isTerminal();
          };
      return moot ? Expect.noop("the task moved on (" + t.state + ")") : Expect.skip("would act outside the workflow");
    }

    @Override
    public Result run(Driver d, World w) {
      World.TaskModel t = task(w, label);
      return d.asSystem(
          () -> {
            switch (kind) {
              case CLOSE -> d.timers.fireAfterWorkEnd(t.id);
              case EXPIRE -> d.steps.expire(t.id);
              case RECORD_RONA -> d.timers.fireOfferTimeout(t.id, w.agents.get(agent).upn);
              case WORKFLOW_ENDED -> d.steps.workflowEnded(t.id, "system", "late");
            }
            return Result.ok();
          });
    }

    @Override
    public String describe(World w) {
      return "late workflow step " + kind + " for " + label + (kind == Kind.RECORD_RONA ? " and a" + agent : "");
    }
  }

  /** An agent (or a supervisor for them) goes on or off duty in a service. */
  record SetDuty(int agent, int service, boolean onDuty, boolean bySupervisor) implements Action {
    @Override
    public Expect expect(World w) {
      return w.services.get(service).members.containsKey(w.agents.get(agent).upn) ? Expect.change() : Expect.refused(400, "not a member");
    }

    @Override
    public Result run(Driver d, World w) {
      World.AgentModel a = w.agents.get(agent);
      World.ServiceModel s = w.services.get(service);
      java.util.function.Supplier<Result> call =
          () -> {
            d.users.setDuty(a.upn, s.upn, onDuty);
            w.dutyChanged(a, s, onDuty);
            return Result.ok();
          };
      return bySupervisor ? d.asAdmin(call) : d.asAgent(a.upn, call);
    }

    @Override
    public String describe(World w) {
      return "a" + agent + " goes " + (onDuty ? "on" : "off") + " duty in s" + service + (bySupervisor ? " (set by a supervisor)" : "");
    }
  }

  /** POST /v1/users/{upn}/rona-reset: in one service, or in all. */
  record ResetRona(int agent, Integer service) implements Action {
    @Override
    public Expect expect(World w) {
      return Expect.change();
    }

    @Override
    public Result run(Driver d, World w) {
      World.AgentModel a = w.agents.get(agent);
      World.ServiceModel s = service == null ? null : w.services.get(service);
      return d.asAgent(
          a.upn,
          () -> {
            d.users.resetRona(a.upn, s == null ? null : s.upn);
            w.ronaReset(a, s);
            return Result.ok();
          });
    }

    @Override
    public String describe(World w) {
      return "a" + agent + " resets their RONA flag" + (service == null ? "s" : " in s" + service);
    }
  }

  /** An agent picks a waiting task of a Pickup service (connected at once). */
  record PickUp(int agent, String label) implements Action {
    @Override
    public Expect expect(World w) {
      World.TaskModel t = task(w, label);
      if (t == null) {
        return Expect.skip("no task " + label);
      }
      if (t.state != TaskState.Queued) {
        return w.holds(t, w.agents.get(agent).upn) ? Expect.refused(409, "it is " + t.state) : Expect.refused(403, "not waiting for a pickup");
      }
      World.ServiceModel s = w.service(t.service);
      if (s.settings.type() != dev.cumulus.directory.DistributionType.Pickup) {
        return Expect.refused(409, s.name() + " is " + s.settings.type());
      }
      World.AgentModel a = w.agents.get(agent);
      if (!w.isMember(a, t.service)) {
        return Expect.refused(403, "not a member");
      }
      if (!w.isOnDuty(a, t.service) || !w.acceptsPresence(a, t.service) || !w.hasRoom(a)) {
        return Expect.refused(409, "off duty, absent or full");
      }
      return Expect.change();
    }

    @Override
    public Result run(Driver d, World w) {
      World.TaskModel t = task(w, label);
      return d.asAgent(
          w.agents.get(agent).upn,
          () -> {
            d.agent.pickUp(t.id);
            return Result.ok();
          });
    }

    @Override
    public String describe(World w) {
      return "a" + agent + " picks up " + label;
    }
  }

  /** POST .../after-work/extend: once, by the agent, where the service allows it. */
  record ExtendAfterWork(int agent, String label, Integer seconds) implements Action {
    @Override
    public Expect expect(World w) {
      World.TaskModel t = task(w, label);
      if (t == null) {
        return Expect.skip("no task " + label);
      }
      if (t.state != TaskState.AfterWork) {
        return Expect.refused(409, "it is " + t.state);
      }
      if (!w.agents.get(agent).upn.equals(t.agent)) {
        return Expect.refused(403, "another agent's task");
      }
      World.Settings x = w.service(t.service).settings;
      if (!x.acwAllowExtension()) {
        return Expect.refused(409, "no extension in " + w.nameOf(t.service));
      }
      if (t.afterWorkExtended) {
        return Expect.refused(409, "already extended");
      }
      if (seconds != null && (seconds < 1 || seconds > x.acwMaxExtensionSeconds())) {
        return Expect.refused(400, "at most " + x.acwMaxExtensionSeconds() + " s");
      }
      return Expect.change();
    }

    @Override
    public Result run(Driver d, World w) {
      World.TaskModel t = task(w, label);
      return d.asAgent(
          w.agents.get(agent).upn,
          () -> {
            d.agent.extendAfterWork(t.id, seconds);
            return Result.ok();
          });
    }

    @Override
    public String describe(World w) {
      return "a" + agent + " extends the after-work of " + label + (seconds == null ? "" : " by " + seconds + " s");
    }
  }

  // ==================================================================== admin

  /** An admin replaces a service's members (its settings stay as they are). */
  record SetMembers(int service, List<Integer> agents) implements Action {
    @Override
    public Expect expect(World w) {
      return Expect.change();
    }

    @Override
    public Result run(Driver d, World w) {
      World.ServiceModel s = w.services.get(service);
      List<String> members = agents.stream().map(i -> w.agents.get(i).upn).toList();
      return d.asAdmin(
          () -> {
            d.services.save(s.upn, d.request(serviceBody(s, members), ServiceAdmin.ServiceRequest.class));
            w.membersChanged(s, members);
            return Result.ok();
          });
    }

    @Override
    public String describe(World w) {
      return "s" + service + " members become " + agents.stream().map(i -> "a" + i).collect(Collectors.toList());
    }
  }

  /** PUT /v1/services/{upn}: every setting, every time (absent settings would fall back to their defaults). */
  static Map<String, Object> serviceBody(World.ServiceModel s, List<String> members) {
    World.Settings x = s.settings;
    var body = new LinkedHashMap<String, Object>();
    body.put("displayName", s.name());
    body.put("members", members);
    body.put("ronaTimeoutSeconds", s.ronaTimeoutSeconds);
    body.put("acwSeconds", s.acwSeconds);
    body.put("maxConcurrentTasks", s.maxConcurrentTasks);
    body.put("distributionType", x.type().name());
    body.put("selectionPolicy", x.policy().name());
    body.put("broadcastSize", x.broadcastSize());
    body.put("preferredWaitSeconds", x.preferredWaitSeconds());
    body.put("distributeWhenBusy", x.distributeWhenBusy());
    body.put("distributeWhenAway", x.distributeWhenAway());
    body.put("persistentRona", x.persistentRona());
    body.put("ronaResetSeconds", x.ronaResetSeconds());
    body.put("acwAllowEarlyEnd", x.acwAllowEarlyEnd());
    body.put("acwAllowExtension", x.acwAllowExtension());
    body.put("acwMaxExtensionSeconds", x.acwMaxExtensionSeconds());
    body.put("agingStepSeconds", 0);
    body.put("awayOnMissedOffer", x.awayOnMissedOffer());
    return body;
  }

  static Map<String, Object> userBody(World.AgentModel a) {
    var body = new LinkedHashMap<String, Object>();
    body.put("displayName", a.name());
    body.put("password", Driver.PASSWORD);
    body.put("capacity", a.capacity);
    body.put("roles", List.of(UserAdmin.UserRole.Agent.name()));
    return body;
  }
}
