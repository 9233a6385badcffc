package dev.cumulus.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {

  private static final Duration TIMEOUT = Duration.ofMillis(500);
  /** Answers that come must never hit the timeout, however busy the machine: only /slow tests the timeout. */
  private static final Duration PATIENT = Duration.ofSeconds(30);
  private static final Map<String, String> HEADERS = WebhookSender.headers(1, 1, 1);

  private final WebhookSender sender = sender(PATIENT);
  private final WebhookSender impatient = sender(TIMEOUT);

  // the local receiver is allowed by name, as an on-premises receiver would be
  private static WebhookSender sender(Duration timeout) {
    var properties = new WebhookProperties(
        Duration.ofMillis(500), timeout, 12, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofDays(7), java.util.List.of("127.0.0.1"), false);
    return new WebhookSender(properties, new WebhookTargets(properties));
  }
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicReference<String> received = new AtomicReference<>();
  private final AtomicReference<String> contentType = new AtomicReference<>();
  private final AtomicReference<Headers> headers = new AtomicReference<>();
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/ok", ex -> {
      try (ex) {
        received.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        contentType.set(ex.getRequestHeaders().getFirst("Content-Type"));
        headers.set(ex.getRequestHeaders());
        ex.sendResponseHeaders(202, -1);
      }
    });
    server.createContext("/broken", ex -> {
      try (ex) {
        byte[] body = ("{\"error\":\"" + "x".repeat(10_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(500, body.length);
        ex.getResponseBody().write(body);
      }
    });
    server.createContext("/slow", ex -> {
      try (ex) {
        release.await(10, TimeUnit.SECONDS);
        ex.sendResponseHeaders(200, -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  @Test
  void postsThePayloadAsJsonWithTheDeliveryHeadersAndTakesAny2xxAsDelivered() {
    var result = sender.send(url("/ok"), "{\"taskId\":\"t-1\"}", WebhookSender.headers(17, 42, 3)).join();

    assertThat(result).isEqualTo(WebhookSender.Result.ok());
    assertThat(received.get()).isEqualTo("{\"taskId\":\"t-1\"}");
    assertThat(contentType.get()).isEqualTo("application/json");
    assertThat(headers.get().get("Cumulus-Event-Id")).containsExactly("17");
    assertThat(headers.get().get("Cumulus-Delivery-Id")).containsExactly("42");
    assertThat(headers.get().get("Cumulus-Delivery-Attempt")).containsExactly("3");
  }

  @Test
  void reportsTheStatusAndTheStartOfTheErrorBody() {
    var result = sender.send(url("/broken"), "{}", HEADERS).join();

    assertThat(result.delivered()).isFalse();
    assertThat(result.error()).startsWith("HTTP 500: {\"error\":\"xxx").hasSizeLessThan(320);
  }

  @Test
  void givesUpWaitingAfterTheRequestTimeout() {
    long started = System.nanoTime();

    var result = impatient.send(url("/slow"), "{}", HEADERS).join();

    assertThat(result.delivered()).isFalse();
    assertThat(result.error()).contains("Timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.plusSeconds(5));
  }

  @Test
  void reportsAReceiverThatIsNotThere() throws IOException {
    int port;
    try (var socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = socket.getLocalPort();
    }

    var result = sender.send("http://127.0.0.1:" + port + "/gone", "{}", HEADERS).join();

    assertThat(result.delivered()).isFalse();
    assertThat(result.error()).contains("ConnectException");
  }

  @Test
  void aTargetThatNowResolvesToABlockedAddressIsAFailedAttemptWithItsReasonAndNothingIsSent() {
    // the same receiver, reached by a name that is not allowed: localhost resolves to loopback
    var result = sender.send("http://localhost:" + server.getAddress().getPort() + "/ok", "{}", HEADERS).join();

    assertThat(result.delivered()).isFalse();
    assertThat(result.error()).startsWith("blocked target: host localhost is a loopback address");
    assertThat(received.get()).isNull();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }
}
