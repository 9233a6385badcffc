package dev.cumulus.directory;

import dev.cumulus.externaltask.TaskWorkflow;
import dev.cumulus.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creates and replaces services; a change of members offers waiting tasks to new free members at once. */
@Service
public class ServiceAdmin {

  static final Pattern UPN = Pattern.compile("[A-Za-z0-9@._+-]{1,128}");

  /** PUT /v1/services/{serviceUpn}: absent settings take their defaults. */
  public record ServiceRequest(
      @Size(max = 256) String displayName,
      @Size(max = 1024) String description,
      @Size(max = 1000) List<@NotNull String> members,
      @Min(5) @Max(3600) Integer ronaTimeoutSeconds,
      @Min(0) @Max(3600) Integer acwSeconds,
      @Min(1) @Max(100000) Integer maxConcurrentTasks,
      @Size(max = 128) String processKey,
      DistributionType distributionType,
      SelectionPolicy selectionPolicy,
      @Min(1) @Max(50) Integer broadcastSize,
      @Min(0) @Max(3600) Integer preferredWaitSeconds,
      Boolean distributeWhenBusy,
      Boolean distributeWhenAway,
      Boolean persistentRona,
      @Min(10) @Max(28800) Integer ronaResetSeconds,
      Boolean acwAllowEarlyEnd,
      Boolean acwAllowExtension,
      @Min(1) @Max(3600) Integer acwMaxExtensionSeconds,
      @Min(0) @Max(86400) Integer agingStepSeconds,
      @Size(max = 10) List<@Valid @NotNull SkillLevel> skillLevels,
      Boolean awayOnMissedOffer,
      @Min(1) @Max(86400) Integer serviceLevelSeconds) {

    /** Only the basic settings; distribution settings take their defaults. */
    public ServiceRequest(
        String displayName, String description, List<String> members, Integer ronaTimeoutSeconds, Integer acwSeconds,
        Integer maxConcurrentTasks, String processKey) {
      this(displayName, description, members, ronaTimeoutSeconds, acwSeconds, maxConcurrentTasks, processKey, null, null, null, null,
          null, null, null, null, null, null, null, null, null, null, null);
    }

    DistributionSettings settings() {
      DistributionSettings d = DistributionSettings.DEFAULTS;
      return new DistributionSettings(
          distributionType == null ? d.distributionType() : distributionType,
          selectionPolicy == null ? d.selectionPolicy() : selectionPolicy,
          broadcastSize == null ? d.broadcastSize() : broadcastSize,
          preferredWaitSeconds == null ? d.preferredWaitSeconds() : preferredWaitSeconds,
          distributeWhenBusy == null ? d.distributeWhenBusy() : distributeWhenBusy,
          distributeWhenAway == null ? d.distributeWhenAway() : distributeWhenAway,
          persistentRona == null ? d.persistentRona() : persistentRona,
          ronaResetSeconds == null ? d.ronaResetSeconds() : ronaResetSeconds,
          acwAllowEarlyEnd == null ? d.acwAllowEarlyEnd() : acwAllowEarlyEnd,
          acwAllowExtension == null ? d.acwAllowExtension() : acwAllowExtension,
          acwMaxExtensionSeconds == null ? d.acwMaxExtensionSeconds() : acwMaxExtensionSeconds,
          agingStepSeconds == null ? d.agingStepSeconds() : agingStepSeconds,
          skillLevels,
          awayOnMissedOffer == null ? d.awayOnMissedOffer() : awayOnMissedOffer,
          serviceLevelSeconds == null ? d.serviceLevelSeconds() : serviceLevelSeconds);
    }
  }

  private final ServiceStore services;
  private final AgentStore agents;
  private final AvailabilityListener availability;
  private final TaskWorkflow workflow;
  private final Clock clock;

  ServiceAdmin(ServiceStore services, AgentStore agents, AvailabilityListener availability, TaskWorkflow workflow, Clock clock) {
    this.services = services;
    this.agents = agents;
    this.availability = availability;
    this.workflow = workflow;
    this.clock = clock;
  }

  public record Saved(ServiceDefinition service, boolean created) {}

  @Transactional
  public Saved save(String upn, ServiceRequest request) {
    if (!UPN.matcher(upn).matches()) {
      throw ApiException.invalid("serviceUpn", "pattern", "must be 1 to 128 of letters, digits and @ . _ + -");
    }
    var members = new LinkedHashSet<String>(request.members() == null ? List.of() : request.members());
    var known = agents.existing(new ArrayList<>(members));
    for (String member : members) {
      if (!known.contains(member)) {
        throw ApiException.invalid("members", "knownUser", "no user '" + member + "' (create it with PUT /v1/users/{upn})");
      }
    }
    String processKey = request.processKey() == null ? ServiceDefinition.DEFAULT_PROCESS_KEY : request.processKey();
    if (!workflow.isDeployed(processKey)) {
      throw ApiException.invalid("processKey", "deployed", "no deployed workflow with process key '" + processKey + "'");
    }
    var definition =
        new ServiceDefinition(
            upn,
            null,
            request.displayName() == null || request.displayName().isBlank() ? upn : request.displayName(),
            request.description(),
            orDefault(request.ronaTimeoutSeconds(), ServiceDefinition.DEFAULT_RONA_TIMEOUT_SECONDS),
            orDefault(request.acwSeconds(), ServiceDefinition.DEFAULT_ACW_SECONDS),
            orDefault(request.maxConcurrentTasks(), ServiceDefinition.DEFAULT_MAX_CONCURRENT_TASKS),
            processKey,
            0,
            List.copyOf(members),
            request.settings(),
            null,
            null);
    boolean created = services.upsert(definition, OffsetDateTime.now(clock));
    // members may have left: windows that waited only for them open now, and the service is matched
    availability.serviceChanged(upn);
    return new Saved(services.findWithMembers(upn).orElseThrow(), created);
  }

  @Transactional(readOnly = true)
  public ServiceDefinition get(String upn) {
    return services.findWithMembers(upn).orElseThrow(() -> ApiException.notFound("Service", upn));
  }

  @Transactional(readOnly = true)
  public List<ServiceDefinition> all() {
    return services.all();
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }
}
