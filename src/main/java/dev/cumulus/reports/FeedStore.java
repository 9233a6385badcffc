package dev.cumulus.reports;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cumulus.externaltask.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The feed's cursor (report_feed) and what it reads behind it: task_event and agent_change. */
@Component
class FeedStore {

  record Cursors(FeedCursor events, FeedCursor changes) {}

  /** A presence change as the feed reads it; kinds other than presence come with a null presence. */
  record Change(long id, String agent, String presence, Instant at) {}

  private final JdbcTemplate jdbc;
  private final Json json;

  FeedStore(JdbcTemplate jdbc, Json json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** The cursors, locked for this transaction; empty when another node feeds right now. */
  Optional<Cursors> lock() {
    return jdbc.query(
            "select last_event_id, event_gaps, last_change_id, change_gaps from report_feed where id = 1 for update skip locked",
            (rs, i) ->
                new Cursors(
                    FeedCursor.decode(rs.getLong("last_event_id"), rs.getString("event_gaps")),
                    FeedCursor.decode(rs.getLong("last_change_id"), rs.getString("change_gaps"))))
        .stream()
        .findFirst();
  }

  void save(Cursors cursors, Instant now) {
    jdbc.update(
        "update report_feed set last_event_id = ?, event_gaps = ?, last_change_id = ?, change_gaps = ?, fed_at = ? where id = 1",
        cursors.events().last(),
        cursors.events().encodeGaps(),
        cursors.changes().last(),
        cursors.changes().encodeGaps(),
        RollupStore.utc(now));
  }

  /** The highest task_event id the feed has passed (ids in its gaps may still come). */
  long fedEventId() {
    Long last = jdbc.queryForObject("select last_event_id from report_feed where id = 1", Long.class);
    return last == null ? 0 : last;
  }

  List<FedEvent> events(FeedCursor cursor, int limit) {
    var args = new ArrayList<Object>();
    String where = after(cursor, args);
    args.add(limit);
    return jdbc.query(
        "select id, task_id, event, state, occurred_at, actor, detail, service_upn, user_upn from task_event where " + where
            + " order by id fetch first ? rows only",
        (rs, i) ->
            new FedEvent(
                rs.getLong("id"),
                rs.getString("task_id"),
                rs.getString("event"),
                rs.getString("state"),
                RollupStore.time(rs, "occurred_at"),
                rs.getString("actor"),
                detail(rs.getString("detail")),
                rs.getString("service_upn"),
                rs.getString("user_upn")),
        args.toArray());
  }

  List<Change> changes(FeedCursor cursor, int limit) {
    var args = new ArrayList<Object>();
    String where = after(cursor, args);
    args.add(limit);
    return jdbc.query(
        "select id, user_upn, presence, occurred_at from agent_change where " + where + " order by id fetch first ? rows only",
        (rs, i) -> new Change(rs.getLong("id"), rs.getString("user_upn"), rs.getString("presence"), RollupStore.time(rs, "occurred_at")),
        args.toArray());
  }

  /** The moments that the given tasks' stored events tell, whether fed yet or not. */
  Map<String, TaskTimes> times(Collection<String> taskIds) {
    var times = new HashMap<String, TaskTimes>();
    var ids = List.copyOf(taskIds);
    for (int i = 0; i < ids.size(); i += 500) {
      var chunk = ids.subList(i, Math.min(ids.size(), i + 500));
      jdbc.query(
          "select task_id, event, occurred_at, user_upn from task_event where task_id in (" + RollupStore.placeholders(chunk.size())
              + ") and event in ('Created', 'Queued', 'Accepted', 'AfterWorkStarted') order by id",
          rs -> {
            String task = rs.getString("task_id");
            times.put(
                task,
                times.getOrDefault(task, TaskTimes.NONE).with(rs.getString("event"), RollupStore.time(rs, "occurred_at"), rs.getString("user_upn")));
          },
          chunk.toArray());
    }
    return times;
  }

  /** Customer identifiers of the given tasks, as the flow gave them. */
  Map<String, String> customerIdentifiers(Collection<String> taskIds) {
    var found = new HashMap<String, String>();
    var ids = List.copyOf(taskIds);
    for (int i = 0; i < ids.size(); i += 500) {
      var chunk = ids.subList(i, Math.min(ids.size(), i + 500));
      jdbc.query(
          "select id, customer_identifier from external_task where id in (" + RollupStore.placeholders(chunk.size()) + ")",
          rs -> {
            if (rs.getString("customer_identifier") != null) {
              found.put(rs.getString("id"), rs.getString("customer_identifier"));
            }
          },
          chunk.toArray());
    }
    return found;
  }

  /** Each service's service-level target in seconds. */
  Map<String, Integer> targets() {
    var targets = new HashMap<String, Integer>();
    jdbc.query("select upn, service_level_seconds from cumulus_service", rs -> {
      targets.put(rs.getString("upn"), rs.getInt("service_level_seconds"));
    });
    return targets;
  }

  private static String after(FeedCursor cursor, List<Object> args) {
    args.add(cursor.last());
    if (cursor.gaps().isEmpty()) {
      return "id > ?";
    }
    args.addAll(cursor.gaps());
    return "(id > ? or id in (" + RollupStore.placeholders(cursor.gaps().size()) + "))";
  }

  private Map<String, String> detail(String stored) {
    Map<String, String> d = json.read(stored, new TypeReference<Map<String, String>>() {});
    return d == null ? Map.of() : d;
  }
}
