package dev.cumulus.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;

/** What a browser does on the pages, without a browser: form login, session cookie, CSRF header, SSE. */
final class PageSession {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final HttpClient http;
  private String csrfHeader = "X-CSRF-TOKEN";
  private String csrfToken;

  PageSession(String base) {
    this.base = base;
    this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
  }

  record Answer(int status, String contentType, String location, String wwwAuthenticate, JsonNode body) {
    String text(String field) {
      return body == null ? null : body.path(field).asText(null);
    }
  }

  /** Logs in with the form; answers the login's response (302 to /ui/ on success). */
  Answer login(String user, String password) {
    JsonNode csrf = get("/ui/api/csrf").body();
    String form =
        "username=" + encode(user) + "&password=" + encode(password) + "&" + csrf.path("parameterName").asText() + "="
            + encode(csrf.path("token").asText());
    Answer answer =
        send(HttpRequest.newBuilder(URI.create(base + "/ui/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)));
    if (answer.status() == 302 && answer.location().endsWith("/ui/")) {
      JsonNode me = get("/ui/api/me").body();
      csrfHeader = me.path("csrf").path("headerName").asText();
      csrfToken = me.path("csrf").path("token").asText();
    }
    return answer;
  }

  Answer get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json").GET());
  }

  Answer post(String path, Object body) {
    return write("POST", path, body, true);
  }

  Answer put(String path, Object body) {
    return write("PUT", path, body, true);
  }

  Answer postWithoutCsrf(String path, Object body) {
    return write("POST", path, body, false);
  }

  private Answer write(String method, String path, Object body, boolean withCsrf) {
    try {
      var builder =
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Accept", "application/json")
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : JSON.writeValueAsString(body)));
      if (withCsrf && csrfToken != null) {
        builder.header(csrfHeader, csrfToken);
      }
      return send(builder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      String text = r.body();
      JsonNode json = null;
      String type = r.headers().firstValue("Content-Type").orElse("");
      if (text != null && !text.isBlank() && type.contains("json")) {
        json = JSON.readTree(text);
      }
      return new Answer(
          r.statusCode(), type, r.headers().firstValue("Location").orElse(""), r.headers().firstValue("WWW-Authenticate").orElse(null), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Follows a live stream; each "state" event's data lands in the queue, parsed. */
  Stream<String> stream(String path, BlockingQueue<JsonNode> states) {
    try {
      HttpResponse<Stream<String>> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream").GET().build(),
              HttpResponse.BodyHandlers.ofLines());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("stream answered " + r.statusCode());
      }
      Stream<String> lines = r.body();
      Thread reader =
          new Thread(
              () -> {
                try {
                  lines.forEach(
                      line -> {
                        if (line.startsWith("data:")) {
                          try {
                            states.add(JSON.readTree(line.substring(5)));
                          } catch (IOException e) {
                            throw new UncheckedIOException(e);
                          }
                        }
                      });
                } catch (UncheckedIOException closed) {
                  // the test closed the stream (or the server ended it): the reader ends quietly
                }
              },
              "sse-reader");
      reader.setDaemon(true);
      reader.start();
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static BlockingQueue<JsonNode> queue() {
    return new LinkedBlockingQueue<>();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
