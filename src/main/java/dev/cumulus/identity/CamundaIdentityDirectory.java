package dev.cumulus.identity;

import dev.cumulus.security.IdentityDirectory;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** People live in Camunda's identity service, so Camunda Admin manages them and the webapps accept them. */
@Component
class CamundaIdentityDirectory implements IdentityDirectory {

  private static final Set<String> ROLE_GROUPS = Set.of(ADMIN_GROUP, SUPERVISORS_GROUP, AGENTS_GROUP);

  private final IdentityService identity;
  private final ProcessEngineConfigurationImpl engine;

  /** For reading groups only (engine-rest's filter); the engine's login policy is not known here. */
  CamundaIdentityDirectory(IdentityService identity) {
    this(identity, null);
  }

  @Autowired
  CamundaIdentityDirectory(IdentityService identity, ProcessEngineConfigurationImpl engine) {
    this.identity = identity;
    this.engine = engine;
  }

  /**
   * The engine locks a user after a wrong password: loginDelayBase seconds (3), times loginDelayFactor
   * (2) per further wrong password, at most loginDelayMaxTime (60 s); after loginMaxAttempts (10) it
   * stays locked until an administrator unlocks the user in Camunda Admin.
   */
  @Override
  public Optional<Instant> lockedUntil(String userId) {
    User user = identity.createUserQuery().userId(userId).singleResult();
    if (!(user instanceof UserEntity entity)) {
      return Optional.empty();
    }
    if (engine != null && entity.getAttempts() >= engine.getLoginMaxAttempts()) {
      return Optional.of(Instant.MAX);
    }
    Date until = entity.getLockExpirationTime();
    return until == null || !until.toInstant().isAfter(Instant.now()) ? Optional.empty() : Optional.of(until.toInstant());
  }

  @Override
  public boolean checkPassword(String userId, String password) {
    return identity.checkPassword(userId, password);
  }

  @Override
  public Set<String> groupsOf(String userId) {
    return identity.createGroupQuery().groupMember(userId).list().stream().map(Group::getId).collect(Collectors.toSet());
  }

  @Override
  public boolean userExists(String userId) {
    return identity.createUserQuery().userId(userId).count() > 0;
  }

  @Override
  public Optional<String> displayName(String userId) {
    User user = identity.createUserQuery().userId(userId).singleResult();
    if (user == null) {
      return Optional.empty();
    }
    String name = ((user.getFirstName() == null ? "" : user.getFirstName()) + " " + (user.getLastName() == null ? "" : user.getLastName())).trim();
    return Optional.of(name.isEmpty() ? userId : name);
  }

  @Override
  public void saveUser(String userId, String displayName, String password) {
    User user = identity.createUserQuery().userId(userId).singleResult();
    if (user == null) {
      user = identity.newUser(userId);
    }
    String name = displayName == null || displayName.isBlank() ? userId : displayName.trim();
    int space = name.indexOf(' ');
    user.setFirstName(space < 0 ? name : name.substring(0, space));
    user.setLastName(space < 0 ? "" : name.substring(space + 1));
    if (userId.contains("@")) {
      user.setEmail(userId);
    }
    if (password != null) {
      user.setPassword(password);
    }
    identity.saveUser(user);
  }

  @Override
  public void setRoleGroups(String userId, Set<String> groups) {
    Set<String> current = groupsOf(userId);
    for (String group : ROLE_GROUPS) {
      boolean want = groups.contains(group);
      boolean has = current.contains(group);
      if (want && !has) {
        ensureGroup(group, group);
        identity.createMembership(userId, group);
      } else if (!want && has) {
        identity.deleteMembership(userId, group);
      }
    }
  }

  @Override
  public void ensureGroup(String groupId, String name) {
    if (identity.createGroupQuery().groupId(groupId).count() == 0) {
      Group group = identity.newGroup(groupId);
      group.setName(name);
      group.setType("WORKFLOW");
      identity.saveGroup(group);
    }
  }
}
