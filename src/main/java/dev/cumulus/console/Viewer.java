package dev.cumulus.console;

import dev.cumulus.security.Caller;
import dev.cumulus.security.Role;

/** Who looks at a page: the logged-in person, kept with a live connection after its request ended. */
record Viewer(String upn, boolean admin, boolean supervisor) {

  static Viewer of(Caller caller) {
    return new Viewer(caller.name(), caller.is(Role.ADMIN), caller.is(Role.SUPERVISOR));
  }

  /** The viewer as a caller, for the rules decided on callers (kept after the request's security context ended). */
  Caller caller() {
    var roles = java.util.EnumSet.noneOf(Role.class);
    if (admin) {
      roles.add(Role.ADMIN);
    }
    if (supervisor) {
      roles.add(Role.SUPERVISOR);
    }
    return new Caller(upn, roles);
  }
}
