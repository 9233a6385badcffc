package dev.cumulus.lifecycle;

import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.directory.ServiceSupervisors;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import dev.cumulus.routing.Distributor;
import dev.cumulus.routing.Eligibility;
import dev.cumulus.routing.RoutingTrace;
import dev.cumulus.security.Caller;
import dev.cumulus.web.ApiException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * For those who steer a service: why a task went to whom (its routing trace), and who would get a
 * task like it now (a dry run that creates nothing).
 */
@Service
public class RoutingInsight {

  private final TaskStore tasks;
  private final ServiceStore services;
  private final ServiceSupervisors supervisors;
  private final RoutingTrace trace;
  private final Distributor distributor;
  private final TaskRequests requests;
  private final Clock clock;

  RoutingInsight(
      TaskStore tasks,
      ServiceStore services,
      ServiceSupervisors supervisors,
      RoutingTrace trace,
      Distributor distributor,
      TaskRequests requests,
      Clock clock) {
    this.tasks = tasks;
    this.services = services;
    this.supervisors = supervisors;
    this.trace = trace;
    this.distributor = distributor;
    this.requests = requests;
    this.clock = clock;
  }

  /** Every routing decision made for the task, with each candidate's verdict. */
  @Transactional(readOnly = true)
  public List<RoutingTrace.Entry> routing(String taskId) {
    ExternalTask task = tasks.find(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    supervisors.requireSteers(Caller.current(), task.serviceUpn());
    return trace.of(taskId);
  }

  /** Who would get a task like this now, and why; creates nothing. */
  @Transactional(readOnly = true)
  public Eligibility.Decision preview(String serviceUpn, AddExternalTaskRequest request) {
    ServiceDefinition service = services.find(serviceUpn).orElseThrow(() -> ApiException.notFound("Service", serviceUpn));
    supervisors.requireSteers(Caller.current(), service.upn());
    DistributionPriority priority = TaskRequests.priority("distributionPriority", request.distributionPriority());
    requests.checkPreferredUsers("preferredUsers", request.preferredUsersOrEmpty());
    OffsetDateTime now = OffsetDateTime.now(clock);
    var task =
        new ExternalTask(
            "preview", 0, service.upn(), TaskState.Queued, priority, request.customerIdentifier(), request.title(), request.description(),
            request.customer(), request.contextParametersOrEmpty(), request.preferredUsersOrEmpty(), now, now, now.plusDays(1), null,
            null, null, null, null, Caller.current().name());
    return distributor.preview(task, service);
  }
}
