package dev.cumulus.console;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cumulus.directory.ServiceSupervisors;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskStore;
import dev.cumulus.lifecycle.TaskSteering;
import dev.cumulus.security.Caller;
import dev.cumulus.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The supervisor dashboard: the services the viewer supervises (admins: all), live, and the
 * supervisor's actions on their tasks. Every action is recorded as a task event with the supervisor
 * as the actor (REST representation and webhooks show it).
 */
@RestController
class SupervisorPageController {

  private final ConsoleReads reads;
  private final LiveUpdates live;
  private final TaskSteering tasks;
  private final TaskStore taskStore;
  private final ServiceSupervisors supervisors;
  private final Clock clock;

  SupervisorPageController(
      ConsoleReads reads, LiveUpdates live, TaskSteering tasks, TaskStore taskStore, ServiceSupervisors supervisors, Clock clock) {
    this.reads = reads;
    this.live = live;
    this.tasks = tasks;
    this.taskStore = taskStore;
    this.supervisors = supervisors;
    this.clock = clock;
  }

  record AbortRequest(@NotBlank @Size(max = 500) String reason) {}

  record TransferRequest(@NotBlank @Size(max = 128) String serviceUpn) {}

  record PriorityRequest(@NotBlank String distributionPriority) {}

  record ProlongRequest(@NotNull @Min(1) @Max(10080) Integer minutes) {}

  @GetMapping("/ui/api/supervisor/state")
  DashboardSnapshot state() {
    return reads.dashboard(viewer());
  }

  /** The services whose figures the reports page offers (the same as the dashboard's). */
  @GetMapping("/ui/api/supervisor/services")
  java.util.List<ConsoleReads.ServiceChoice> services() {
    return reads.serviceChoices(viewer());
  }

  @GetMapping(path = "/ui/api/supervisor/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter stream() {
    return live.subscribe(LiveUpdates.Page.DASHBOARD, viewer());
  }

  @PostMapping("/ui/api/supervisor/tasks/{id}/abort")
  DashboardSnapshot abort(@PathVariable String id, @Valid @RequestBody AbortRequest request) {
    supervised(id);
    tasks.cancel(id, request.reason().strip());
    return reads.dashboard(viewer());
  }

  @PostMapping("/ui/api/supervisor/tasks/{id}/transfer")
  DashboardSnapshot transfer(@PathVariable String id, @Valid @RequestBody TransferRequest request) {
    supervised(id);
    if (!reads.visibleServices(viewer()).contains(request.serviceUpn())) {
      throw ApiException.invalid("serviceUpn", "supervisedService", "you do not supervise '" + request.serviceUpn() + "'");
    }
    tasks.transfer(id, request.serviceUpn());
    return reads.dashboard(viewer());
  }

  @PostMapping("/ui/api/supervisor/tasks/{id}/priority")
  DashboardSnapshot priority(@PathVariable String id, @Valid @RequestBody PriorityRequest request) {
    supervised(id);
    tasks.patch(id, JsonNodeFactory.instance.objectNode().put("distributionPriority", request.distributionPriority()));
    return reads.dashboard(viewer());
  }

  /** Prolongs the task's lifetime: the given minutes past its current end (or past now, if that is later). */
  @PostMapping("/ui/api/supervisor/tasks/{id}/prolong")
  DashboardSnapshot prolong(@PathVariable String id, @Valid @RequestBody ProlongRequest request) {
    ExternalTask task = supervised(id);
    OffsetDateTime now = OffsetDateTime.now(clock);
    OffsetDateTime from = task.expiresAt().isAfter(now) ? task.expiresAt() : now;
    String expiresAt = DateTimeFormatter.ISO_INSTANT.format(from.plusMinutes(request.minutes()));
    tasks.patch(id, JsonNodeFactory.instance.objectNode().put("expiresAt", expiresAt));
    return reads.dashboard(viewer());
  }

  /** The task, if it is in a service the viewer supervises. */
  private ExternalTask supervised(String id) {
    ExternalTask task = taskStore.find(id).orElseThrow(() -> ApiException.notFound("External task", id));
    // the same rule as the REST API (which the actions below check again)
    supervisors.requireSteers(Caller.current(), task.serviceUpn());
    return task;
  }

  private static Viewer viewer() {
    return Viewer.of(Caller.current());
  }
}
