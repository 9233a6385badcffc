package dev.cumulus.routing;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cumulus.externaltask.Json;
import dev.cumulus.externaltask.TaskStore;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Each routing decision of a task: who was considered, why each was skipped, who was chosen by which rule. */
@Repository
public class RoutingTrace {

  /** One decision as GET /v1/ExternalTasks/{id}/routing shows it. */
  public record Entry(
      OffsetDateTime decidedAt, String trigger, List<String> chosen, String rule, Integer distributionLevel,
      List<Eligibility.Candidate> candidates) {}

  private final JdbcTemplate jdbc;
  private final Json json;

  RoutingTrace(JdbcTemplate jdbc, Json json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  void record(String taskId, OffsetDateTime at, String trigger, Eligibility.Decision decision) {
    jdbc.update(
        "insert into routing_decision (task_id, decided_at, trigger_kind, chosen_upn, rule, skill_level, candidates) values (?,?,?,?,?,?,?)",
        taskId,
        at,
        trigger,
        decision.chosen().isEmpty() ? null : String.join(",", decision.chosen()),
        decision.rule(),
        decision.level(),
        json.write(decision.candidates()));
  }

  public List<Entry> of(String taskId) {
    return jdbc.query(
        "select decided_at, trigger_kind, chosen_upn, rule, skill_level, candidates from routing_decision where task_id = ? order by id",
        (rs, i) -> {
          String chosen = rs.getString("chosen_upn");
          Object level = rs.getObject("skill_level");
          return new Entry(
              TaskStore.time(rs, "decided_at"),
              rs.getString("trigger_kind"),
              chosen == null ? List.of() : List.of(chosen.split(",")),
              rs.getString("rule"),
              level == null ? null : ((Number) level).intValue(),
              json.read(rs.getString("candidates"), new TypeReference<List<Eligibility.Candidate>>() {}));
        },
        taskId);
  }
}
