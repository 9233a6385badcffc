package dev.cumulus.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cumulus.client.ApiClient;
import dev.cumulus.client.ApiException;
import dev.cumulus.client.api.ExternalTasksApi;
import dev.cumulus.client.api.ServicesAndUsersApi;
import dev.cumulus.client.model.AddExternalTaskRequest;
import dev.cumulus.client.model.ContextParameter;
import dev.cumulus.client.model.DistributionPriority;
import dev.cumulus.client.model.Event;
import dev.cumulus.client.model.ExternalTaskView;
import dev.cumulus.client.model.Outcome;
import dev.cumulus.client.model.PreferredUser;
import dev.cumulus.client.model.Presence;
import dev.cumulus.client.model.PresenceRequest;
import dev.cumulus.client.model.Problem;
import dev.cumulus.client.model.ServiceRequest;
import dev.cumulus.client.model.TaskEventType;
import dev.cumulus.client.model.TaskState;
import dev.cumulus.client.model.UserRequest;
import dev.cumulus.lifecycle.DistributionTimers;
import dev.cumulus.support.Api;
import dev.cumulus.support.TaskProbe;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.camunda.bpm.engine.ManagementService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A client someone else wrote: the Java client that openapi-generator made from the committed OpenAPI
 * document (pom.xml, openapi-generator-maven-plugin) drives a task's whole life and reads the problems
 * of refused requests. Nothing here is written by hand against the API but the credentials header (the
 * native library leaves authentication to a request interceptor). Timers are fired by the test.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:generated-client-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false"
    })
class GeneratedClientIT {

  private static final String PASSWORD = "secret-1";

  @LocalServerPort int port;
  @Autowired ManagementService management;
  @Autowired DistributionTimers timers;
  @Autowired JdbcTemplate jdbc;

  String tag;
  ExternalTasksApi flow;
  ServicesAndUsersApi admin;
  TaskProbe probe;

  @BeforeEach
  void setUp() {
    tag = Long.toString(System.nanoTime(), 36);
    flow = new ExternalTasksApi(client("X-API-Key", Api.FLOW_KEY));
    admin = new ServicesAndUsersApi(client("Authorization", basic("admin", Api.ADMIN_PASSWORD)));
    probe = new TaskProbe(Api.flow(base()), management, timers, jdbc);
  }

  @Test
  void aFlowCreatesATaskAnAgentAcceptsAndCompletesItAndTheFlowReadsItBack() throws Exception {
    // given an agent in a service, Available (admin and agent through the generated client)
    String agent = "gen-agent." + tag + "@contoso.test";
    admin.putUser(agent, new UserRequest().displayName("Generated Agent").password(PASSWORD).capacity(1));
    String service = "gen-service." + tag + "@contoso.test";
    var defined = admin.putService(service, new ServiceRequest().displayName("Generated").members(List.of(agent)).acwSeconds(30));
    assertThat(defined.getUpn()).isEqualTo(service);
    var people = new ServicesAndUsersApi(client("Authorization", basic(agent, PASSWORD)));
    assertThat(people.setUserPresence(agent, new PresenceRequest().presence(Presence.AVAILABLE)).getPresence()).isEqualTo(Presence.AVAILABLE);
    var agentTasks = new ExternalTasksApi(client("Authorization", basic(agent, PASSWORD)));

    // when a flow creates a task for the agent
    var created =
        flow.addExternalTaskWithHttpInfo(
            new AddExternalTaskRequest()
                .serviceUpn(service)
                .customerIdentifier("C-GEN-1")
                .title("Call back")
                .distributionPriority(DistributionPriority.HIGH)
                .preferredUsers(List.of(new PreferredUser().upn(agent).priority(1)))
                .customContextParameters(List.of(new ContextParameter().name("orderId").value("4711"))),
            "gen-" + tag);
    String id = created.getData().getId();
    assertThat(created.getStatusCode()).isEqualTo(200);
    assertThat(created.getHeaders().get("Location")).containsExactly("/v1/ExternalTasks/" + id);
    assertThat(created.getData().getServiceUPN()).isEqualTo(service);

    // then it is offered to the agent, who accepts and completes it
    assertThat(agentTasks.getUserSessions(agent)).extracting(ExternalTaskView::getId).containsExactly(id);
    assertThat(agentTasks.acceptExternalTask(id).getState()).isEqualTo(TaskState.CONNECTED);
    assertThat(agentTasks.completeExternalTask(id).getState()).isEqualTo(TaskState.AFTER_WORK);
    probe.fireTimer(id, TaskProbe.AFTER_WORK_DUE);

    ExternalTaskView done = flow.getExternalTask(id);
    assertThat(done.getState()).isEqualTo(TaskState.COMPLETED);
    assertThat(done.getOutcome()).isEqualTo(Outcome.HANDLED);
    assertThat(done.getDistributionPriority()).isEqualTo(DistributionPriority.HIGH);
    assertThat(done.getLastConnectedUserUpn()).isEqualTo(agent);
    assertThat(done.getCustomContextParameters()).extracting(ContextParameter::getValue).containsExactly("4711");
    assertThat(done.getEvents())
        .extracting(Event::getEvent)
        .containsExactly(
            TaskEventType.CREATED, TaskEventType.QUEUED, TaskEventType.OFFERED, TaskEventType.ACCEPTED,
            TaskEventType.AFTER_WORK_STARTED, TaskEventType.COMPLETED);
    assertThat(done.getEvents().get(3).getActor()).isEqualTo(agent);
    assertThat(done.getEvents().get(3).getState()).isEqualTo(TaskState.CONNECTED);
    assertThat(flow.listExternalTasks(service, TaskState.COMPLETED, 0, 10).getItems()).extracting(ExternalTaskView::getId).containsExactly(id);

    // and accepting it again is a problem the client reads: 409 wrong-state
    ApiException again = catchThrowableOfType(ApiException.class, () -> agentTasks.acceptExternalTask(id));
    Problem wrongState = problem(again, 409);
    assertThat(wrongState.getType()).isEqualTo(URI.create("urn:cumulus:problem:wrong-state"));
    assertThat(wrongState.getDetail()).contains("Completed");
    assertThat(wrongState.getInstance()).isEqualTo(URI.create("/v1/ExternalTasks/" + id + "/accept"));
  }

