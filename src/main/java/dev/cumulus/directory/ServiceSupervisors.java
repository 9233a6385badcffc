package dev.cumulus.directory;

import dev.cumulus.security.Caller;
import dev.cumulus.security.IdentityDirectory;
import dev.cumulus.security.Role;
import dev.cumulus.web.ApiException;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Who supervises which service, and the one rule that follows from it everywhere (REST API and
 * dashboard): a supervisor sees and steers only the tasks of the services they supervise; admins and
 * flows (API keys) every service. Agents see their own offers and tasks (checked per task elsewhere).
 */
@Service
public class ServiceSupervisors {

  /** PUT /v1/services/{serviceUpn}/supervisors: replaces the list. */
  public record SupervisorsRequest(@NotNull @Size(max = 100) List<@NotNull @Size(min = 1, max = 128) String> supervisors) {}

  /** The service and its supervisors. */
  public record Supervisors(String serviceUpn, List<String> supervisors) {}

  private final JdbcTemplate jdbc;
  private final ServiceStore services;
  private final IdentityDirectory directory;

  ServiceSupervisors(JdbcTemplate jdbc, ServiceStore services, IdentityDirectory directory) {
    this.jdbc = jdbc;
    this.services = services;
    this.directory = directory;
  }

  @Transactional
  public Supervisors replace(String serviceUpn, List<String> supervisors) {
    services.find(serviceUpn).orElseThrow(() -> ApiException.notFound("Service", serviceUpn));
    var unique = new LinkedHashSet<String>();
    for (int i = 0; i < supervisors.size(); i++) {
      String upn = supervisors.get(i);
      if (!directory.userExists(upn)) {
        throw ApiException.invalid("supervisors[" + i + "]", "knownUser", "no user '" + upn + "' (create it with PUT /v1/users/{upn})");
      }
      if (!directory.groupsOf(upn).contains(IdentityDirectory.SUPERVISORS_GROUP)) {
        throw ApiException.invalid("supervisors[" + i + "]", "supervisorRole", "'" + upn + "' does not have the Supervisor role");
      }
      unique.add(upn);
    }
    jdbc.update("delete from service_supervisor where service_upn = ?", serviceUpn);
    for (String upn : unique) {
      jdbc.update("insert into service_supervisor (service_upn, user_upn) values (?, ?)", serviceUpn, upn);
    }
    return of(serviceUpn);
  }

  @Transactional(readOnly = true)
  public Supervisors get(String serviceUpn) {
    services.find(serviceUpn).orElseThrow(() -> ApiException.notFound("Service", serviceUpn));
    return of(serviceUpn);
  }

  /** The services the user supervises, in UPN order. */
  public List<String> servicesOf(String userUpn) {
    return jdbc.queryForList(
        "select service_upn from service_supervisor where user_upn = ? order by service_upn", String.class, userUpn);
  }

  /** Whether the caller may see and steer the tasks of the service: admins and flows all, a supervisor the supervised ones. */
  public boolean steers(Caller caller, String serviceUpn) {
    if (caller.is(Role.ADMIN) || caller.is(Role.FLOW)) {
      return true;
    }
    return caller.is(Role.SUPERVISOR) && serviceUpn != null && servicesOf(caller.name()).contains(serviceUpn);
  }

  /** Refuses (403 problem+json) a caller who may not see or steer the tasks of the service. */
  public void requireSteers(Caller caller, String serviceUpn) {
    if (!steers(caller, serviceUpn)) {
      throw ApiException.forbidden(
          caller.name() + " does not supervise " + serviceUpn + ": a supervisor sees and steers only the tasks of the services they supervise");
    }
  }

  /** The services whose tasks the caller may list: empty for every service (admins, flows), else the supervised ones. */
  public Optional<List<String>> scopeOf(Caller caller) {
    if (caller.is(Role.ADMIN) || caller.is(Role.FLOW)) {
      return Optional.empty();
    }
    return Optional.of(caller.is(Role.SUPERVISOR) ? servicesOf(caller.name()) : List.of());
  }

  private Supervisors of(String serviceUpn) {
    return new Supervisors(
        serviceUpn,
        jdbc.queryForList("select user_upn from service_supervisor where service_upn = ? order by user_upn", String.class, serviceUpn));
  }
}
