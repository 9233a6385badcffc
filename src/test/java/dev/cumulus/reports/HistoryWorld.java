package dev.cumulus.reports;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A generated history with everything the property test needs to know the answers: services with
 * their targets, agents, tasks whose events tell whole or partial lives (declines, RONA, Broadcast
 * rounds, transfers between services, after-work or none, cancels by everyone, expiry, tasks still
 * open), presence changes, and for each row when its id was taken and when it committed. Event times
 * may be skewed by a few seconds (another node's clock); some transactions commit minutes after
 * later ids were read (late events). A task's transactions follow each other, as its row lock
 * makes them: the next takes its id after the previous committed.
 */
final class HistoryWorld {

  /** A task_event row to be: its id is given in commit simulation order. */
  static final class Event {
    long id;
    final String task;
    final String event;
    final String state;
    final Instant at;
    final String actor;
    final Map<String, String> detail;
    final String service;
    final String user;
    /** When the row is inserted (its id taken) and when it commits, in simulated time. */
    Instant idTime;
    Instant commitTime;

    Event(String task, String event, String state, Instant at, String actor, Map<String, String> detail, String service, String user) {
      this.task = task;
      this.event = event;
      this.state = state;
      this.at = at;
      this.actor = actor;
      this.detail = detail;
      this.service = service;
      this.user = user;
    }

    @Override
    public String toString() {
      return id + " " + task.substring(0, 8) + " " + event + " " + at + " " + service + " " + user + " " + detail;
    }
  }

  /** An agent_change row of kind presence; it commits at its true time (the agent's row lock orders them). */
  record PresenceChange(long id, String agent, String presence, Instant at, Instant commitTime) {}

  final long seed;
  final Instant start;
  final Instant end;
  final Map<String, Integer> targets = new LinkedHashMap<>();
  final List<String> agents = new ArrayList<>();
  final Map<String, String> customers = new LinkedHashMap<>();
  final Map<String, String> createdIn = new LinkedHashMap<>();
  final List<Event> events = new ArrayList<>();
  final List<PresenceChange> presence = new ArrayList<>();

  private final Random random;
  private final Random ids;

  HistoryWorld(long seed, long firstId, String tag) {
    this.seed = seed;
    this.random = new Random(seed);
    this.ids = new Random(seed * 31 + 7);
    // a window that starts off the 15-minute grid, two days back
    this.start = Instant.parse("2026-11-20T06:00:00Z").plusSeconds(random.nextInt(3 * 3600)).plusMillis(random.nextInt(1000));
    this.end = start.plus(Duration.ofHours(4));
    int[] choices = {20, 30, 60, 120};
    for (int i = 0; i < 3; i++) {
      targets.put("s" + i + "." + tag + "@contoso.test", choices[random.nextInt(choices.length)]);
    }
    for (int i = 0; i < 4; i++) {
      agents.add("a" + i + "." + tag + "@contoso.test");
    }
    int taskCount = 30 + random.nextInt(40);
    for (int t = 0; t < taskCount; t++) {
      task(new java.util.UUID(seed, t + firstId).toString());
    }
    assignIds(firstId);
    presence(firstId);
  }

  List<String> services() {
    return List.copyOf(targets.keySet());
  }

  private String anyService() {
    return services().get(random.nextInt(targets.size()));
  }

  private String anyAgent() {
    return agents.get(random.nextInt(agents.size()));
  }

  /** One task's life: its events in causal order with their unskewed times. */
  private void task(String id) {
    String service = anyService();
    createdIn.put(id, service);
    if (random.nextInt(3) == 0) {
      customers.put(id, "C-" + random.nextInt(1000));
    }
    List<Event> life = new ArrayList<>();
    Instant t = start.plusSeconds(random.nextInt(3 * 3600));
    life.add(event(id, "Created", "InWorkflow", t, "flow:it", Map.of(), service, null));
    boolean queued = random.nextInt(10) > 0;
    if (queued) {
      t = later(t, 30);
      life.add(event(id, "Queued", "Queued", t, "system", Map.of(), service, null));
      if (random.nextInt(8) == 0) {
        // a custom workflow that queues again: waiting counts from the first
        t = later(t, 60);
        life.add(event(id, "Queued", "Queued", t, "system", Map.of(), service, null));
      }
    }
    String agent = null;
    boolean accepted = false;
    int rounds = queued ? random.nextInt(4) : 0;
    for (int r = 0; r < rounds && !accepted; r++) {
      if (random.nextInt(6) == 0) {
        String to = anyService();
        if (!to.equals(service)) {
          t = later(t, 300);
          life.add(event(id, "Transferred", "Queued", t, "sup", Map.of("from", service, "to", to), to, null));
          service = to;
        }
      }
      t = later(t, 600);
      if (random.nextInt(4) == 0) {
        List<String> everyone = new ArrayList<>(agents.subList(0, 2 + random.nextInt(agents.size() - 1)));
        life.add(event(id, "Offered", "Offered", t, "system", Map.of("userUpn", String.join(",", everyone), "rule", "broadcast"), service, null));
        t = later(t, 120);
        if (random.nextBoolean()) {
          agent = everyone.get(random.nextInt(everyone.size()));
          life.add(event(id, "Accepted", "Connected", t, agent, Map.of("userUpn", agent), service, agent));
          accepted = true;
        } else {
          life.add(event(id, "Rona", "Queued", t, "system", Map.of("userUpn", String.join(",", everyone), "broadcast", "true"), service, null));
        }
      } else {
        agent = anyAgent();
        life.add(event(id, "Offered", "Offered", t, "system", Map.of("userUpn", agent, "rule", "longestIdle"), service, agent));
        t = later(t, 120);
        switch (random.nextInt(3)) {
          case 0 -> life.add(event(id, "Declined", "Queued", t, agent, Map.of("userUpn", agent), service, agent));
          case 1 -> life.add(event(id, "Rona", "Queued", t, "system", Map.of("userUpn", agent), service, agent));
          default -> {
            life.add(event(id, "Accepted", "Connected", t, agent, Map.of("userUpn", agent), service, agent));
            accepted = true;
          }
        }
      }
    }
    if (queued && !accepted && random.nextInt(5) == 0) {
      // picked up from the queue: accepted without an offer
      agent = anyAgent();
      t = later(t, 900);
      life.add(event(id, "Accepted", "Connected", t, agent, Map.of("userUpn", agent), service, agent));
      accepted = true;
    }
    int ending = random.nextInt(10);
    if (accepted) {
      if (ending < 7) {
        t = later(t, 1200);
        if (random.nextBoolean()) {
          life.add(event(id, "AfterWorkStarted", "AfterWork", t, agent, Map.of("seconds", "30"), service, agent));
          t = later(t, 120);
        }
        life.add(event(id, "Completed", "Completed", t, agent, Map.of("userUpn", agent), service, null));
      } else if (ending < 9) {
        t = later(t, 600);
        life.add(cancel(id, t, service, "Abandoned"));
      }
    } else if (ending < 3) {
      t = later(t, 1800);
      life.add(event(id, "Expired", "Expired", t, "system", Map.of("expiresAt", t.toString()), service, null));
    } else if (ending < 6) {
      t = later(t, 900);
      life.add(cancel(id, t, service, "Cancelled"));
    }
    // simulated commits: the next transaction of the task takes its id after the previous committed
    Instant committed = null;
    for (Event e : life) {
      Instant causal = e.idTime;
      e.idTime = committed == null || causal.isAfter(committed) ? causal : committed.plusMillis(1 + random.nextInt(50));
      e.commitTime = e.idTime.plusMillis(random.nextInt(8) == 0 ? 30_000 + random.nextInt(600_000) : random.nextInt(200));
      committed = e.commitTime;
    }
    events.addAll(life);
  }

  private Event cancel(String id, Instant t, String service, String outcome) {
    String by = List.of("flow", "supervisor", "workflow", "system").get(random.nextInt(4));
    return event(id, "Cancelled", "Cancelled", t, by, Map.of("outcome", outcome, "cancelledBy", by), service, null);
  }

  /** An event at its causal time, recorded with a clock that may be a few seconds off. */
  private Event event(String task, String type, String state, Instant causal, String actor, Map<String, String> detail, String service, String user) {
    Instant recorded = random.nextInt(6) == 0 ? causal.plusMillis(random.nextInt(6000) - 3000) : causal;
    var e = new Event(task, type, state, recorded, actor, detail, service, user);
    e.idTime = causal;
    return e;
  }

  private Instant later(Instant t, int maxSeconds) {
    return t.plusMillis(1 + random.nextInt(maxSeconds * 1000));
  }

  private void assignIds(long firstId) {
    events.sort(Comparator.comparing((Event e) -> e.idTime).thenComparing(e -> ids.nextInt()));
    long id = firstId;
    for (Event e : events) {
      e.id = id++;
    }
  }

  private void presence(long firstId) {
    record Draft(String agent, String presence, Instant at, Instant truth) {}
    var drafts = new ArrayList<Draft>();
    String[] kinds = {"Available", "Busy", "Away", "Offline"};
    for (String agent : agents) {
      Instant t = start.plusSeconds(random.nextInt(1800));
      int changes = 2 + random.nextInt(8);
      for (int i = 0; i < changes && t.isBefore(end); i++) {
        Instant recorded = random.nextInt(6) == 0 ? t.minusMillis(random.nextInt(3000)) : t;
        drafts.add(new Draft(agent, kinds[random.nextInt(kinds.length)], recorded, t));
        t = later(t, 3600);
      }
    }
    // ids in the order of the true times; skewed recorded times may then look out of order
    drafts.sort(Comparator.comparing(Draft::truth));
    long id = firstId;
    for (Draft d : drafts) {
      presence.add(new PresenceChange(id++, d.agent(), d.presence(), d.at(), d.truth()));
    }
  }
}
