package dev.cumulus.security;

import dev.cumulus.web.ApiException;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who is calling: the principal name (a UPN, or flow:KEY-PREFIX) and their roles. */
public record Caller(String name, Set<Role> roles) {

  public static Caller current() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !auth.isAuthenticated()) {
      return new Caller("anonymous", Set.of());
    }
    var roles = EnumSet.noneOf(Role.class);
    for (var authority : auth.getAuthorities()) {
      for (Role r : Role.values()) {
        if (r.authority().equals(authority.getAuthority())) {
          roles.add(r);
        }
      }
    }
    return new Caller(auth.getName(), roles);
  }

  public boolean is(Role role) {
    return roles.contains(role);
  }

  /**
   * The user themself, an admin or a supervisor. Which tasks and services a supervisor may see and
   * steer is decided per service by {@code distribution.ServiceSupervisors}.
   */
  public void requireSelfOrSupervisor(String userUpn) {
    if (!name.equalsIgnoreCase(userUpn) && !is(Role.ADMIN) && !is(Role.SUPERVISOR)) {
      throw ApiException.forbidden(name + " may not act for " + userUpn);
    }
  }
}
