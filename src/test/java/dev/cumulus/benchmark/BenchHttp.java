package dev.cumulus.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The benchmark's HTTP client: one JDK HttpClient (HTTP/1.1, keep-alive) shared by every simulated
 * flow and agent, bodies as prepared strings, answers as strings (parsed only where needed).
 */
final class BenchHttp {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Who calls: one header (X-API-Key for flows, Authorization: Basic for people). */
  record Caller(String name, String header, String value) {
    static Caller flow(String key) {
      return new Caller("flow", "X-API-Key", key);
    }

    static Caller user(String upn, String password) {
      String token = Base64.getEncoder().encodeToString((upn + ":" + password).getBytes(StandardCharsets.UTF_8));
      return new Caller(upn, "Authorization", "Basic " + token);
    }
  }

  record Reply(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    JsonNode json() {
      try {
        return body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String toString() {
      return status + " " + (body == null ? "" : body.length() > 400 ? body.substring(0, 400) + "…" : body);
    }
  }

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  BenchHttp(String base) {
    this.base = base;
  }

  String base() {
    return base;
  }

  Reply get(Caller caller, String path) {
    return send(caller, "GET", path, null);
  }

  Reply post(Caller caller, String path, String json) {
    return send(caller, "POST", path, json);
  }

  Reply put(Caller caller, String path, String json) {
    return send(caller, "PUT", path, json);
  }

  Reply send(Caller caller, String method, String path, String json) {
    var builder =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header(caller.header(), caller.value())
            .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      builder.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Fails loudly: set-up steps must work, or the figures mean nothing. */
  static Reply expectOk(Reply reply, String what) {
    if (!reply.ok()) {
      throw new IllegalStateException(what + " failed: " + reply);
    }
    return reply;
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
