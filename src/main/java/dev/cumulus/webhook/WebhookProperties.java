package dev.cumulus.webhook;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param pollInterval pause between two runs of the delivery worker on each node
 * @param requestTimeout how long one POST to a subscriber may take, connect included
 * @param maxAttempts sends of one delivery before it is given up (marked "gave up: ..." and no longer
 *     holds back the task's later events)
 * @param initialBackoff wait after the first failed send; it doubles with every further failure
 * @param maxBackoff the longest wait between two sends of one delivery (before up to 20 % jitter)
 * @param retention how long delivered and given-up deliveries stay in the table for operators
 * @param allowedHosts host names or addresses that receivers may have whatever they resolve to (an
 *     on-premises receiver on a private or loopback address); compared exactly, case aside
 * @param allowPrivateNetworks allow receivers in private networks (10/8, 172.16/12, 192.168/16,
 *     100.64/10, fc00::/7); loopback, link-local and metadata addresses still need allowedHosts
 */
@ConfigurationProperties("cumulus.webhooks")
public record WebhookProperties(
    @DefaultValue("PT0.5S") Duration pollInterval,
    @DefaultValue("PT5S") Duration requestTimeout,
    @DefaultValue("12") int maxAttempts,
    @DefaultValue("PT1S") Duration initialBackoff,
    @DefaultValue("PT5M") Duration maxBackoff,
    @DefaultValue("P7D") Duration retention,
    @DefaultValue List<String> allowedHosts,
    @DefaultValue("false") boolean allowPrivateNetworks) {}
