package dev.cumulus.routing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param refusalCooldown how long an agent who declined a task, or let its offer time out, is not
 *     offered that same task again
 * @param sweepInterval how often every node re-runs matching for all services, as a safety net and to
 *     offer tasks whose refusal cooldown ended
 * @param repairInterval how often every node checks the invariants in the database and repairs breaches
 * @param repairGrace how long past its offer timeout an offer may stand before it counts as stale (the
 *     timer job may be late by the job executor's lock time when a node crashed)
 */
@ConfigurationProperties("cumulus.distribution")
public record DistributionProperties(
    @DefaultValue("PT60S") Duration refusalCooldown,
    @DefaultValue("PT5S") Duration sweepInterval,
    @DefaultValue("PT1M") Duration repairInterval,
    @DefaultValue("PT2M") Duration repairGrace) {}
