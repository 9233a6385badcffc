package dev.cumulus.cockpit;

import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.camunda.bpm.cockpit.plugin.resource.AbstractCockpitPluginRootResource;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * GET /camunda/api/cockpit/plugin/cumulus/{engine}/process-instance/{id}/task-card: the card of the
 * external task that the instance runs (its business key is the task id). Reads only.
 *
 * <p>Two checks, both must pass. The engine's: Cockpit's session filter has set the logged-in user on
 * the engine for this request, so the instance query below runs with that user's grants and finds
 * nothing for a user who may not read the instance (404). Cumulus's: a supervisor gets the card only
 * of a task of a service they supervise, admins every card, nobody else any (403; {@link TaskCards}).
 * Without a webapp session Cockpit's own filter refuses the request before it gets here.
 *
 * <p>Cockpit creates this class itself (Jersey, one instance per request; the plugin through
 * ServiceLoader), outside Spring, so nothing can be injected. The one thing both sides share is the
 * servlet context, where Spring Boot keeps its application context: the resource looks the
 * {@link TaskCards} bean up there. Not a static field: every application context in one JVM (the
 * tests start several) has its own servlet context, and each resource finds its own beans.
 */
@Path("plugin/" + CumulusCockpitPlugin.ID)
public class TaskCardResource extends AbstractCockpitPluginRootResource {

  public TaskCardResource() {
    super(CumulusCockpitPlugin.ID);
  }

  @GET
  @Path("{engineName}/process-instance/{processInstanceId}/task-card")
  @Produces({MediaType.APPLICATION_JSON, "application/problem+json"})
  public Response taskCard(@PathParam("engineName") String engineName, @PathParam("processInstanceId") String processInstanceId) {
    TaskCards cards = cards(servletContext);
    String path = uriInfo.getRequestUri().getPath();
    ProcessEngine engine = runtimeDelegate.getProcessEngine(engineName);
    if (engine == null) {
      return respond(cards.notFound(path, "no process engine '" + engineName + "'"));
    }
    IdentityService identity = engine.getIdentityService();
    Authentication user = identity.getCurrentAuthentication();
    if (user == null || user.getUserId() == null) {
      return respond(cards.loginRequired(path));
    }
    Instance instance = visibleToUser(engine, processInstanceId);
    if (instance == null) {
      return respond(cards.notFound(path, "no process instance '" + processInstanceId + "' that " + user.getUserId() + " may read"));
    }
    String taskId = instance.businessKey();
    if (taskId == null) {
      return respond(cards.notFound(path, "process instance '" + processInstanceId + "' has no business key: it runs no Cumulus task"));
    }
    // Cumulus reads as Cumulus, as its own engine calls always do: without the user's engine grants
    identity.clearAuthentication();
    try {
      return respond(cards.card(user.getUserId(), taskId, path));
    } finally {
      identity.setAuthentication(user);
    }
  }

  /** A process instance the current engine user may read; its business key is the task id. */
  private record Instance(String businessKey) {}

  /** The instance, running or ended, if the current engine user may read it; else null. */
  private static Instance visibleToUser(ProcessEngine engine, String processInstanceId) {
    ProcessInstance running =
        engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(processInstanceId).singleResult();
    if (running != null) {
      return new Instance(running.getBusinessKey());
    }
    // a task that ended while its tab was open: its instance is history now
    HistoricProcessInstance ended =
        engine.getHistoryService().createHistoricProcessInstanceQuery().processInstanceId(processInstanceId).singleResult();
    return ended == null ? null : new Instance(ended.getBusinessKey());
  }

  private static TaskCards cards(ServletContext servletContext) {
    return WebApplicationContextUtils.getRequiredWebApplicationContext(servletContext).getBean(TaskCards.class);
  }

  private static Response respond(TaskCards.Answer answer) {
    return Response.status(answer.status())
        .type(answer.contentType())
        .header("Cache-Control", "no-store")
        .entity(answer.body())
        .build();
  }
}
