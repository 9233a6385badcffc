package dev.cumulus.webhook;

import dev.cumulus.webhook.DeliveryStore.Delivery;
import dev.cumulus.webhook.WebhookSender.Result;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the outbox. One transaction per batch: claim (row locks), POST the batch in parallel, record
 * the outcomes, commit. A crash before the commit sends the batch again: delivery is at least once,
 * and receivers drop duplicates by the {@code Cumulus-Event-Id} header, the same on every
 * attempt. Rows of one batch belong to different (trigger, task) pairs, so sending them in parallel
 * keeps each task's order, and the transaction stays open for about one request timeout at most.
 */
@Component
class WebhookDeliveryWorker {

  private static final Logger log = LoggerFactory.getLogger(WebhookDeliveryWorker.class);

  static final int BATCH_SIZE = 50;
  static final int CLEANUP_BATCH_SIZE = 1000;
  static final int MAX_ERROR_LENGTH = 1000;
  static final String GAVE_UP = "gave up: ";
  // a run drains a backlog batch after batch, but leaves the shared scheduler thread after this long
  private static final long MAX_RUN_NANOS = 2_000_000_000L;

  private final DeliveryStore deliveries;
  private final WebhookSender sender;
  private final WebhookProperties properties;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final Counter delivered;
  private final Counter failed;
  private final Counter gaveUp;

  WebhookDeliveryWorker(
      DeliveryStore deliveries,
      WebhookSender sender,
      WebhookProperties properties,
      PlatformTransactionManager transactionManager,
      Clock clock,
      MeterRegistry meters) {
    this.deliveries = deliveries;
    this.sender = sender;
    this.properties = properties;
    this.transaction = new TransactionTemplate(transactionManager);
    this.clock = clock;
    this.delivered = counter(meters, "delivered");
    this.failed = counter(meters, "failed");
    this.gaveUp = counter(meters, "gave_up");
  }

  private static Counter counter(MeterRegistry meters, String outcome) {
    return Counter.builder("cumulus.webhook.deliveries")
        .description("webhook sends by outcome: delivered, failed (will retry), gave_up")
        .tag("outcome", outcome)
        .register(meters);
  }

  @Scheduled(fixedDelayString = "${cumulus.webhooks.poll-interval:PT0.5S}")
  void deliverDue() {
    long started = System.nanoTime();
    try {
      int claimed;
      do {
        Integer n = transaction.execute(status -> deliverBatch());
        claimed = n == null ? 0 : n;
      } while (claimed == BATCH_SIZE && System.nanoTime() - started < MAX_RUN_NANOS);
    } catch (RuntimeException e) {
      // e.g. the database is away; the next run tries again
      log.warn("webhook delivery run failed: {}", e.toString());
    }
  }

  /** Claims, sends and records one batch; returns how many rows it claimed. */
  int deliverBatch() {
    List<Delivery> batch = deliveries.claimDue(OffsetDateTime.now(clock), BATCH_SIZE);
    var sends = new ArrayList<CompletableFuture<Result>>(batch.size());
    for (Delivery d : batch) {
      sends.add(d.live() ? sender.send(d.url(), d.payload(), WebhookSender.headers(d.eventId(), d.id(), d.attempts() + 1)) : null);
    }
    for (int i = 0; i < batch.size(); i++) {
      Delivery d = batch.get(i);
      if (!d.live()) {
        // written by a node whose cache had not yet seen the trigger's deletion
        deliveries.delete(d.id());
        continue;
      }
      record(d, sends.get(i).join());
    }
    return batch.size();
  }

  private void record(Delivery d, Result result) {
    OffsetDateTime now = OffsetDateTime.now(clock);
    int attempts = d.attempts() + 1;
    if (result.delivered()) {
      deliveries.markDelivered(d.id(), attempts, now);
      delivered.increment();
      return;
    }
    if (attempts >= properties.maxAttempts()) {
      deliveries.markGaveUp(d.id(), attempts, truncate(GAVE_UP + result.error()), now);
      gaveUp.increment();
      log.warn(
          "webhook delivery {} of task {} to trigger {} given up after {} attempts: {}",
          d.id(), d.taskId(), d.subscriptionId(), attempts, result.error());
      return;
    }
    var delay = Backoff.delay(attempts, properties.initialBackoff(), properties.maxBackoff(), ThreadLocalRandom.current().nextDouble());
    deliveries.markFailed(d.id(), attempts, truncate(result.error()), now.plus(delay));
    failed.increment();
    log.debug("webhook delivery {} attempt {} failed, next in {}: {}", d.id(), attempts, delay, result.error());
  }

  /** Keeps the table small: delivered and given-up rows are kept for {@code retention}, then deleted in batches. */
  @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
  void deleteOldDeliveries() {
    try {
      OffsetDateTime cutoff = OffsetDateTime.now(clock).minus(properties.retention());
      int total = 0;
      int deleted;
      do {
        deleted = deliveries.deleteDoneBefore(cutoff, CLEANUP_BATCH_SIZE);
        total += deleted;
      } while (deleted == CLEANUP_BATCH_SIZE);
      if (total > 0) {
        log.info("deleted {} webhook deliveries done before {}", total, cutoff);
      }
    } catch (RuntimeException e) {
      log.warn("webhook delivery cleanup failed: {}", e.toString());
    }
  }

  static String truncate(String error) {
    String e = error == null ? "unknown error" : error;
    return e.length() <= MAX_ERROR_LENGTH ? e : e.substring(0, MAX_ERROR_LENGTH);
  }
}
