package dev.cumulus.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cumulus.webhook.DeliveryStore.Delivery;
import dev.cumulus.webhook.WebhookSender.Result;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What the worker records for each outcome of a send, without a database or a network. */
class WebhookDeliveryWorkerTest {

  private static final Instant NOW = Instant.parse("2026-01-31T17:00:00Z");
  private static final OffsetDateTime NOW_UTC = NOW.atOffset(ZoneOffset.UTC);

  private final WebhookProperties properties =
      new WebhookProperties(Duration.ofMillis(500), Duration.ofSeconds(5), 12, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofDays(7), java.util.List.of("127.0.0.1"), false);
  private final FakeStore store = new FakeStore();
  private final FakeSender sender = new FakeSender(properties);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final WebhookDeliveryWorker worker =
      new WebhookDeliveryWorker(store, sender, properties, null, Clock.fixed(NOW, ZoneOffset.UTC), meters);

  @Test
  void marksAnAcceptedDeliveryDelivered() {
    store.due.add(delivery(1, 0, true));
    sender.answers.put("https://hooks.example.com/1", Result.ok());

    worker.deliverBatch();

    assertThat(store.calls).containsExactly("delivered 1 attempts=1 at=" + NOW_UTC);
    assertThat(outcomes("delivered")).isEqualTo(1);
  }

  @Test
  void sendsTheEventTheRowAndTheAttemptAsHeaders() {
    store.due.add(delivery(6, 0, true));
    store.due.add(delivery(7, 4, true));

    worker.deliverBatch();

    assertThat(sender.headers)
        .containsExactly(
            Map.of("Cumulus-Event-Id", "106", "Cumulus-Delivery-Id", "6", "Cumulus-Delivery-Attempt", "1"),
            Map.of("Cumulus-Event-Id", "107", "Cumulus-Delivery-Id", "7", "Cumulus-Delivery-Attempt", "5"));
  }

  @Test
  void schedulesAFailedDeliveryAfterTheBackoff() {
    store.due.add(delivery(2, 2, true));
    sender.answers.put("https://hooks.example.com/2", Result.failed("HTTP 503: busy"));

    worker.deliverBatch();

    assertThat(store.calls).hasSize(1);
    assertThat(store.calls.get(0)).startsWith("failed 2 attempts=3 error=HTTP 503: busy next=");
    // third failure: 1 s x 2^2, plus up to 20 %
    assertThat(store.nextAttempt).isBetween(NOW_UTC.plusSeconds(4), NOW_UTC.plusNanos(4_800_000_000L));
    assertThat(outcomes("failed")).isEqualTo(1);
  }

  @Test
  void givesUpAfterTheLastAttemptAndStopsHoldingBackTheTask() {
    store.due.add(delivery(3, 11, true));
    sender.answers.put("https://hooks.example.com/3", Result.failed("HTTP 404"));

    worker.deliverBatch();

    assertThat(store.calls).containsExactly("gaveUp 3 attempts=12 error=gave up: HTTP 404 at=" + NOW_UTC);
    assertThat(outcomes("gave_up")).isEqualTo(1);
    assertThat(outcomes("failed")).isZero();
  }

  @Test
  void dropsRowsOfADeletedTriggerWithoutSendingThem() {
    store.due.add(delivery(4, 0, false));

    worker.deliverBatch();

    assertThat(sender.sent).isEmpty();
    assertThat(store.calls).containsExactly("delete 4");
  }

  @Test
  void keepsTheErrorWithinTheColumn() {
    store.due.add(delivery(5, 0, true));
    sender.answers.put("https://hooks.example.com/5", Result.failed("x".repeat(5000)));

    worker.deliverBatch();

    assertThat(store.lastError).hasSize(WebhookDeliveryWorker.MAX_ERROR_LENGTH);
  }

  private double outcomes(String outcome) {
    return meters.get("cumulus.webhook.deliveries").tag("outcome", outcome).counter().count();
  }

  private static Delivery delivery(long id, int attempts, boolean live) {
    return new Delivery(id, "trigger-1", "task-" + id, 100 + id, "https://hooks.example.com/" + id, "{}", attempts, live);
  }

  /** Hands out the due rows once and records what the worker wrote. */
  private static final class FakeStore extends DeliveryStore {
    final List<Delivery> due = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    OffsetDateTime nextAttempt;
    String lastError;

    FakeStore() {
      super(null);
    }

    @Override
    List<Delivery> claimDue(OffsetDateTime now, int limit) {
      var batch = List.copyOf(due);
      due.clear();
      return batch;
    }

    @Override
    void markDelivered(long id, int attempts, OffsetDateTime at) {
      calls.add("delivered " + id + " attempts=" + attempts + " at=" + at);
    }

    @Override
    void markFailed(long id, int attempts, String error, OffsetDateTime nextAttemptAt) {
      calls.add("failed " + id + " attempts=" + attempts + " error=" + error + " next=" + nextAttemptAt);
      nextAttempt = nextAttemptAt;
      lastError = error;
    }

    @Override
    void markGaveUp(long id, int attempts, String error, OffsetDateTime at) {
      calls.add("gaveUp " + id + " attempts=" + attempts + " error=" + error + " at=" + at);
      lastError = error;
    }

    @Override
    void delete(long id) {
      calls.add("delete " + id);
    }
  }

  private static final class FakeSender extends WebhookSender {
    final Map<String, Result> answers = new HashMap<>();
    final List<String> sent = new ArrayList<>();
    final List<Map<String, String>> headers = new ArrayList<>();

    FakeSender(WebhookProperties properties) {
      super(properties, new WebhookTargets(properties));
    }

    @Override
    CompletableFuture<Result> send(String url, String payload, Map<String, String> headers) {
      sent.add(url);
      this.headers.add(headers);
      return CompletableFuture.completedFuture(answers.getOrDefault(url, Result.failed("no answer configured")));
    }
  }
}
