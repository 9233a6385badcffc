package dev.cumulus.reports;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A row of report_interval: a 15-minute interval (UTC) of a service (agent ''), of an agent in a
 * service, or of an agent's presence (service '').
 */
record RowKey(Instant bucket, String service, String agent) {

  static final long BUCKET_MILLIS = 15 * 60 * 1000L;

  static Instant bucketOf(Instant at) {
    long millis = at.toEpochMilli();
    return Instant.ofEpochMilli(Math.floorDiv(millis, BUCKET_MILLIS) * BUCKET_MILLIS);
  }

  static RowKey service(Instant at, String service) {
    return new RowKey(bucketOf(at), service, "");
  }

  static RowKey agent(Instant at, String service, String agent) {
    return new RowKey(bucketOf(at), service, agent);
  }

  static RowKey presence(Instant bucket, String agent) {
    return new RowKey(bucket.truncatedTo(ChronoUnit.MILLIS), "", agent);
  }

  boolean isServiceRow() {
    return agent.isEmpty();
  }

  boolean isPresenceRow() {
    return service.isEmpty();
  }
}
