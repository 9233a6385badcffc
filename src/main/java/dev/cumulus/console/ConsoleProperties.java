package dev.cumulus.console;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web pages (My Sessions, supervisor dashboard).
 *
 * @param pollInterval how often each node reads task_event and agent_change for changes to push
 * @param heartbeat how often an idle live connection gets a comment line, so proxies keep it open
 * @param refreshInterval how often every page gets its state again even without a change (clock-driven
 *     facts such as a widened distribution level)
 * @param queueLimit at most this many tasks per state on the dashboard
 * @param changeRetention how long agent_change rows are kept
 */
@ConfigurationProperties("cumulus.console")
public record ConsoleProperties(
    @DefaultValue("PT0.3S") Duration pollInterval,
    @DefaultValue("PT15S") Duration heartbeat,
    @DefaultValue("PT10S") Duration refreshInterval,
    @DefaultValue("200") int queueLimit,
    @DefaultValue("P1D") Duration changeRetention) {}
