package dev.cumulus.lifecycle;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param defaultLifetime a task's lifetime when the flow gives no expiresAt
 * @param maxOpenTasks fair use: non-terminal tasks over all services; past it AddExternalTask answers 429
 * @param maxContextParameters how many context parameters one task may carry
 * @param maxBulkItems how many tasks one bulk create ({@code POST /v1/ExternalTasks/bulk}) may hold; more is 400
 */
@ConfigurationProperties("cumulus.tasks")
public record TaskProperties(
    @DefaultValue("PT24H") Duration defaultLifetime,
    @DefaultValue("100000") int maxOpenTasks,
    @DefaultValue("50") int maxContextParameters,
    @DefaultValue("100") int maxBulkItems) {}
