package dev.cumulus.directory;

import dev.cumulus.security.Caller;
import dev.cumulus.security.IdentityDirectory;
import dev.cumulus.web.ApiException;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Users (in the engine's identity service) with their routing state (in our agent table). */
@Service
public class UserAdmin {

  /** The roles a user can be given; each is a group in the identity service. */
  public enum UserRole {
    Agent(IdentityDirectory.AGENTS_GROUP),
    Supervisor(IdentityDirectory.SUPERVISORS_GROUP),
    Admin(IdentityDirectory.ADMIN_GROUP);

    final String group;

    UserRole(String group) {
      this.group = group;
    }
  }

  /** PUT /v1/users/{upn}. A password is required when the user is new; absent roles stay as they are (new: Agent). */
  public record UserRequest(
      @Size(max = 256) String displayName,
      @Size(min = 4, max = 128) String password,
      @Min(1) @Max(50) Integer capacity,
      @Size(max = 3) List<@NotNull UserRole> roles,
      @Size(max = 50) List<@NotNull @Size(min = 1, max = 64) String> skills) {

    public UserRequest(String displayName, String password, Integer capacity, List<UserRole> roles) {
      this(displayName, password, capacity, roles, null);
    }
  }

  /** PUT /v1/users/{upn}/duty: on or off duty in one service. */
  public record DutyRequest(@NotNull @Size(min = 1, max = 128) String serviceUpn, @NotNull Boolean onDuty) {}

  /** POST /v1/users/{upn}/rona-reset: one service, or all when absent. */
  public record RonaResetRequest(@Size(max = 128) String serviceUpn) {}

  /** The user's state in one of their services. */
  public record ServiceState(String serviceUpn, boolean onDuty, OffsetDateTime ronaUntil) {}

  /**
   * A user as the API shows them. {@code presenceReason}: why Cumulus set the presence ({@code
   * missedOffer}: Away after letting a Direct offer time out, until they set their presence), or null.
   */
  public record UserView(
      String upn, String displayName, int capacity, Set<UserRole> roles, String presence, String presenceReason, int activeTasks,
      OffsetDateTime idleSince, List<String> services, List<String> skills, int handledToday, List<ServiceState> duty) {}

  public record PresenceRequest(@NotNull Presence presence) {}

  private final IdentityDirectory directory;
  private final AgentStore agents;
  private final AvailabilityListener availability;
  private final ServiceStore services;
  private final Clock clock;
  private final ServiceSupervisors supervisors;
  private final org.springframework.context.ApplicationEventPublisher publisher;

  UserAdmin(
      IdentityDirectory directory, AgentStore agents, ServiceStore services, AvailabilityListener availability, Clock clock,
      ServiceSupervisors supervisors, org.springframework.context.ApplicationEventPublisher publisher) {
    this.directory = directory;
    this.services = services;
    this.agents = agents;
    this.availability = availability;
    this.clock = clock;
    this.supervisors = supervisors;
    this.publisher = publisher;
  }

  public record Saved(UserView user, boolean created) {}

  /** The longest user id the engine's identity tables hold. */
  static final int MAX_USER_ID = 64;

  @Transactional
  public Saved save(String upn, UserRequest request) {
    if (!ServiceAdmin.UPN.matcher(upn).matches()) {
      throw ApiException.invalid("upn", "pattern", "must be 1 to 128 of letters, digits and @ . _ + -");
    }
    if (upn.length() > MAX_USER_ID) {
      // the engine's identity tables hold user ids of up to 64 characters
      throw ApiException.invalid("upn", "maxLength", "a user's UPN has at most " + MAX_USER_ID + " characters");
    }
    boolean created = !directory.userExists(upn);
    if (created && request.password() == null) {
      throw ApiException.invalid("password", "required", "a new user needs a password");
    }
    String displayName = request.displayName() == null ? directory.displayName(upn).orElse(upn) : request.displayName();
    directory.saveUser(upn, displayName, request.password());
    if (request.roles() != null || created) {
      var roles = request.roles() == null ? List.of(UserRole.Agent) : request.roles();
      var groups = new HashSet<String>();
      roles.forEach(r -> groups.add(r.group));
      directory.setRoleGroups(upn, groups);
    }
    // credentials verified before this change no longer count on this node
    publisher.publishEvent(new dev.cumulus.security.UserChanged(upn));
    int capacity = request.capacity() != null ? request.capacity() : agents.find(upn).map(Agent::capacity).orElse(1);
    agents.upsert(upn, displayName, capacity, OffsetDateTime.now(clock));
    if (request.skills() != null) {
      agents.setSkills(upn, request.skills());
    }
    agents.recordChange(upn, "profile", OffsetDateTime.now(clock));
    availability.agentFreed(upn);
    return new Saved(view(upn), created);
  }

  @Transactional(readOnly = true)
  public UserView get(String upn) {
    Caller.current().requireSelfOrSupervisor(upn);
    if (!directory.userExists(upn)) {
      throw ApiException.notFound("User", upn);
    }
    return view(upn);
  }

  @Transactional(readOnly = true)
  public List<UserView> all() {
    return agents.all().stream().map(a -> view(a.upn())).toList();
  }

  /** Presence of an agent. Becoming Available offers the best waiting task at once. */
  @Transactional
  public UserView setPresence(String upn, Presence presence) {
    Caller.current().requireSelfOrSupervisor(upn);
    if (!directory.userExists(upn)) {
      throw ApiException.notFound("User", upn);
    }
    OffsetDateTime now = OffsetDateTime.now(clock);
    if (!agents.exists(upn)) {
      // a user created in Camunda Admin becomes an agent with capacity 1 when they first set presence
      agents.upsert(upn, directory.displayName(upn).orElse(upn), 1, now);
    }
    Agent before = agents.lock(upn).orElseThrow();
    boolean becameAvailable = presence == Presence.Available && before.presence() != Presence.Available;
    agents.setPresence(upn, presence, now, becameAvailable);
    agents.recordPresence(upn, presence, now);
    if (presence == Presence.Offline) {
      // going Offline resets persistent RONA flags, and ends windows that waited only for this user
      services.resetRona(upn, null);
      availability.agentGone(upn);
    } else {
      availability.agentFreed(upn);
    }
    return view(upn);
  }

  /** On or off duty in one service. Off duty also resets the RONA flag there; on duty offers work at once. */
  @Transactional
  public UserView setDuty(String upn, String serviceUpn, boolean onDuty) {
    Caller caller = Caller.current();
    caller.requireSelfOrSupervisor(upn);
    if (!caller.name().equalsIgnoreCase(upn)) {
      // a supervisor steers duty only in the services they supervise (admins everywhere)
      supervisors.requireSteers(caller, serviceUpn);
    }
    agents.lock(upn);
    if (!services.setDuty(serviceUpn, upn, onDuty)) {
      throw ApiException.invalid("serviceUpn", "membership", upn + " is not a member of '" + serviceUpn + "'");
    }
    agents.recordChange(upn, "duty", OffsetDateTime.now(clock));
    if (onDuty) {
      availability.agentFreed(upn);
    } else {
      availability.agentGone(upn);
    }
    return view(upn);
  }

  /**
   * Clears persistent RONA flags (in one service, or all), and offers work at once. A supervisor
   * resetting another agent's flags does so only in the services they supervise.
   */
  @Transactional
  public UserView resetRona(String upn, String serviceUpn) {
    Caller caller = Caller.current();
    caller.requireSelfOrSupervisor(upn);
    boolean forOther = !caller.name().equalsIgnoreCase(upn);
    if (serviceUpn != null && forOther) {
      supervisors.requireSteers(caller, serviceUpn);
    }
    if (!agents.exists(upn)) {
      throw ApiException.notFound("User", upn);
    }
    agents.lock(upn);
    var scope = forOther ? supervisors.scopeOf(caller) : Optional.<List<String>>empty();
    if (serviceUpn == null && scope.isPresent()) {
      scope.get().forEach(s -> services.resetRona(upn, s));
    } else {
      services.resetRona(upn, serviceUpn);
    }
    agents.recordChange(upn, "ronaReset", OffsetDateTime.now(clock));
    availability.agentFreed(upn);
    return view(upn);
  }

  private UserView view(String upn) {
    Agent agent = agents.find(upn).orElse(null);
    var roles = EnumSet.noneOf(UserRole.class);
    Set<String> groups = directory.groupsOf(upn);
    for (UserRole r : UserRole.values()) {
      if (groups.contains(r.group)) {
        roles.add(r);
      }
    }
    return new UserView(
        upn,
        agent != null ? agent.displayName() : directory.displayName(upn).orElse(upn),
        agent != null ? agent.capacity() : 1,
        roles,
        agent != null ? agent.presence().name() : Presence.Offline.name(),
        agent != null ? agent.presenceReason() : null,
        agent != null ? agent.activeTasks() : 0,
        agent != null ? agent.idleSince() : null,
        agents.servicesOf(upn),
        agent != null ? agent.skills() : List.of(),
        agent != null ? agent.handledToday() : 0,
        services.memberships(upn).stream().map(m -> new ServiceState(m.serviceUpn(), m.onDuty(), m.ronaUntil())).toList());
  }
}