  @Test
  void anInvalidTaskIsA400ProblemNamingTheFieldAndRule() {
    ApiException refused =
        catchThrowableOfType(ApiException.class, () -> flow.addExternalTask(new AddExternalTaskRequest().customerIdentifier("C-GEN-2"), null));

    Problem problem = problem(refused, 400);
    assertThat(problem.getType()).isEqualTo(URI.create("urn:cumulus:problem:invalid-request"));
    assertThat(problem.getTitle()).isEqualTo("Invalid request");
    assertThat(problem.getInstance()).isEqualTo(URI.create("/v1/ExternalTasks"));
    assertThat(problem.getErrors()).hasSize(1);
    assertThat(problem.getErrors().get(0).getField()).isEqualTo("serviceUpn");
    assertThat(problem.getErrors().get(0).getRule()).isNotBlank();
    assertThat(problem.getDetail()).startsWith("serviceUpn: ");
  }

  @Test
  void anUnknownTaskIs404AndAWrongKeyIs401() {
    ApiException missing = catchThrowableOfType(ApiException.class, () -> flow.getExternalTask("no-such-task-" + tag));
    Problem notFound = problem(missing, 404);
    assertThat(notFound.getType()).isEqualTo(URI.create("urn:cumulus:problem:not-found"));
    assertThat(notFound.getDetail()).contains("no-such-task-" + tag);
    assertThat(notFound.getErrors()).isEmpty();

    var stranger = new ExternalTasksApi(client("X-API-Key", "not-" + Api.FLOW_KEY));
    ApiException refused = catchThrowableOfType(ApiException.class, () -> stranger.listExternalTasks(null, null, 0, 10));
    Problem unauthorized = problem(refused, 401);
    assertThat(unauthorized.getType()).isEqualTo(URI.create("urn:cumulus:problem:unauthorized"));
    assertThat(unauthorized.getDetail()).isEqualTo("the API key is not valid");
  }

  /** The problem in a refused call's body, read with the client's own mapper into its Problem model. */
  private Problem problem(ApiException e, int status) {
    assertThat(e).as("the call was refused").isNotNull();
    assertThat(e.getCode()).as(e.getResponseBody()).isEqualTo(status);
    assertThat(e.getResponseHeaders().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    try {
      Problem problem = ApiClient.createDefaultObjectMapper().readValue(e.getResponseBody(), Problem.class);
      assertThat(problem.getStatus()).isEqualTo(status);
      return problem;
    } catch (java.io.IOException io) {
      throw new AssertionError("not a Problem: " + e.getResponseBody(), io);
    }
  }

  private ApiClient client(String header, String value) {
    var client = new ApiClient();
    client.updateBaseUri(base());
    client.setRequestInterceptor(request -> request.header(header, value));
    return client;
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
