package dev.cumulus.reports;

import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Reports (docs/reports.md).
 *
 * @param feedEnabled whether this node feeds the figures (every node may; one at a time does)
 * @param feedInterval how often the feed reads new events
 * @param feedBatch events read per transaction
 * @param gapPatience how long an id skipped by the feed (its transaction not committed yet) is looked for
 * @param retention how long the figures and the task history are kept
 * @param eventRetention how long task_event rows of ended tasks are kept, once counted
 * @param zone the time zone of day, week and month buckets when a request names none
 * @param maxBuckets at most this many buckets per report
 */
@ConfigurationProperties("cumulus.reports")
public record ReportProperties(
    @DefaultValue("true") boolean feedEnabled,
    @DefaultValue("PT1S") Duration feedInterval,
    @DefaultValue("1000") int feedBatch,
    @DefaultValue("PT60S") Duration gapPatience,
    @DefaultValue("P24M") Period retention,
    @DefaultValue("P90D") Period eventRetention,
    @DefaultValue("UTC") ZoneId zone,
    @DefaultValue("5000") int maxBuckets) {}
