package dev.cumulus.distribution;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Estimated waiting time of a queued task: its position divided by the rate at which the service's
 * queue was served (offers made) over the last 15 minutes. The rate is read from the database and
 * kept for 10 seconds per service, so a read at any queue size costs one cached division.
 */
@Component
public class WaitEstimator {

  static final Duration WINDOW = Duration.ofMinutes(15);
  static final Duration REFRESH = Duration.ofSeconds(10);

  private record Rate(double perSecond, OffsetDateTime readAt) {}

  private final JdbcTemplate jdbc;
  private final Clock clock;
  private final Map<String, Rate> rates = new ConcurrentHashMap<>();

  WaitEstimator(JdbcTemplate jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** Seconds until the task at this position is likely offered; null while the service served nobody lately. */
  public Long estimate(String serviceUpn, long position) {
    double rate = rate(serviceUpn);
    return rate <= 0 ? null : (long) Math.ceil(position / rate);
  }

  /** An offer was made: a service that had served nobody gets an estimate at once (on this node). */
  public void offered(String serviceUpn) {
    Rate cached = rates.get(serviceUpn);
    if (cached != null && cached.perSecond() <= 0) {
      rates.remove(serviceUpn);
    }
  }

  private double rate(String serviceUpn) {
    OffsetDateTime now = OffsetDateTime.now(clock);
    Rate cached = rates.get(serviceUpn);
    if (cached == null || cached.readAt().isBefore(now.minus(REFRESH))) {
      Long offers =
          jdbc.queryForObject(
              "select count(*) from routing_decision d join external_task t on t.id = d.task_id"
                  + " where d.decided_at > ? and d.chosen_upn is not null and t.service_upn = ?",
              Long.class,
              now.minus(WINDOW),
              serviceUpn);
      cached = new Rate((offers == null ? 0 : offers) / (double) WINDOW.getSeconds(), now);
      rates.put(serviceUpn, cached);
    }
    return cached.perSecond();
  }
}
