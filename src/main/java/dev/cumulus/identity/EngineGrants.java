package dev.cumulus.identity;

import static org.camunda.bpm.engine.authorization.Authorization.ANY;
import static org.camunda.bpm.engine.authorization.Authorization.AUTH_TYPE_GRANT;

import dev.cumulus.security.IdentityDirectory;
import java.util.List;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.auth.DefaultAuthorizationProvider;
import org.camunda.bpm.engine.impl.persistence.entity.AuthorizationEntity;
import org.camunda.bpm.engine.task.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What each Cumulus group may do in the engine, through /engine-rest and the Camunda webapps (the
 * engine's authorization checks are on). Created when the engine starts, before any request: a grant
 * that is missing is added, one that lacks a permission gets it, anything more that an admin granted
 * in Camunda Admin is left alone. Cumulus's own engine calls run without a user and are not checked.
 */
@Component
class EngineGrants extends AbstractProcessEnginePlugin {

  private static final Logger log = LoggerFactory.getLogger(EngineGrants.class);

  /** One grant: a group may do these on a resource (ANY = every one of that type). */
  record Grant(String group, Resource resource, String resourceId, List<Permission> permissions) {}

  /**
   * Admins: everything. Supervisors: Cockpit, and read and cancel (delete) the instances of every
   * deployed workflow, with their history, incidents, variables and user tasks; nothing in identity,
   * authorization, deployment, and no start. Agents: nothing (their doors are /v1 and /ui).
   */
  static List<Grant> grants() {
    var grants = new java.util.ArrayList<Grant>();
    for (Resources resource : Resources.values()) {
      grants.add(new Grant(IdentityDirectory.ADMIN_GROUP, resource, ANY, List.of(Permissions.ALL)));
    }
    grants.add(new Grant(IdentityDirectory.SUPERVISORS_GROUP, Resources.APPLICATION, "cockpit", List.of(Permissions.ACCESS)));
    grants.add(new Grant(IdentityDirectory.SUPERVISORS_GROUP, Resources.PROCESS_DEFINITION, ANY, List.of(
        ProcessDefinitionPermissions.READ,
        ProcessDefinitionPermissions.READ_INSTANCE,
        ProcessDefinitionPermissions.READ_HISTORY,
        ProcessDefinitionPermissions.READ_TASK,
        ProcessDefinitionPermissions.DELETE_INSTANCE)));
    return List.copyOf(grants);
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    configuration.setResourceAuthorizationProvider(new NoTaskGrants());
  }

  @Override
  public void postProcessEngineBuild(ProcessEngine engine) {
    var directory = new CamundaIdentityDirectory(engine.getIdentityService());
    directory.ensureGroup(IdentityDirectory.SUPERVISORS_GROUP, IdentityDirectory.SUPERVISORS_GROUP);
    directory.ensureGroup(IdentityDirectory.AGENTS_GROUP, IdentityDirectory.AGENTS_GROUP);
    AuthorizationService authorizations = engine.getAuthorizationService();
    for (Grant grant : grants()) {
      ensure(authorizations, grant);
    }
  }

  private static void ensure(AuthorizationService authorizations, Grant grant) {
    Authorization existing = authorizations.createAuthorizationQuery()
        .authorizationType(AUTH_TYPE_GRANT)
        .groupIdIn(grant.group())
        .resourceType(grant.resource())
        .resourceId(grant.resourceId())
        .singleResult();
    Authorization authorization = existing != null ? existing : authorizations.createNewAuthorization(AUTH_TYPE_GRANT);
    if (existing == null) {
      authorization.setGroupId(grant.group());
      authorization.setResource(grant.resource());
      authorization.setResourceId(grant.resourceId());
    }
    boolean changed = existing == null;
    for (Permission permission : grant.permissions()) {
      if (!authorization.isPermissionGranted(permission)) {
        authorization.addPermission(permission);
        changed = true;
      }
    }
    if (changed) {
      authorizations.saveAuthorization(authorization);
      log.info("engine grant: {} may {} on {} {}", grant.group(), grant.permissions(), grant.resource().resourceName(), grant.resourceId());
    }
  }

  /**
   * The engine's defaults, except that assigning a user task grants its assignee nothing: Cumulus
   * assigns offers and tasks itself, agents answer them through /v1 and /ui (never through Tasklist or
   * /engine-rest, which would bypass the distribution), and each grant would be one more row per offer.
   */
  static final class NoTaskGrants extends DefaultAuthorizationProvider {
    @Override
    public AuthorizationEntity[] newTaskAssignee(Task task, String oldAssignee, String newAssignee) {
      return null;
    }

    @Override
    public AuthorizationEntity[] newTaskOwner(Task task, String oldOwner, String newOwner) {
      return null;
    }

    @Override
    public AuthorizationEntity[] newTaskUserIdentityLink(Task task, String userId, String type) {
      return null;
    }

    @Override
    public AuthorizationEntity[] newTaskGroupIdentityLink(Task task, String groupId, String type) {
      return null;
    }
  }
}
