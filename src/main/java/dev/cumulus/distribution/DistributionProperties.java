package dev.cumulus.distribution;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param refusalCooldown how long an agent who declined a task, or let its offer time out, is not
 *     offered that same task again
 * @param sweepInterval how often every node re-runs matching for all services, as a safety net and to
 *     offer tasks whose refusal cooldown ended
 */
@ConfigurationProperties("cumulus.distribution")
public record DistributionProperties(
    @DefaultValue("PT60S") Duration refusalCooldown, @DefaultValue("PT5S") Duration sweepInterval) {}
