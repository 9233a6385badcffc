package dev.cumulus.routing;

import dev.cumulus.directory.DistributionSettings;
import dev.cumulus.directory.DistributionType;
import dev.cumulus.directory.ServiceDefinition;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * A task's own distribution type and offer timeout, chosen by its workflow's Queue Task; they win
 * over its service's settings while it stays in that service.
 */
@Repository
class TaskRoutingOverrides {

  public record Override(DistributionType distributionType, Integer offerTimeoutSeconds) {}

  private final JdbcTemplate jdbc;

  TaskRoutingOverrides(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public void set(String taskId, DistributionType distributionType, Integer offerTimeoutSeconds) {
    clear(taskId);
    jdbc.update(
        "insert into task_routing (task_id, distribution_type, offer_timeout_seconds) values (?,?,?)",
        taskId, distributionType == null ? null : distributionType.name(), offerTimeoutSeconds);
  }

  public void clear(String taskId) {
    jdbc.update("delete from task_routing where task_id = ?", taskId);
  }

  public Optional<Override> of(String taskId) {
    return jdbc.query(
            "select distribution_type, offer_timeout_seconds from task_routing where task_id = ?",
            (rs, i) -> {
              String type = rs.getString(1);
              int timeout = rs.getInt(2);
              return new Override(type == null ? null : DistributionType.valueOf(type), rs.wasNull() ? null : timeout);
            },
            taskId)
        .stream()
        .findFirst();
  }

  /** The service as it applies to this task: its settings with the task's own choices. */
  public ServiceDefinition applyTo(String taskId, ServiceDefinition service) {
    Optional<Override> override = of(taskId);
    if (override.isEmpty()) {
      return service;
    }
    DistributionSettings s = service.settings();
    DistributionType type = override.get().distributionType() == null ? s.distributionType() : override.get().distributionType();
    int timeout = override.get().offerTimeoutSeconds() == null ? service.ronaTimeoutSeconds() : override.get().offerTimeoutSeconds();
    var settings =
        new DistributionSettings(
            type, s.selectionPolicy(), s.broadcastSize(), s.preferredWaitSeconds(), s.distributeWhenBusy(), s.distributeWhenAway(),
            s.persistentRona(), s.ronaResetSeconds(), s.acwAllowEarlyEnd(), s.acwAllowExtension(), s.acwMaxExtensionSeconds(),
            s.agingStepSeconds(), s.skillLevels(), s.awayOnMissedOffer(), s.serviceLevelSeconds());
    return new ServiceDefinition(
        service.upn(), service.id(), service.displayName(), service.description(), timeout, service.acwSeconds(),
        service.maxConcurrentTasks(), service.processKey(), service.openTasks(), service.members(), settings, service.createdAt(),
        service.updatedAt());
  }
}
