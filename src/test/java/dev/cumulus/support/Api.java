package dev.cumulus.support;

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
import java.util.LinkedHashMap;
import java.util.Map;

/** A small HTTP client for tests: one caller (API key or user), JSON in, JSON out. */
public final class Api {

  /** The secrets of test runs (src/test/resources/config/application.yaml; {@link #secrets()} for other JVMs). */
  public static final String FLOW_KEY = "it-flow-key";

  public static final String ADMIN_PASSWORD = "it-admin-secret";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final Map<String, String> headers;

  private Api(String base, Map<String, String> headers) {
    this.base = base;
    this.headers = headers;
  }

  public static Api flow(String base) {
    return new Api(base, Map.of("X-API-Key", FLOW_KEY));
  }

  public static Api user(String base, String user, String password) {
    String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new Api(base, Map.of("Authorization", "Basic " + token));
  }

  public static Api admin(String base) {
    return user(base, "admin", ADMIN_PASSWORD);
  }

  /** Command-line settings that give a Cumulus started in another JVM the tests' secrets. */
  public static java.util.List<String> secrets() {
    return java.util.List.of("--camunda.bpm.admin-user.password=" + ADMIN_PASSWORD, "--cumulus.security.api-keys=" + FLOW_KEY);
  }

  public static Api anonymous(String base) {
    return new Api(base, Map.of());
  }

  public Api with(String header, String value) {
    var h = new LinkedHashMap<>(headers);
    h.put(header, value);
    return new Api(base, h);
  }

  /** The answer: status, headers, and the body as JSON (null when empty). */
  public record Response(int status, HttpResponse<String> raw, JsonNode body) {
    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public String contentType() {
      return header("Content-Type");
    }

    public String text(String field) {
      return body.path(field).asText(null);
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  public Response get(String path) {
    return send("GET", path, null, "application/json");
  }

  public Response post(String path, Object body) {
    return send("POST", path, body, "application/json");
  }

  public Response put(String path, Object body) {
    return send("PUT", path, body, "application/json");
  }

  public Response patch(String path, Object body) {
    return send("PATCH", path, body, "application/merge-patch+json");
  }

  public Response delete(String path) {
    return send("DELETE", path, null, "application/json");
  }

  /** POST one file as multipart/form-data (a diagram to /v1/workflows or /engine-rest/deployment/create). */
  public Response upload(String path, String part, String fileName, String content) {
    String boundary = "cumulus" + System.nanoTime();
    String body = "--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"" + part + "\"; filename=\"" + fileName + "\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n"
        + content + "\r\n--" + boundary + "--\r\n";
    return send("POST", path, body, "multipart/form-data; boundary=" + boundary);
  }

  public Response send(String method, String path, Object body, String contentType) {
    try {
      String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
      var builder =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(30))
              .method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
      if (text != null) {
        builder.header("Content-Type", contentType);
      }
      headers.forEach(builder::header);
      HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      String type = response.headers().firstValue("Content-Type").orElse("");
      boolean jsonBody = !type.startsWith("text/") && response.body() != null && !response.body().isBlank();
      JsonNode json = jsonBody ? JSON.readTree(response.body()) : null;
      return new Response(response.statusCode(), response, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Map<String, Object> map(Object... keyValues) {
    var m = new LinkedHashMap<String, Object>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}
