package dev.cumulus.lifecycle;

import dev.cumulus.directory.DistributionType;
import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.directory.ServiceStore;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskEvents;
import dev.cumulus.externaltask.TaskState;
import dev.cumulus.externaltask.TaskStore;
import dev.cumulus.routing.Distributor;
import dev.cumulus.routing.OfferStore;
import dev.cumulus.routing.Verdict;
import dev.cumulus.security.Caller;
import dev.cumulus.web.ApiException;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What an agent does to a task: accept or decline an offer, pick a task up, complete it, extend its
 * after-work. The caller is the agent; each public method is one transaction.
 */
@Service
public class AgentActions {

  private final TaskStore tasks;
  private final TaskEvents events;
  private final ServiceStore services;
  private final OfferStore offers;
  private final Distributor distributor;
  private final TaskTransitions transitions;
  private final TaskViews views;

  AgentActions(
      TaskStore tasks,
      TaskEvents events,
      ServiceStore services,
      OfferStore offers,
      Distributor distributor,
      TaskTransitions transitions,
      TaskViews views) {
    this.tasks = tasks;
    this.events = events;
    this.services = services;
    this.offers = offers;
    this.distributor = distributor;
    this.transitions = transitions;
    this.views = views;
  }

  @Transactional
  public ExternalTaskView accept(String taskId) {
    Caller caller = Caller.current();
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    requireOfferedTo(task, caller);
    // Broadcast: the other agents' offers end now, and they may get other tasks right after
    for (String other : offers.usersOffered(taskId)) {
      if (!other.equalsIgnoreCase(caller.name())) {
        transitions.endOffer(task, other, false);
      }
    }
    transitions.connect(taskId, caller.name());
    return views.withEvents(taskId);
  }

  /** Pickup services: an agent takes a waiting task from the queue, and is connected to it at once. */
  @Transactional
  public ExternalTaskView pickUp(String taskId) {
    Caller caller = Caller.current();
    ExternalTask task =
        tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    if (task.state() != TaskState.Queued) {
      if (!holdsNow(task, caller.name())) {
        throw ApiException.forbidden("the task is not waiting to be picked up by " + caller.name());
      }
      throw ApiException.wrongState("only a Queued task can be picked up; it is " + task.state());
    }
    ServiceDefinition service = distributor.serviceFor(task);
    if (service.settings().distributionType() != DistributionType.Pickup) {
      throw ApiException.wrongState("service " + service.upn() + " distributes its tasks itself (" + service.settings().distributionType() + ")");
    }
    Verdict refused = distributor.pickUp(task, service, caller.name());
    if (refused != null) {
      throw refused == Verdict.notMember
          ? ApiException.forbidden(caller.name() + " is not a member of " + service.upn())
          : ApiException.wrongState(caller.name() + " cannot take a task now: " + refused);
    }
    transitions.connect(taskId, caller.name());
    return views.withEvents(taskId);
  }

  @Transactional
  public ExternalTaskView decline(String taskId) {
    Caller caller = Caller.current();
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    requireOfferedTo(task, caller);
    transitions.endOffer(task, caller.name(), true);
    List<String> remaining = offers.usersOffered(taskId);
    if (!remaining.isEmpty()) {
      // Broadcast: the others' offers stand; the task (and its offer in the workflow) names one of them
      if (caller.name().equalsIgnoreCase(String.valueOf(task.assignedUserUpn()))) {
        tasks.setState(taskId, TaskState.Offered, remaining.get(0));
      }
    } else {
      transitions.offerEnded(taskId);
    }
    events.record(taskId, TaskEventType.Declined, caller.name(), Map.of("userUpn", caller.name()));
    return views.withEvents(taskId);
  }

  /** Connected: the agent is done, after-work starts. In after-work: ends it early. */
  @Transactional
  public ExternalTaskView complete(String taskId) {
    Caller caller = Caller.current();
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    if (!holdsNow(task, caller.name())) {
      // whatever its state: a task that is not the caller's says nothing about itself
      throw ApiException.forbidden("the task is not assigned to " + caller.name());
    }
    if (task.state() == TaskState.Connected) {
      transitions.handled(task, services.find(task.serviceUpn()).orElseThrow().acwSeconds(), caller.name());
    } else if (task.state() == TaskState.AfterWork) {
      if (!services.find(task.serviceUpn()).orElseThrow().settings().acwAllowEarlyEnd()) {
        throw ApiException.wrongState("service " + task.serviceUpn() + " does not allow ending after-work early");
      }
      transitions.close(task);
    } else {
      throw ApiException.wrongState("only a Connected task or one in AfterWork can be completed; it is " + task.state());
    }
    return views.withEvents(taskId);
  }

  /** After-work: restart its timer once, for up to the service's maximum extension. */
  @Transactional
  public ExternalTaskView extendAfterWork(String taskId, Integer seconds) {
    Caller caller = Caller.current();
    ExternalTask task = tasks.lock(taskId).orElseThrow(() -> ApiException.notFound("External task", taskId));
    if (task.state() != TaskState.AfterWork) {
      throw ApiException.wrongState("only a task in AfterWork can be extended; it is " + task.state());
    }
    if (!caller.name().equalsIgnoreCase(String.valueOf(task.assignedUserUpn()))) {
      throw ApiException.forbidden("the task is assigned to another agent");
    }
    var settings = services.find(task.serviceUpn()).orElseThrow().settings();
    if (!settings.acwAllowExtension()) {
      throw ApiException.wrongState("service " + task.serviceUpn() + " does not allow extending after-work");
    }
    if (tasks.afterWorkExtended(taskId)) {
      throw ApiException.wrongState("after-work can be extended once");
    }
    int max = settings.acwMaxExtensionSeconds();
    if (seconds != null && (seconds < 1 || seconds > max)) {
      throw ApiException.invalid("seconds", "range", "must be between 1 and " + max);
    }
    transitions.extendAfterWork(taskId, seconds == null ? max : seconds, caller.name());
    return views.withEvents(taskId);
  }

  /**
   * Whether the task is the user's now: offered to them (a Broadcast offer too), or connected or in
   * after-work with them. Only then does an agent's complete or pickup answer with the task's state.
   */
  private boolean holdsNow(ExternalTask task, String user) {
    return switch (task.state()) {
      case Offered -> offers.usersOffered(task.id()).stream().anyMatch(user::equalsIgnoreCase);
      case Connected, AfterWork -> user.equalsIgnoreCase(String.valueOf(task.assignedUserUpn()));
      default -> false;
    };
  }

  private void requireOfferedTo(ExternalTask task, Caller caller) {
    if (task.state() != TaskState.Offered) {
      throw ApiException.wrongState("only an Offered task can be accepted or declined; it is " + task.state());
    }
    if (offers.usersOffered(task.id()).stream().noneMatch(caller.name()::equalsIgnoreCase)) {
      throw ApiException.forbidden("the task is offered to another agent");
    }
  }
}
