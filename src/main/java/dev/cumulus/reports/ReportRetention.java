package dev.cumulus.reports;

import dev.cumulus.externaltask.TaskEvents;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps reports' storage bounded (docs/reports.md, "Retention"): the figures and the task history go
 * after {@code cumulus.reports.retention}, the raw events of ended tasks after
 * {@code cumulus.reports.event-retention} — only those the feed has counted, a chunk per transaction.
 * Any node may run it; deleting what another node deleted is harmless.
 */
@Component
public class ReportRetention {

  private static final Logger log = LoggerFactory.getLogger(ReportRetention.class);
  private static final int CHUNK = 10_000;

  private final RollupStore rollups;
  private final TaskHistoryStore history;
  private final FeedStore feed;
  private final TaskEvents events;
  private final ReportProperties properties;
  private final Clock clock;
  private final TransactionTemplate transaction;

  ReportRetention(
      RollupStore rollups, TaskHistoryStore history, FeedStore feed, TaskEvents events, ReportProperties properties, Clock clock,
      PlatformTransactionManager transactions) {
    this.rollups = rollups;
    this.history = history;
    this.feed = feed;
    this.events = events;
    this.properties = properties;
    this.clock = clock;
    this.transaction = new TransactionTemplate(transactions);
  }

  @Scheduled(fixedDelayString = "${cumulus.reports.retention-interval:PT1H}", initialDelayString = "PT5M")
  void scheduled() {
    try {
      forgetOld();
    } catch (RuntimeException e) {
      log.warn("report retention failed: {}", e.toString());
    }
  }

  /** What went: figures rows, task history rows, events. */
  public record Forgotten(int intervals, int tasks, long events) {}

  public Forgotten forgetOld() {
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    Instant figuresBefore = now.minus(properties.retention()).toInstant();
    Instant eventsBefore = now.minus(properties.eventRetention()).toInstant();
    Integer intervals = transaction.execute(s -> rollups.forgetBefore(figuresBefore));
    Integer tasks = transaction.execute(s -> history.forgetCreatedBefore(figuresBefore));
    long fed = feed.fedEventId();
    long removed = 0;
    while (true) {
      Integer n = transaction.execute(s -> events.forgetEndedBefore(eventsBefore.atOffset(ZoneOffset.UTC), fed, CHUNK));
      removed += n == null ? 0 : n;
      if (n == null || n < CHUNK) {
        break;
      }
    }
    var forgotten = new Forgotten(intervals == null ? 0 : intervals, tasks == null ? 0 : tasks, removed);
    if (forgotten.intervals() + forgotten.tasks() + forgotten.events() > 0) {
      log.info("report retention: {} interval rows, {} task rows, {} events forgotten", forgotten.intervals(), forgotten.tasks(), forgotten.events());
    }
    return forgotten;
  }
}
