package dev.cumulus.workflow;

import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventListener;
import dev.cumulus.externaltask.TaskWorkflow;
import java.util.HashMap;
import org.springframework.stereotype.Component;

/** Every state change shows in Cockpit: the task's state and last event as process variables. */
@Component
class StateMirror implements TaskEventListener {

  private final TaskWorkflow workflow;

  StateMirror(TaskWorkflow workflow) {
    this.workflow = workflow;
  }

  @Override
  public void onTaskEvent(TaskEvent event, ExternalTask task) {
    var vars = new HashMap<String, Object>();
    vars.put(ExternalTaskProcess.VAR_STATE, task.state().name());
    vars.put("lastEvent", event.event().name());
    workflow.mirror(task, vars);
  }
}
