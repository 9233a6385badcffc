package dev.cumulus.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import dev.cumulus.lifecycle.DistributionTimers;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.runtime.Job;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads a task through the REST API and moves its timers: the process instance's with the engine's
 * job API, distribution's own (offer timeout, after-work end) with {@link DistributionTimers} (tests
 * run with both switched off, so a timer fires only when a test says so).
 */
public final class TaskProbe {

  /** Distribution's timers, by the names {@link #fireTimer} takes beside the diagram's activity ids. */
  public static final String OFFER_DUE = "OfferDue";
  public static final String AFTER_WORK_DUE = "AfterWorkDue";

  private final Api reader;
  private final ManagementService management;
  private final DistributionTimers timers;
  private final JdbcTemplate jdbc;

  public TaskProbe(Api reader, ManagementService management, DistributionTimers timers, JdbcTemplate jdbc) {
    this.reader = reader;
    this.management = management;
    this.timers = timers;
    this.jdbc = jdbc;
  }

  /** When the task's offer times out (its earliest offer's due time). */
  public Instant offerDueAt(String taskId) {
    OffsetDateTime due = jdbc.queryForObject("select min(due_at) from offer where task_id = ?", OffsetDateTime.class, taskId);
    assertThat(due).as("an offer of " + taskId).isNotNull();
    return due.toInstant();
  }

  /** When the task's after-work time ends. */
  public Instant afterWorkDueAt(String taskId) {
    return jdbc.queryForObject("select due_at from after_work where task_id = ?", OffsetDateTime.class, taskId).toInstant();
  }

  /** GET /v1/ExternalTasks/{id}, which must answer 200. */
  public JsonNode task(String id) {
    var r = reader.get("/v1/ExternalTasks/" + id);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.body();
  }

  /** The names of the task's events, oldest first. */
  public static List<String> events(JsonNode task) {
    var names = new ArrayList<String>();
    task.path("events").forEach(e -> names.add(e.path("event").asText()));
    return names;
  }

  /** The job waiting at this activity of the task's process instance; it must exist. */
  public Job job(String taskId, String activityId) {
    String instance = task(taskId).path("processInstanceId").asText();
    Job job = management.createJobQuery().processInstanceId(instance).activityId(activityId).singleResult();
    assertThat(job).as("job at " + activityId).isNotNull();
    return job;
  }

  /** Fires the timer (or runs the asynchronous continuation) waiting at this activity now. */
  public void fireTimer(String taskId, String activityId) {
    if (OFFER_DUE.equals(activityId)) {
      assertThat(timers.fireOfferTimeout(taskId, null)).as("an offer of " + taskId + " timed out").isTrue();
      return;
    }
    if (AFTER_WORK_DUE.equals(activityId)) {
      assertThat(timers.fireAfterWorkEnd(taskId)).as("the after-work of " + taskId + " ended").isTrue();
      return;
    }
    management.executeJob(job(taskId, activityId).getId());
  }
}
