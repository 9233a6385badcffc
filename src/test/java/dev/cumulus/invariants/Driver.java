package dev.cumulus.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cumulus.directory.ServiceAdmin;
import dev.cumulus.directory.UserAdmin;
import dev.cumulus.lifecycle.AgentActions;
import dev.cumulus.lifecycle.DistributionTimers;
import dev.cumulus.lifecycle.TaskIntake;
import dev.cumulus.lifecycle.TaskSteering;
import dev.cumulus.lifecycle.WorkflowSteps;
import dev.cumulus.security.Role;
import dev.cumulus.web.ApiException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.runtime.Job;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Drives Cumulus in-process: the Spring beans behind the REST API, called as a given caller (set in
 * Spring Security's context, as the API's filters would), and the engine's timers fired through
 * {@link ManagementService} (the job executor is off).
 */
final class Driver {

  static final String FLOW = "flow:demo***";
  static final String ADMIN = "admin";
  static final String PASSWORD = "secret1";

  /** The lifetime timer of the default workflow (a BPMN timer: workflow). */
  static final String EXPIRY_TIMER = "BoundaryEvent_Expired";
  /** Distribution's own timers (due times in Cumulus's rows), named as Db shows them beside the instance's. */
  static final String OFFER_DUE = "OfferDue";
  static final String AFTER_WORK_DUE = "AfterWorkDue";

  final TaskIntake intake;
  final AgentActions agent;
  final TaskSteering steering;
  final UserAdmin users;
  final ServiceAdmin services;
  final WorkflowSteps steps;
  final DistributionTimers timers;
  final ManagementService management;
  final ObjectMapper json;
  final Db db;

  Driver(TaskIntake intake, AgentActions agent, TaskSteering steering, UserAdmin users, ServiceAdmin services, WorkflowSteps steps, DistributionTimers timers, ManagementService management, ObjectMapper json, Db db) {
    this.intake = intake;
    this.agent = agent;
    this.steering = steering;
    this.users = users;
    this.services = services;
    this.steps = steps;
    this.timers = timers;
    this.management = management;
    this.json = json;
    this.db = db;
  }

  /** What a step's call answered. */
  sealed interface Result {
    /** Done. {@code problem} is set when the answer itself was wrong (for example a replay that created a task). */
    record Ok(String note, String problem) implements Result {}

    /** Refused with a problem: the API would answer this status. */
    record Refused(int status, String type, String detail) implements Result {}

    /** Not tried: the action does not apply to the world as it is (only in shrunk replays). */
    record Skipped(String why) implements Result {}

    /** Failed with something other than an ApiException: the API would answer 500. */
    record Crashed(RuntimeException error) implements Result {}

    static Ok ok() {
      return new Ok("", null);
    }
  }

  /** Runs the call as the caller with the role, turning an ApiException into {@link Result.Refused}. */
  Result as(String caller, Role role, Supplier<Result> call) {
    var auth = new UsernamePasswordAuthenticationToken(caller, "n/a", List.of(new SimpleGrantedAuthority(role.authority())));
    SecurityContextHolder.getContext().setAuthentication(auth);
    try {
      return call.get();
    } catch (ApiException e) {
      return new Result.Refused(e.status().value(), e.type().toString(), e.getMessage());
    } catch (RuntimeException e) {
      return new Result.Crashed(e);
    } finally {
      SecurityContextHolder.clearContext();
    }
  }

  Result asFlow(Supplier<Result> call) {
    return as(FLOW, Role.FLOW, call);
  }

  Result asAdmin(Supplier<Result> call) {
    return as(ADMIN, Role.ADMIN, call);
  }

  Result asAgent(String upn, Supplier<Result> call) {
    return as(upn, Role.AGENT, call);
  }

  /** Timers and workflow steps run without a caller, as on the job executor. */
  Result asSystem(Supplier<Result> call) {
    SecurityContextHolder.clearContext();
    try {
      return call.get();
    } catch (ApiException e) {
      return new Result.Refused(e.status().value(), e.type().toString(), e.getMessage());
    } catch (RuntimeException e) {
      return new Result.Crashed(e);
    }
  }

  /**
   * Fires the task's timer now, whatever its due date. Answers a problem when the workflow has no
   * such timer although the model expects one.
   */
  Result fireTimer(World.TaskModel task, String activityId) {
    return asSystem(
        () -> {
          if (OFFER_DUE.equals(activityId)) {
            return timers.fireOfferTimeout(task.id, null) ? Result.ok() : new Result.Ok("", "no offer timed out although the task is " + task.state);
          }
          if (AFTER_WORK_DUE.equals(activityId)) {
            return timers.fireAfterWorkEnd(task.id) ? Result.ok() : new Result.Ok("", "no after-work ended although the task is " + task.state);
          }
          if (task.processInstanceId == null) {
            task.processInstanceId = db.processInstanceOf(task.id);
          }
          Job job = management.createJobQuery().processInstanceId(task.processInstanceId).activityId(activityId).singleResult();
          if (job == null) {
            return new Result.Ok("", "no " + activityId + " timer although the task is " + task.state);
          }
          management.executeJob(job.getId());
          return Result.ok();
        });
  }

  /** A request object built from a map, the way the REST layer builds it from JSON (new fields stay at their defaults). */
  <T> T request(Map<String, Object> body, Class<T> type) {
    return json.convertValue(body, type);
  }

  JsonNode tree(Map<String, Object> body) {
    return json.valueToTree(body);
  }
}
