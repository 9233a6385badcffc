package dev.cumulus.webhook;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * POSTs payloads to subscribers. Never throws: every outcome is a {@link Result}.
 *
 * <p>The delivery metadata travels in headers, as GitHub's X-GitHub-Delivery does:
 * {@code Cumulus-Event-Id} (the task event's ID, the same on every attempt and for every trigger, by
 * which a receiver drops the duplicates of at-least-once delivery; the payload's {@code eventId} too),
 * {@code Cumulus-Delivery-Id} (the outbox row) and {@code Cumulus-Delivery-Attempt} (1 for the first send).
 */
@Component
class WebhookSender {

  static final String EVENT_ID = "Cumulus-Event-Id";
  static final String DELIVERY_ID = "Cumulus-Delivery-Id";
  static final String DELIVERY_ATTEMPT = "Cumulus-Delivery-Attempt";

  /** The headers of one send of an outbox row. */
  static Map<String, String> headers(long eventId, long deliveryId, int attempt) {
    var headers = new LinkedHashMap<String, String>();
    headers.put(EVENT_ID, Long.toString(eventId));
    headers.put(DELIVERY_ID, Long.toString(deliveryId));
    headers.put(DELIVERY_ATTEMPT, Integer.toString(attempt));
    return headers;
  }

  /** What a send came to: {@code error} is null on a 2xx answer. */
  record Result(boolean delivered, String error) {
    static Result ok() {
      return new Result(true, null);
    }

    static Result failed(String error) {
      return new Result(false, error);
    }
  }

  // enough of an error answer to tell the operator what the receiver said
  private static final int ERROR_BODY_PREFIX = 300;

  private final HttpClient client;
  private final Duration timeout;
  private final WebhookTargets targets;

  WebhookSender(WebhookProperties properties, WebhookTargets targets) {
    this.targets = targets;
    this.timeout = properties.requestTimeout();
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Starts the POST of {@code payload} with {@code headers} besides Content-Type; the stage completes
   * within about the request timeout, whatever the receiver does.
   */
  CompletableFuture<Result> send(String url, String payload, Map<String, String> headers) {
    // again at every send: the name may point elsewhere now than when the trigger was registered
    String refusal = targets.refusal(url);
    if (refusal != null) {
      return CompletableFuture.completedFuture(Result.failed("blocked target: " + refusal));
    }
    HttpRequest request;
    try {
      var builder =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
      headers.forEach(builder::header);
      request = builder.build();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(Result.failed("bad url: " + e.getMessage()));
    }
    return client
        .sendAsync(request, info -> info.statusCode() / 100 == 2 ? HttpResponse.BodySubscribers.replacing("") : new Prefix(ERROR_BODY_PREFIX))
        // the request timeout ends the wait for the answer's head; this also bounds a body that trickles
        .orTimeout(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
        .handle((response, failure) -> failure == null ? result(response) : Result.failed(describe(failure)));
  }

  private static Result result(HttpResponse<String> response) {
    if (response.statusCode() / 100 == 2) {
      return Result.ok();
    }
    String body = response.body() == null ? "" : response.body().strip();
    return Result.failed("HTTP " + response.statusCode() + (body.isEmpty() ? "" : ": " + body));
  }

  private static String describe(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
  }

  /** Keeps the first bytes of an answer's body and drops the rest unread. */
  private static final class Prefix implements HttpResponse.BodySubscriber<String> {

    private final int max;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    Prefix(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<String> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        int n = Math.min(buffer.remaining(), max - bytes.size());
        if (n > 0) {
          byte[] chunk = new byte[n];
          buffer.get(chunk);
          bytes.write(chunk, 0, n);
        }
      }
      if (bytes.size() >= max) {
        subscription.cancel();
        finish();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      // the status code is what matters; keep what arrived
      finish();
    }

    @Override
    public void onComplete() {
      finish();
    }

    private void finish() {
      body.complete(bytes.toString(StandardCharsets.UTF_8));
    }
  }
}
