package dev.cumulus.security;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** People and their groups, kept in the workflow engine's identity service (Camunda Admin manages them). */
public interface IdentityDirectory {

  String ADMIN_GROUP = "camunda-admin";
  String SUPERVISORS_GROUP = "cumulus-supervisors";
  String AGENTS_GROUP = "cumulus-agents";

  boolean checkPassword(String userId, String password);

  /** Until when the user is locked after wrong passwords ({@link Instant#MAX}: until an admin unlocks it). */
  Optional<Instant> lockedUntil(String userId);

  Set<String> groupsOf(String userId);

  boolean userExists(String userId);

  Optional<String> displayName(String userId);

  /** Creates or updates the user; a null password keeps the current one. */
  void saveUser(String userId, String displayName, String password);

  /** Makes the user a member of exactly these of our role groups. */
  void setRoleGroups(String userId, Set<String> groups);

  void ensureGroup(String groupId, String name);
}
