package dev.cumulus.reports;

import dev.cumulus.directory.DistributionSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns task events and presence changes into the figures per 15 minutes and the task history. Every
 * node runs it; the one that takes the cursor row (FOR UPDATE SKIP LOCKED) feeds, the others skip.
 * Each batch commits its figures together with the cursor, so each event counts exactly once.
 */
@Component
public class ReportFeed {

  private static final Logger log = LoggerFactory.getLogger(ReportFeed.class);

  private final FeedStore feed;
  private final RollupStore rollups;
  private final TaskHistoryStore history;
  private final ReportProperties properties;
  private final Clock clock;
  private final TransactionTemplate transaction;

  ReportFeed(
      FeedStore feed, RollupStore rollups, TaskHistoryStore history, ReportProperties properties, Clock clock,
      PlatformTransactionManager transactions) {
    this.feed = feed;
    this.rollups = rollups;
    this.history = history;
    this.properties = properties;
    this.clock = clock;
    this.transaction = new TransactionTemplate(transactions);
  }

  @Scheduled(fixedDelayString = "${cumulus.reports.feed-interval:PT1S}", initialDelayString = "${cumulus.reports.feed-interval:PT1S}")
  void scheduled() {
    if (!properties.feedEnabled()) {
      return;
    }
    try {
      feedAll();
    } catch (RuntimeException e) {
      log.warn("report feed failed: {}", e.toString());
    }
  }

  /** Feeds batch after batch until it has caught up (or another node holds the cursor). Returns the events counted. */
  public int feedAll() {
    int total = 0;
    for (int round = 0; round < 1000; round++) {
      Integer fed = transaction.execute(status -> feedBatch());
      if (fed == null || fed < 0) {
        return total;
      }
      total += fed;
      if (fed < properties.feedBatch()) {
        return total;
      }
    }
    return total;
  }

  /** One batch in the caller's transaction: -1 when another node feeds, else how many rows were read. */
  int feedBatch() {
    var cursors = feed.lock().orElse(null);
    if (cursors == null) {
      return -1;
    }
    Instant now = clock.instant();
    long patience = properties.gapPatience().toMillis();
    var events = feed.events(cursors.events(), properties.feedBatch());
    var changes = feed.changes(cursors.changes(), properties.feedBatch());
    Map<RowKey, Tally> figures = new HashMap<>();
    EventCounting.Rows rows = key -> figures.computeIfAbsent(key, k -> new Tally());
    if (!events.isEmpty()) {
      var taskIds = events.stream().map(FedEvent::taskId).distinct().toList();
      var times = feed.times(taskIds);
      var targets = feed.targets();
      var customers = feed.customerIdentifiers(events.stream().filter(e -> e.event().equals("Created")).map(FedEvent::taskId).toList());
      Map<String, TaskFact> facts = new LinkedHashMap<>();
      for (FedEvent e : events) {
        TaskFact fact = facts.computeIfAbsent(e.taskId(), TaskFact::new);
        int target = targets.getOrDefault(e.service(), DistributionSettings.DEFAULT_SERVICE_LEVEL_SECONDS);
        EventCounting.count(e, times.getOrDefault(e.taskId(), TaskTimes.NONE), target, rows, fact);
        if (customers.containsKey(e.taskId())) {
          fact.customerIdentifier = customers.get(e.taskId());
        }
      }
      history.merge(facts.values());
      cursors.events().advance(events.stream().map(FedEvent::id).toList(), now.toEpochMilli(), patience);
    } else {
      cursors.events().advance(List.of(), now.toEpochMilli(), patience);
    }
    for (FeedStore.Change change : changes) {
      if (change.presence() != null) {
        presenceChanged(change, rows);
      }
    }
    cursors.changes().advance(changes.stream().map(FeedStore.Change::id).toList(), now.toEpochMilli(), patience);
    rollups.add(figures);
    feed.save(cursors, now);
    return Math.max(events.size(), changes.size());
  }

  /** The span of the agent's previous presence ends here and is counted; the new one starts. */
  private void presenceChanged(FeedStore.Change change, EventCounting.Rows rows) {
    var previous = rollups.presence(change.agent()).orElse(null);
    Instant since = change.at();
    if (previous != null) {
      EventCounting.presence(change.agent(), previous.presence(), previous.since(), change.at(), rows);
      // two nodes' clocks apart: a change that seems earlier than the span it ends starts no earlier
      since = change.at().isBefore(previous.since()) ? previous.since() : change.at();
    }
    rollups.setPresence(new RollupStore.Span(change.agent(), change.presence(), since));
  }
}
