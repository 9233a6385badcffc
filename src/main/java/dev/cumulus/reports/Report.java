package dev.cumulus.reports;

import java.time.OffsetDateTime;
import java.util.List;

/** A report: its range and buckets, and a row per bucket and service, agent, or agent in a service. */
public record Report(OffsetDateTime from, OffsetDateTime to, Bucket bucket, Grouping by, String zone, List<ReportRow> rows) {}
