package dev.cumulus.reports;

import dev.cumulus.directory.ServiceStore;
import dev.cumulus.directory.ServiceSupervisors;
import dev.cumulus.security.Caller;
import dev.cumulus.security.Role;
import java.util.LinkedHashSet;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Who sees which figures (docs/reports.md, "Who sees what"): admins everything; supervisors their
 * services, their members' figures and the task history of their services; agents their own
 * figures; flows services' figures and the task history, never a person's figures.
 */
@Component
class ReportAccess {

  private final ServiceSupervisors supervisors;
  private final ServiceStore services;

  ReportAccess(ServiceSupervisors supervisors, ServiceStore services) {
    this.supervisors = supervisors;
    this.services = services;
  }

  ReportScope of(Caller caller) {
    if (caller.is(Role.ADMIN)) {
      return new ReportScope(null, null, true, true, true);
    }
    if (caller.is(Role.SUPERVISOR)) {
      List<String> supervised = supervisors.servicesOf(caller.name());
      var people = new LinkedHashSet<String>();
      supervised.forEach(s -> people.addAll(services.members(s)));
      people.add(caller.name());
      return new ReportScope(supervised, List.copyOf(people), true, true, true);
    }
    if (caller.is(Role.FLOW)) {
      return new ReportScope(null, List.of(), true, false, true);
    }
    if (caller.is(Role.AGENT)) {
      return new ReportScope(null, List.of(caller.name()), false, true, false);
    }
    return new ReportScope(List.of(), List.of(), false, false, false);
  }

  /** The members of the given services: an agent report limited to services shows their members' presence only. */
  List<String> membersOf(java.util.Collection<String> serviceUpns) {
    var people = new LinkedHashSet<String>();
    serviceUpns.forEach(s -> people.addAll(services.members(s)));
    return List.copyOf(people);
  }
}
