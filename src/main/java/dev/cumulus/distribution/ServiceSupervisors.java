package dev.cumulus.distribution;

import dev.cumulus.security.IdentityDirectory;
import dev.cumulus.web.ApiException;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashSet;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Who supervises which service. A supervisor's dashboard shows and steers only these services;
 * admins see every service.
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

  private Supervisors of(String serviceUpn) {
    return new Supervisors(
        serviceUpn,
        jdbc.queryForList("select user_upn from service_supervisor where service_upn = ? order by user_upn", String.class, serviceUpn));
  }
}
