package dev.cumulus.console;

import dev.cumulus.directory.UserAdmin;
import dev.cumulus.lifecycle.AgentActions;
import dev.cumulus.reports.Reports;
import dev.cumulus.security.Caller;
import dev.cumulus.security.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * My Sessions: the logged-in agent's state, live, and what they do (presence, duty, answer offers,
 * complete, after-work). Each action goes through the same services as the REST API, as the
 * logged-in person, so the same rules and the same events (with them as the actor) apply.
 */
@RestController
class AgentPageController {

  private final ConsoleReads reads;
  private final LiveUpdates live;
  private final UserAdmin users;
  private final AgentActions tasks;
  private final Reports reports;

  AgentPageController(ConsoleReads reads, LiveUpdates live, UserAdmin users, AgentActions tasks, Reports reports) {
    this.reads = reads;
    this.live = live;
    this.users = users;
    this.tasks = tasks;
    this.reports = reports;
  }

  /** The token a page sends back in its header (or the login form in its field). */
  record Csrf(String headerName, String parameterName, String token) {}

  /** @param reportZone the zone of the reports' days and weeks, so that a page asks for "this week" as the reports count it */
  record Me(String upn, List<String> roles, Csrf csrf, String reportZone) {}

  record ExtendRequest(@Min(1) @Max(3600) Integer seconds) {}

  @GetMapping("/ui/api/csrf")
  Csrf csrf(CsrfToken token) {
    return new Csrf(token.getHeaderName(), token.getParameterName(), token.getToken());
  }

  @GetMapping("/ui/api/me")
  Me me(CsrfToken token) {
    Caller caller = Caller.current();
    return new Me(caller.name(), caller.roles().stream().map(Role::name).sorted().toList(), csrf(token), reports.defaultZone().getId());
  }

  @GetMapping("/ui/api/agent/state")
  AgentSnapshot state() {
    return reads.agent(Caller.current().name());
  }

  @GetMapping(path = "/ui/api/agent/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter stream() {
    return live.subscribe(LiveUpdates.Page.AGENT, Viewer.of(Caller.current()));
  }

  @PutMapping("/ui/api/agent/presence")
  AgentSnapshot presence(@Valid @RequestBody UserAdmin.PresenceRequest request) {
    String me = Caller.current().name();
    users.setPresence(me, request.presence());
    return reads.agent(me);
  }

  @PutMapping("/ui/api/agent/duty")
  AgentSnapshot duty(@Valid @RequestBody UserAdmin.DutyRequest request) {
    String me = Caller.current().name();
    users.setDuty(me, request.serviceUpn(), request.onDuty());
    return reads.agent(me);
  }

  @PostMapping("/ui/api/agent/tasks/{id}/accept")
  AgentSnapshot accept(@PathVariable String id) {
    tasks.accept(id);
    return reads.agent(Caller.current().name());
  }

  @PostMapping("/ui/api/agent/tasks/{id}/decline")
  AgentSnapshot decline(@PathVariable String id) {
    tasks.decline(id);
    return reads.agent(Caller.current().name());
  }

  /** Connected: done, after-work starts. In after-work: ends it early (where the service allows). */
  @PostMapping("/ui/api/agent/tasks/{id}/complete")
  AgentSnapshot complete(@PathVariable String id) {
    tasks.complete(id);
    return reads.agent(Caller.current().name());
  }

  @PostMapping("/ui/api/agent/tasks/{id}/after-work/extend")
  AgentSnapshot extend(@PathVariable String id, @Valid @RequestBody(required = false) ExtendRequest request) {
    tasks.extendAfterWork(id, request == null ? null : request.seconds());
    return reads.agent(Caller.current().name());
  }
}
