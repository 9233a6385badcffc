package dev.cumulus.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.runtime.Job;

/**
 * Reads a task through the REST API and moves its process instance's timers with the engine's job
 * API (tests run with the job executor off, so a timer fires only when a test says so).
 */
public final class TaskProbe {

  private final Api reader;
  private final ManagementService management;

  public TaskProbe(Api reader, ManagementService management) {
    this.reader = reader;
    this.management = management;
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
    management.executeJob(job(taskId, activityId).getId());
  }
}
