package dev.cumulus.connector;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Calls the running application over HTTP as a Power Automate connector does and validates each
 * request and response against a connector's Swagger 2.0 definition: the certified file
 * ({@link ConnectorContractIT}) or Cumulus's own connector ({@link CumulusConnectorIT}).
 */
final class ContractReplay {

  static final String JSON = "application/json";
  static final String PROBLEM_JSON = "application/problem+json";
  static final ObjectMapper MAPPER = new ObjectMapper();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();

  private final JsonNode spec;
  private final OpenApiInteractionValidator validator;
  private final String apiKeyHeader;
  private final String apiKey;
  private int port;

  private ContractReplay(JsonNode spec, OpenApiInteractionValidator validator, String apiKeyHeader, String apiKey) {
    this.spec = spec;
    this.validator = validator;
    this.apiKeyHeader = apiKeyHeader;
    this.apiKey = apiKey;
  }

  /** The definition at this URL, its validator with these levels, and the API key sent in that header. */
  static ContractReplay of(URL definition, LevelResolver levels, String apiKeyHeader, String apiKey) throws IOException {
    assertThat(definition).as("the connector definition").isNotNull();
    JsonNode spec;
    try (InputStream in = definition.openStream()) {
      spec = MAPPER.readTree(in);
    }
    assertThat(spec.path("swagger").asText()).isEqualTo("2.0");
    var validator = OpenApiInteractionValidator.createForSpecificationUrl(definition.toString()).withLevelResolver(levels).build();
    return new ContractReplay(spec, validator, apiKeyHeader, apiKey);
  }

  /** The port of the application under test (each test instance has its own {@code @LocalServerPort}). */
  ContractReplay on(int port) {
    this.port = port;
    return this;
  }

  JsonNode spec() {
    return spec;
  }

  String base() {
    return "http://localhost:" + port;
  }

  /** One call: what was sent and received, and the validator's verdict on each side. */
  record Exchange(
      String operation, HttpResponse<String> response, ValidationReport requestReport, ValidationReport responseReport) {

    int status() {
      return response.statusCode();
    }

    String body() {
      return response.body();
    }

    Optional<String> header(String name) {
      return response.headers().firstValue(name);
    }

    JsonNode json() throws IOException {
      return MAPPER.readTree(body());
    }
  }

  Exchange call(String method, String path, Object body) throws Exception {
    String json = body == null ? null : MAPPER.writeValueAsString(body);
    HttpResponse<String> response = send(method, URI.create(base() + path), json);

    var request =
        new SimpleRequest.Builder(Request.Method.valueOf(method), pathOnly(path)).withHeader(apiKeyHeader, apiKey).withAccept(JSON);
    queryParameters(path).forEach(request::withQueryParam);
    if (json != null) {
      request.withContentType(JSON).withBody(json);
    }
    var received = SimpleResponse.Builder.status(response.statusCode());
    response.headers().map().forEach(received::withHeader);
    if (!response.body().isEmpty()) {
      received.withBody(response.body());
    }
    ValidationReport requestReport = validator.validateRequest(request.build());
    ValidationReport responseReport = validator.validateResponse(pathOnly(path), Request.Method.valueOf(method), received.build());
    return new Exchange(method + " " + path, response, requestReport, responseReport);
  }

  HttpResponse<String> send(String method, URI uri, String json) throws Exception {
    var request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header(apiKeyHeader, apiKey)
            .header("Accept", JSON);
    if (json != null) {
      request.header("Content-Type", JSON).method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String pathOnly(String path) {
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }

  private static java.util.Map<String, String> queryParameters(String path) {
    var parameters = new java.util.LinkedHashMap<String, String>();
    int query = path.indexOf('?');
    if (query >= 0) {
      for (String pair : path.substring(query + 1).split("&")) {
        int eq = pair.indexOf('=');
        parameters.put(
            java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return parameters;
  }

  /** The request is valid under the definition and the status is the operation's success status. */
  static void assertRequestValidAndStatus(Exchange ex, String operationId, int successStatus) {
    assertThat(describe(errors(ex.requestReport())))
        .as("%s (%s): validator errors in the request", operationId, ex.operation())
        .isEmpty();
    assertThat(ex.status())
        .as("%s (%s): status; body: %s", operationId, ex.operation(), ex.body())
        .isEqualTo(successStatus);
  }

  /** The response (status, content type, headers, body) is what the definition declares. */
  static void assertResponseConforms(Exchange ex, String operationId) {
    assertThat(describe(errors(ex.responseReport())))
        .as("%s (%s): validator errors in the %d response %s", operationId, ex.operation(), ex.status(), ex.body())
        .isEmpty();
  }

  static void assertProblem(Exchange ex) throws IOException {
    assertThat(ex.header("Content-Type")).as("Content-Type").hasValueSatisfying(ct -> assertThat(ct).startsWith(PROBLEM_JSON));
    assertThat(ex.json().path("status").asInt()).isEqualTo(ex.status());
    assertThat(ex.json().path("errors").isArray()).as("errors in %s", ex.body()).isTrue();
    assertThat(ex.json().path("errors")).isNotEmpty();
  }

  static List<ValidationReport.Message> errors(ValidationReport report) {
    return report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR).toList();
  }

  static List<String> keys(ValidationReport report) {
    return keys(report.getMessages());
  }

  static List<String> keys(List<ValidationReport.Message> messages) {
    return messages.stream().map(ValidationReport.Message::getKey).toList();
  }

  static List<String> describe(List<ValidationReport.Message> messages) {
    return messages.stream()
        .map(m -> m.getKey() + ": " + m.getMessage() + (m.getAdditionalInfo().isEmpty() ? "" : " " + m.getAdditionalInfo()))
        .collect(Collectors.toList());
  }

  static List<String> strings(JsonNode array) {
    assertThat(array.isArray()).as("array expected: %s", array).isTrue();
    List<String> values = new ArrayList<>();
    array.forEach(n -> values.add(n.asText()));
    return values;
  }

  static List<String> field(JsonNode array, String name) {
    assertThat(array.isArray()).as("array expected: %s", array).isTrue();
    List<String> values = new ArrayList<>();
    array.forEach(n -> values.add(n.hasNonNull(name) ? n.get(name).asText() : null));
    return values;
  }

  /** The property names of a definition of the file. */
  Set<String> specProperties(String definition) {
    JsonNode properties = spec.path("definitions").path(definition).path("properties");
    assertThat(properties.isObject()).as("definition %s in the file", definition).isTrue();
    Set<String> names = new TreeSet<>();
    properties.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
