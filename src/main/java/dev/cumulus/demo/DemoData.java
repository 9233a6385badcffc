package dev.cumulus.demo;

import dev.cumulus.directory.ServiceAdmin;
import dev.cumulus.directory.ServiceAdmin.ServiceRequest;
import dev.cumulus.directory.ServiceSupervisors;
import dev.cumulus.directory.UserAdmin;
import dev.cumulus.directory.UserAdmin.UserRequest;
import dev.cumulus.directory.UserAdmin.UserRole;
import dev.cumulus.security.IdentityDirectory;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Demo data on first start: two services, four agents, one supervisor (password "demo" each). What
 * exists already is left alone, so restarting never duplicates or resets anything.
 */
@Component
@ConditionalOnProperty(name = "cumulus.demo.enabled", havingValue = "true")
class DemoData implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(DemoData.class);
  static final String PASSWORD = "demo";

  private final UserAdmin users;
  private final ServiceAdmin services;
  private final IdentityDirectory directory;
  private final ServiceSupervisors supervisors;

  DemoData(UserAdmin users, ServiceAdmin services, IdentityDirectory directory, ServiceSupervisors supervisors) {
    this.users = users;
    this.services = services;
    this.directory = directory;
    this.supervisors = supervisors;
  }

  @Override
  public void run(ApplicationArguments args) {
    user("alice@contoso.com", "Alice Archer", 2, UserRole.Agent);
    user("bob@contoso.com", "Bob Baker", 1, UserRole.Agent);
    user("carol@contoso.com", "Carol Cooper", 1, UserRole.Agent);
    user("dave@contoso.com", "Dave Dawson", 1, UserRole.Agent);
    user("sam@contoso.com", "Sam Supervisor", 1, UserRole.Supervisor);
    service(
        "support@contoso.com", "Customer Support", "Call-backs and customer requests",
        List.of("alice@contoso.com", "bob@contoso.com", "carol@contoso.com"));
    service("sales@contoso.com", "Sales", "Quotes and bookings", List.of("carol@contoso.com", "dave@contoso.com"));
    // Sam supervises both demo services (also on a database from before service supervisors existed)
    if (directory.userExists("sam@contoso.com") && supervisors.servicesOf("sam@contoso.com").isEmpty()) {
      for (String service : List.of("support@contoso.com", "sales@contoso.com")) {
        if (services.all().stream().anyMatch(s -> s.upn().equals(service)) && supervisors.get(service).supervisors().isEmpty()) {
          supervisors.replace(service, List.of("sam@contoso.com"));
        }
      }
    }
  }

  private void user(String upn, String name, int capacity, UserRole role) {
    if (directory.userExists(upn)) {
      return;
    }
    users.save(upn, new UserRequest(name, PASSWORD, capacity, List.of(role)));
    log.info("demo user {} / {} ({})", upn, PASSWORD, role);
  }

  private void service(String upn, String name, String description, List<String> members) {
    if (services.all().stream().anyMatch(s -> s.upn().equals(upn))) {
      return;
    }
    services.save(upn, new ServiceRequest(name, description, members, 30, 10, null, null));
    log.info("demo service {} with {}", upn, members);
  }
}
