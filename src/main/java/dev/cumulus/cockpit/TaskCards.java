package dev.cumulus.cockpit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cumulus.directory.ServiceSupervisors;
import dev.cumulus.lifecycle.ExternalTaskView;
import dev.cumulus.lifecycle.RoutingInsight;
import dev.cumulus.lifecycle.TaskViews;
import dev.cumulus.security.Caller;
import dev.cumulus.security.IdentityDirectory;
import dev.cumulus.security.Role;
import dev.cumulus.web.ApiException;
import dev.cumulus.web.Problems;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The Spring side of the Cockpit plugin: {@link TaskCardResource}, which Cockpit creates outside
 * Spring, looks this bean up and asks it for one task's card, already as JSON. The one read of the
 * card: the task as GET /v1/ExternalTasks/{id} shows it and its routing trace, in one read-only
 * transaction, with Cumulus's own scope: admins see every card, a supervisor the cards of the services
 * they supervise, nobody else any.
 */
@Component
class TaskCards {

  /** An HTTP answer for the resource: the card, or problem+json. */
  record Answer(int status, String contentType, String body) {}

  private final TaskViews tasks;
  private final RoutingInsight insight;
  private final ServiceSupervisors supervisors;
  private final IdentityDirectory directory;
  private final ObjectMapper mapper;
  private final TransactionTemplate readOnly;

  TaskCards(
      TaskViews tasks,
      RoutingInsight insight,
      ServiceSupervisors supervisors,
      IdentityDirectory directory,
      ObjectMapper mapper,
      PlatformTransactionManager transactions) {
    this.tasks = tasks;
    this.insight = insight;
    this.supervisors = supervisors;
    this.directory = directory;
    this.mapper = mapper;
    this.readOnly = new TransactionTemplate(transactions);
    this.readOnly.setReadOnly(true);
  }

  /**
   * The card of the task, as the given user (logged in to Cockpit) may see it. The user's roles come
   * from their groups now, as for every /v1 request, not from when they logged in to Cockpit.
   */
  Answer card(String userId, String taskId, String path) {
    Caller caller = callerOf(userId);
    if (!caller.is(Role.ADMIN) && !caller.is(Role.SUPERVISOR)) {
      return problem(ApiException.forbidden(userId + " is neither an admin nor a supervisor: the Cumulus tab shows tasks to those who watch them"), path);
    }
    // TaskViews and RoutingInsight decide on the caller of the current request: Cockpit's user, for this call
    SecurityContext previous = SecurityContextHolder.getContext();
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(userId, null, authorities(caller)));
    SecurityContextHolder.setContext(context);
    try {
      TaskCard card = readOnly.execute(status -> {
        ExternalTaskView task = tasks.get(taskId);
        // strictly by service: an agent's own involvement, which GET /v1 also lets through, does not count here
        supervisors.requireSteers(caller, task.serviceUpn());
        return TaskCard.of(task, insight.routing(taskId), OffsetDateTime.now(ZoneOffset.UTC));
      });
      return new Answer(200, MediaType.APPLICATION_JSON_VALUE, write(card));
    } catch (ApiException e) {
      return problem(e, path);
    } finally {
      SecurityContextHolder.setContext(previous);
    }
  }

  Answer notFound(String path, String detail) {
    return problem(new ApiException(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Process instance not found", detail, null, null), path);
  }

  Answer loginRequired(String path) {
    return problem(new ApiException(HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized", "log in to Cockpit", null, null), path);
  }

  private Caller callerOf(String userId) {
    Set<String> groups = directory.groupsOf(userId);
    var roles = EnumSet.noneOf(Role.class);
    if (groups.contains(IdentityDirectory.ADMIN_GROUP)) {
      roles.add(Role.ADMIN);
    }
    if (groups.contains(IdentityDirectory.SUPERVISORS_GROUP)) {
      roles.add(Role.SUPERVISOR);
    }
    if (groups.contains(IdentityDirectory.AGENTS_GROUP)) {
      roles.add(Role.AGENT);
    }
    return new Caller(userId, roles);
  }

  private static java.util.List<GrantedAuthority> authorities(Caller caller) {
    var authorities = new ArrayList<GrantedAuthority>();
    caller.roles().forEach(role -> authorities.add(new SimpleGrantedAuthority(role.authority())));
    return authorities;
  }

  private Answer problem(ApiException e, String path) {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    body.setType(e.type());
    body.setTitle(e.title());
    body.setInstance(URI.create(path));
    return new Answer(e.status().value(), MediaType.APPLICATION_PROBLEM_JSON_VALUE, write(body));
  }

  private String write(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the task card", e);
    }
  }
}
