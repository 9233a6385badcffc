package dev.cumulus.workflow;

import dev.cumulus.directory.DistributionType;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.lifecycle.WorkflowActivities;
import dev.cumulus.lifecycle.WorkflowActivities.QueueOptions;
import dev.cumulus.lifecycle.WorkflowSteps;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The service tasks of the workflows. Each is thin: it reads the task id (the business key), calls
 * one step of {@link WorkflowSteps}, and writes the result for the next gateway.
 */
@Configuration
class Delegates {

  /**
   * Queue Task: into the service's queue, with the options of its inputs. The offer follows right
   * after commit; from here on distribution is Cumulus's, and the workflow waits ("With the agents").
   */
  @Bean
  JavaDelegate queueTaskDelegate(WorkflowActivities activities) {
    return activity(execution -> {
      var in = new Inputs(execution);
      var options = new QueueOptions(
          in.text("serviceUpn"),
          in.oneOf("priority", DistributionPriority.class),
          in.oneOf("distributionType", DistributionType.class),
          in.integer("offerTimeoutSeconds", 5, 3600),
          "created".equals(in.choice("ageFrom", "queued", "created")));
      activities.queue(taskId(execution), options);
    });
  }

  /** Check Task: the task's state, queue position, estimated wait, waiting time, level and free agents, for a gateway. */
  @Bean
  JavaDelegate checkTaskDelegate(WorkflowActivities activities) {
    return activity(execution -> {
      var check = activities.check(taskId(execution));
      Inputs.output(execution, "taskState", check.state().name());
      Inputs.output(execution, "queuePosition", check.queuePosition());
      Inputs.output(execution, "waitingSeconds", check.waitingSeconds());
      Inputs.output(execution, "distributionLevel", check.distributionLevel());
      Inputs.output(execution, "availableAgents", check.availableAgents());
      Inputs.output(execution, "estimatedWaitSeconds", check.estimatedWaitSeconds());
    });
  }

  /** Update Priority: sets one, or raises it by steps up to a cap (High unless Strict is asked for). */
  @Bean
  JavaDelegate updatePriorityDelegate(WorkflowActivities activities) {
    return activity(execution -> {
      var in = new Inputs(execution);
      Integer raiseBy = in.integer("raiseBy", 1, 3);
      DistributionPriority highest = in.oneOf("highestPriority", DistributionPriority.class);
      DistributionPriority now =
          activities.updatePriority(taskId(execution), in.oneOf("priority", DistributionPriority.class), raiseBy == null ? 1 : raiseBy, highest);
      Inputs.output(execution, "distributionPriority", now.name());
    });
  }

  /** Transfer: into another service's queue, keeping the task's age. */
  @Bean
  JavaDelegate transferTaskDelegate(WorkflowActivities activities) {
    return activity(execution -> {
      var in = new Inputs(execution);
      Inputs.output(execution, "transferred", activities.transfer(taskId(execution), in.required("serviceUpn")));
    });
  }

  /** Cancel Task: Cancelled with the reason (Abandoned when an agent is on it); a terminate end event follows. */
  @Bean
  JavaDelegate cancelTaskDelegate(WorkflowActivities activities) {
    return activity(execution -> {
      var in = new Inputs(execution);
      Inputs.output(execution, "outcome", activities.cancel(taskId(execution), in.text("reason")));
    });
  }

  /** Check Parameter: a context parameter's value, and whether it is set (to the expected value). */
  @Bean
  JavaDelegate checkParameterDelegate(WorkflowActivities activities) {
    return activity(execution -> {
      var in = new Inputs(execution);
      Optional<String> value = activities.parameter(taskId(execution), in.required("parameterName"));
      String expected = in.text("expectedValue");
      Inputs.output(execution, "parameterValue", value.orElse(null));
      Inputs.output(execution, "parameterMatches", value.isPresent() && (expected == null || expected.equals(value.get())));
    });
  }

  /** Set Parameter: sets a context parameter as UpdateTask would (event Updated, waiting workflows go on). */
  @Bean
  JavaDelegate setParameterDelegate(WorkflowActivities activities) {
    return activity(execution -> {
      var in = new Inputs(execution);
      Object value = Inputs.declared(execution).get("parameterValue");
      activities.setParameter(taskId(execution), in.required("parameterName"), value == null ? null : value.toString());
    });
  }

  /** Availability Check: Available, Busy or NobodyOnDuty, for a gateway with three exits. */
  @Bean
  JavaDelegate availabilityCheckDelegate(WorkflowActivities activities) {
    return activity(execution -> {
      var in = new Inputs(execution);
      var check = activities.availability(taskId(execution), in.text("serviceUpn"));
      Inputs.output(execution, "availability", check.availability().name());
      Inputs.output(execution, "availableAgents", check.availableAgents());
      Inputs.output(execution, "agentsOnDuty", check.agentsOnDuty());
    });
  }

  /** Notify: a custom event (Notified) for webhooks. */
  @Bean
  JavaDelegate notifyDelegate(WorkflowActivities activities) {
    return activity(execution -> {
      var in = new Inputs(execution);
      activities.notify(taskId(execution), in.required("notification"), in.text("message"));
    });
  }

  /** A wrong input of the diagram names the element it belongs to (an incident in Cockpit when asynchronous). */
  private static JavaDelegate activity(JavaDelegate delegate) {
    return execution -> {
      try {
        delegate.execute(execution);
      } catch (IllegalArgumentException e) {
        throw new dev.cumulus.externaltask.WorkflowStepException(
            "'" + execution.getCurrentActivityName() + "' (" + execution.getCurrentActivityId() + "): " + e.getMessage(), e);
      }
    };
  }

  /**
   * The lifetime ended: a task that still waits for an agent expires ({@code expired} true; the
   * diagram then ends the instance); one an agent works on is left to them ({@code expired} false).
   */
  @Bean
  JavaDelegate expireTaskDelegate(WorkflowSteps steps) {
    return execution -> Inputs.output(execution, "expired", steps.expire(taskId(execution)));
  }

  private static String taskId(DelegateExecution execution) {
    String taskId = execution.getProcessBusinessKey();
    if (taskId == null) {
      throw new IllegalStateException("a Cumulus workflow runs with the external task id as business key");
    }
    return taskId;
  }
}
