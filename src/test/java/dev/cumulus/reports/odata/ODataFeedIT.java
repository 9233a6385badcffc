package dev.cumulus.reports.odata;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.reports.ReportFeed;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import dev.cumulus.support.TaskProbe;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.olingo.client.api.ODataClient;
import org.apache.olingo.client.api.communication.ODataClientErrorException;
import org.apache.olingo.client.api.communication.ODataServerErrorException;
import org.apache.olingo.client.api.communication.request.ODataRequest;
import org.apache.olingo.client.api.domain.ClientEntity;
import org.apache.olingo.client.api.domain.ClientEntitySet;
import org.apache.olingo.client.api.domain.ClientProperty;
import org.apache.olingo.client.api.uri.URIBuilder;
import org.apache.olingo.client.core.ODataClientFactory;
import org.apache.olingo.client.core.http.BasicAuthHttpClientFactory;
import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.camunda.bpm.engine.ManagementService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The OData feed read as Power BI reads it, with Apache Olingo's OData client: $metadata, each entity
 * set filtered by time and service, $select, $count, and the next links page by page (3 entities a
 * page here), the figures equal to the REST report's of the same tasks; and who sees what.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:odata-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false",
      "cumulus.reports.feed-enabled=false",
      "cumulus.reports.odata.page-size=3"
    })
class ODataFeedIT {

  private static final Pattern DURATION = Pattern.compile("(waiting|handling|afterWork)(Count|Mean|P50|P90|P99|Max)");

  @LocalServerPort int port;
  @Autowired ManagementService management;
  @Autowired dev.cumulus.lifecycle.DistributionTimers timers;
  @Autowired JdbcTemplate jdbc;
  @Autowired ReportFeed feed;

  String base;
  String root;
  Scenario scenario;
  Api flow;
  TaskProbe probe;
  Instant from;

  @BeforeEach
  void setUp() {
    base = "http://127.0.0.1:" + port;
    root = base + "/v1/odata";
    scenario = new Scenario(base);
    flow = Api.flow(base);
    probe = new TaskProbe(flow, management, timers, jdbc);
    from = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
  }

  /** Four services with an agent each: a task handled and a task cancelled in each; the last agent stays Available. */
  private record World(List<String> services, List<String> agents) {
    String servicesIn() {
      return in(services);
    }

    String agentsIn() {
      return in(agents);
    }

    private static String in(List<String> values) {
      return "(" + String.join(",", values.stream().map(v -> "'" + v + "'").toList()) + ")";
    }
  }

  private World world() {
    var services = new ArrayList<String>();
    var agents = new ArrayList<String>();
    for (int i = 1; i <= 4; i++) {
      String agent = scenario.agent("agent" + i, 1);
      String service = scenario.service("service" + i, List.of(agent), map("acwSeconds", 15, "serviceLevelSeconds", 30 * i));
      agents.add(agent);
      services.add(service);
      scenario.available(agent);
      String handled = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "customerIdentifier", "C-" + i)).text("id");
      assertThat(probe.task(handled).path("assignedUserUpn").asText()).isEqualTo(agent);
      assertThat(scenario.as(agent).post("/v1/ExternalTasks/" + handled + "/accept", null).status()).isEqualTo(200);
      assertThat(scenario.as(agent).post("/v1/ExternalTasks/" + handled + "/complete", null).text("state")).isEqualTo("AfterWork");
      probe.fireTimer(handled, TaskProbe.AFTER_WORK_DUE);
      String cancelled = flow.post("/v1/ExternalTasks", map("serviceUpn", service)).text("id");
      assertThat(flow.post("/v1/ExternalTasks/" + cancelled + "/cancel", map("reason", "not needed")).status()).isIn(200, 204);
      if (i < 4) {
        scenario.presence(agent, "Offline");
      }
    }
    assertThat(feed.feedAll()).isPositive();
    return new World(services, agents);
  }

  @Test
  void powerBiReadsEachSetPageByPageWithTheFiguresOfTheRestReport() {
    World world = world();
    ODataClient admin = client("admin", Api.ADMIN_PASSWORD);

    // $metadata: the three sets, their keys and types
    Edm edm = admin.getRetrieveRequestFactory().getMetadataRequest(root).execute().getBody();
    assertThat(edm.getEntityContainer().getEntitySets()).extracting(s -> s.getName())
        .containsExactlyInAnyOrder("ServiceIntervals", "AgentIntervals", "Tasks");
    EdmEntityType serviceType = edm.getEntityContainer().getEntitySet("ServiceIntervals").getEntityType();
    assertThat(serviceType.getKeyPredicateNames()).containsExactly("start", "serviceUpn");
    assertThat(serviceType.getStructuralProperty("start").getType().getFullQualifiedName())
        .isEqualTo(EdmPrimitiveTypeKind.DateTimeOffset.getFullQualifiedName());
    assertThat(serviceType.getStructuralProperty("waitingP90").getType().getFullQualifiedName())
        .isEqualTo(EdmPrimitiveTypeKind.Double.getFullQualifiedName());
    assertThat(edm.getEntityContainer().getEntitySet("AgentIntervals").getEntityType().getPropertyNames())
        .contains("agentUpn", "serviceUpn", "availableSeconds", "handlingSum");
    assertThat(edm.getEntityContainer().getEntitySet("Tasks").getEntityType().getKeyPredicateNames()).containsExactly("createdAt", "taskId");

    // ServiceIntervals: one per service (all in this quarter hour, or two), in pages of 3
    Instant to = Instant.now().plus(1, ChronoUnit.HOURS);
    String time = "start ge " + from + " and start lt " + to;
    var servicePages = pages(admin, admin.newURIBuilder(root).appendEntitySetSegment("ServiceIntervals")
        .filter(time + " and serviceUpn in " + world.servicesIn()).count(true));
    var serviceRows = flatten(servicePages);
    assertThat(servicePages.size()).as("pages").isGreaterThan(1);
    assertThat(servicePages).allSatisfy(p -> assertThat(p.getEntities()).hasSizeLessThanOrEqualTo(3));
    assertThat(servicePages.get(0).getCount()).isEqualTo(serviceRows.size());
    assertThat(serviceRows).extracting(e -> text(e, "serviceUpn")).containsAll(world.services());
    JsonNode rest = scenario.admin().get("/v1/reports/intervals?by=service&bucket=fifteenMinutes&from=" + enc(from) + "&to=" + enc(to)
        + "&service=" + String.join(",", world.services())).body();
    Map<String, JsonNode> restRows = nonEmpty(rest, r -> r.path("serviceUpn").asText());
    assertThat(keys(serviceRows, e -> text(e, "serviceUpn"))).containsExactlyInAnyOrderElementsOf(restRows.keySet());
    for (ClientEntity row : serviceRows) {
      JsonNode expected = restRows.get(Instant.parse(text(row, "start")) + " " + text(row, "serviceUpn"));
      sameFigures(row, expected);
      assertThat(number(row, "created")).isEqualTo(2.0);
      assertThat(number(row, "serviceLevelTargetSeconds")).isEqualTo(expected.path("serviceLevelTargetSeconds").asDouble());
    }
    assertThat(serviceRows.stream().mapToDouble(e -> number(e, "cancelledByFlow")).sum()).isEqualTo(4.0);

    // $select, $top over pages, $skip, Prefer: odata.maxpagesize
    var selected = admin.newURIBuilder(root).appendEntitySetSegment("ServiceIntervals").filter(time).select("start", "serviceUpn", "created");
    assertThat(flatten(pages(admin, selected))).allSatisfy(e ->
        assertThat(e.getProperties()).extracting(ClientProperty::getName).containsExactlyInAnyOrder("start", "serviceUpn", "created"));
    String mine = "serviceUpn in " + world.servicesIn();
    assertThat(flatten(pages(admin, admin.newURIBuilder(root).appendEntitySetSegment("ServiceIntervals").filter(mine).top(4)))).hasSize(4);
    var skipped = flatten(pages(admin, admin.newURIBuilder(root).appendEntitySetSegment("ServiceIntervals").filter(mine).skip(2)));
    assertThat(keys(skipped, e -> text(e, "serviceUpn"))).containsExactlyElementsOf(keys(serviceRows, e -> text(e, "serviceUpn")).subList(2, serviceRows.size()));
    var small = admin.getRetrieveRequestFactory().getEntitySetRequest(
        admin.newURIBuilder(root).appendEntitySetSegment("ServiceIntervals").filter(mine).build());
    small.setPrefer("odata.maxpagesize=2");
    var smallPage = small.execute();
    assertThat(smallPage.getBody().getEntities()).hasSize(2);
    assertThat(smallPage.getHeader("Preference-Applied")).contains("odata.maxpagesize=2");

    // AgentIntervals: each agent in their service, and their presence time (serviceUpn "")
    // (the REST report first: the span still open counts up to now, so the feed's later answer has a little more)
    JsonNode restByAgent = scenario.admin().get("/v1/reports/intervals?by=agent&bucket=day&from=" + enc(from) + "&to=" + enc(to)
        + "&agent=" + String.join(",", world.agents())).body();
    var agentRows = flatten(pages(admin, admin.newURIBuilder(root).appendEntitySetSegment("AgentIntervals")
        .filter(time + " and agentUpn in " + world.agentsIn())));
    JsonNode restByServiceAgent = scenario.admin().get("/v1/reports/intervals?by=serviceAgent&bucket=fifteenMinutes&from=" + enc(from)
        + "&to=" + enc(to) + "&agent=" + String.join(",", world.agents())).body();
    Map<String, JsonNode> restAgentRows = nonEmpty(restByServiceAgent, r -> r.path("agentUpn").asText() + " " + r.path("serviceUpn").asText());
    var inServices = agentRows.stream().filter(e -> !text(e, "serviceUpn").isEmpty()).toList();
    assertThat(keys(inServices, e -> text(e, "agentUpn") + " " + text(e, "serviceUpn"))).containsExactlyInAnyOrderElementsOf(restAgentRows.keySet());
    for (ClientEntity row : inServices) {
      sameFigures(row, restAgentRows.get(Instant.parse(text(row, "start")) + " " + text(row, "agentUpn") + " " + text(row, "serviceUpn")));
      assertThat(number(row, "accepted")).isEqualTo(1.0);
    }
    for (String agent : world.agents()) {
      double odata = agentRows.stream().filter(e -> text(e, "agentUpn").equals(agent) && text(e, "serviceUpn").isEmpty())
          .mapToDouble(e -> number(e, "availableSeconds")).sum();
      double report = 0;
      for (JsonNode r : restByAgent.path("rows")) {
        if (r.path("agentUpn").asText().equals(agent)) {
          report += r.path("availableSeconds").asDouble();
        }
      }
      assertThat(odata).as(agent).isPositive();
      if (agent.equals(world.agents().get(3))) {
        // still Available: the open span counts up to now, a little later here than in the REST call
        assertThat(odata).as(agent).isBetween(report, report + 60);
      } else {
        assertThat(odata).as(agent).isCloseTo(report, org.assertj.core.data.Offset.offset(0.0015));
      }
    }

    // Tasks: the history of the same tasks, in the REST order, across pages
    var tasks = flatten(pages(admin, admin.newURIBuilder(root).appendEntitySetSegment("Tasks")
        .filter("createdAt ge " + from + " and serviceUpn in " + world.servicesIn()).count(true)));
    JsonNode restTasks = scenario.admin().get("/v1/reports/tasks?from=" + enc(from) + "&service=" + String.join(",", world.services())).body();
    assertThat(tasks).extracting(e -> text(e, "taskId"))
        .containsExactlyElementsOf(restTasks.findValuesAsText("taskId"));
    for (int i = 0; i < tasks.size(); i++) {
      ClientEntity task = tasks.get(i);
      JsonNode expected = restTasks.get(i);
      for (String field : List.of("serviceUpn", "agentUpn", "customerIdentifier", "state", "outcome", "cancelledBy")) {
        assertThat(text(task, field)).as(field).isEqualTo(expected.path(field).isTextual() ? expected.path(field).asText() : null);
      }
      for (String field : List.of("offers", "declines", "ronas", "transfers", "waitingSeconds", "handlingSeconds", "afterWorkSeconds")) {
        assertThat(number(task, field)).as(field).isEqualTo(expected.path(field).isNumber() ? expected.path(field).asDouble() : null);
      }
      assertThat(Instant.parse(text(task, "createdAt"))).isEqualTo(Instant.parse(expected.path("createdAt").asText()).truncatedTo(ChronoUnit.MILLIS));
    }
    assertThat(tasks).filteredOn(e -> "Handled".equals(text(e, "outcome"))).hasSize(4);
  }

  @Test
  void eachRoleReadsWhatItMaySeeAndBadQueriesAreODataErrors() {
    World world = world();
    String first = world.services().get(0);
    String boss = scenario.supervisor("boss", first);
    String other = scenario.service("other", List.of(), map());
    String stranger = scenario.supervisor("stranger", other);

    ODataClient supervisor = client(boss, Scenario.PASSWORD);
    String allMine = "serviceUpn in " + world.servicesIn();
    assertThat(flatten(pages(supervisor, set(supervisor, "ServiceIntervals").filter(allMine)))).extracting(e -> text(e, "serviceUpn"))
        .containsOnly(first);
    assertThat(flatten(pages(supervisor, set(supervisor, "ServiceIntervals").filter("serviceUpn eq '" + world.services().get(1) + "'")))).isEmpty();
    assertThat(flatten(pages(supervisor, set(supervisor, "AgentIntervals").filter("agentUpn in " + world.agentsIn()))))
        .extracting(e -> text(e, "agentUpn")).containsOnly(world.agents().get(0));
    assertThat(flatten(pages(supervisor, set(supervisor, "Tasks").filter(allMine)))).hasSize(2).extracting(e -> text(e, "serviceUpn")).containsOnly(first);

    ODataClient outsider = client(stranger, Scenario.PASSWORD);
    assertThat(flatten(pages(outsider, set(outsider, "ServiceIntervals").filter(allMine)))).isEmpty();
    assertThat(flatten(pages(outsider, set(outsider, "Tasks").filter(allMine)))).isEmpty();
    assertThat(flatten(pages(outsider, set(outsider, "AgentIntervals").filter("agentUpn in " + world.agentsIn())))).isEmpty();

    String agent = world.agents().get(1);
    ODataClient agentClient = client(agent, Scenario.PASSWORD);
    assertThat(status(() -> pages(agentClient, set(agentClient, "ServiceIntervals")))).isEqualTo(403);
    assertThat(status(() -> pages(agentClient, set(agentClient, "Tasks")))).isEqualTo(403);
    assertThat(flatten(pages(agentClient, set(agentClient, "AgentIntervals")))).isNotEmpty().extracting(e -> text(e, "agentUpn")).containsOnly(agent);

    ODataClient flowClient = ODataClientFactory.getClient();
    Consumer<ODataRequest> key = r -> r.addCustomHeader("X-API-Key", Api.FLOW_KEY);
    assertThat(status(() -> pages(flowClient, set(flowClient, "AgentIntervals"), key))).isEqualTo(403);
    assertThat(flatten(pages(flowClient, set(flowClient, "ServiceIntervals").filter(allMine), key)))
        .extracting(e -> text(e, "serviceUpn")).containsAll(world.services());
    assertThat(flatten(pages(flowClient, set(flowClient, "Tasks").filter(allMine), key))).hasSize(8);

    ODataClient anonymous = ODataClientFactory.getClient();
    assertThat(status(() -> anonymous.getRetrieveRequestFactory().getMetadataRequest(root).execute())).isEqualTo(401);

    // the service document, $count, and full metadata (entity ids from the keys) answer too
    Api raw = Api.admin(base);
    var serviceDocument = raw.get("/v1/odata/");
    assertThat(serviceDocument.status()).as(serviceDocument.toString()).isEqualTo(200);
    assertThat(serviceDocument.body().findValuesAsText("name")).contains("ServiceIntervals", "AgentIntervals", "Tasks");
    var counted = raw.get("/v1/odata/Tasks/$count?$filter=" + enc(allMine));
    assertThat(counted.status()).as(counted.toString()).isEqualTo(200);
    assertThat(counted.raw().body()).isEqualTo("8");
    var full = raw.with("Accept", "application/json;odata.metadata=full").get("/v1/odata/ServiceIntervals?$filter=" + enc(allMine));
    assertThat(full.status()).as(full.toString()).isEqualTo(200);
    assertThat(full.body().path("value").get(0).path("@odata.id").asText()).contains("ServiceIntervals(start=");

    ODataClient admin = client("admin", Api.ADMIN_PASSWORD);
    // not OData: 400 from the parser
    assertThat(status(() -> pages(admin, set(admin, "ServiceIntervals").filter("start ge")))).isEqualTo(400);
    assertThat(status(() -> pages(admin, set(admin, "ServiceIntervals").filter("nobody eq 1")))).isEqualTo(400);
    assertThat(status(() -> pages(admin, set(admin, "ServiceIntervals").filter("start ge 'yesterday'")))).isEqualTo(400);
    assertThat(status(() -> pages(admin, set(admin, "Tasks").skipToken("not-ours")))).isEqualTo(400);
    // OData, but not pushed down: 501, never ignored
    assertThat(status(() -> pages(admin, set(admin, "ServiceIntervals").filter("created gt 1")))).isEqualTo(501);
    assertThat(status(() -> pages(admin, set(admin, "ServiceIntervals").filter("serviceUpn eq 'a' or serviceUpn eq 'b'")))).isEqualTo(501);
    assertThat(status(() -> pages(admin, set(admin, "Tasks").orderBy("createdAt desc")))).isEqualTo(501);
    var error = Api.admin(base).get("/v1/odata/ServiceIntervals?$filter=" + enc("created gt 1"));
    assertThat(error.status()).as(error.toString()).isEqualTo(501);
    assertThat(error.body().path("error").path("message").asText()).contains("ServiceIntervals filters on start");
  }

  private ODataClient client(String user, String password) {
    ODataClient client = ODataClientFactory.getClient();
    client.getConfiguration().setHttpClientFactory(new BasicAuthHttpClientFactory(user, password));
    return client;
  }

  private URIBuilder set(ODataClient client, String name) {
    return client.newURIBuilder(root).appendEntitySetSegment(name);
  }

  private static List<ClientEntitySet> pages(ODataClient client, URIBuilder query) {
    return pages(client, query, r -> {});
  }

  /** Every page, following the next links as Power BI does. */
  private static List<ClientEntitySet> pages(ODataClient client, URIBuilder query, Consumer<ODataRequest> auth) {
    var pages = new ArrayList<ClientEntitySet>();
    URI next = query.build();
    while (next != null) {
      var request = client.getRetrieveRequestFactory().getEntitySetRequest(next);
      request.setAccept("application/json;odata.metadata=minimal");
      auth.accept(request);
      ClientEntitySet page = request.execute().getBody();
      pages.add(page);
      next = page.getNext();
      assertThat(pages).as("next links end").hasSizeLessThan(100);
    }
    return pages;
  }

  private static List<ClientEntity> flatten(List<ClientEntitySet> pages) {
    return pages.stream().flatMap(p -> p.getEntities().stream()).toList();
  }

  private static int status(Runnable call) {
    Throwable t = catchThrowable(call::run);
    if (t instanceof ODataClientErrorException e) {
      return e.getStatusLine().getStatusCode();
    }
    if (t instanceof ODataServerErrorException e) {
      // carries its status line as the message only
      Matcher code = Pattern.compile("\\b(5\\d\\d)\\b").matcher(String.valueOf(e.getMessage()));
      assertThat(code.find()).as(e.getMessage()).isTrue();
      return Integer.parseInt(code.group(1));
    }
    throw new AssertionError("expected an OData error, got " + t, t);
  }

  /** The REST rows with figures, by start and name. */
  private static Map<String, JsonNode> nonEmpty(JsonNode report, java.util.function.Function<JsonNode, String> name) {
    var rows = new LinkedHashMap<String, JsonNode>();
    report.path("rows").forEach(r -> {
      if (r.path("offered").asLong() > 0 || r.path("created").asLong() > 0 || r.path("accepted").asLong() > 0) {
        rows.put(Instant.parse(r.path("start").asText()) + " " + name.apply(r), r);
      }
    });
    return rows;
  }

  private static List<String> keys(List<ClientEntity> rows, java.util.function.Function<ClientEntity, String> name) {
    return rows.stream().map(e -> Instant.parse(text(e, "start")) + " " + name.apply(e)).toList();
  }

  /** Every figure the entity shares with the REST row (durations flattened as in the CSV), and sum = mean × count. */
  private static void sameFigures(ClientEntity row, JsonNode expected) {
    assertThat(expected).as("REST row of " + row).isNotNull();
    var compared = new HashMap<String, Double>();
    for (ClientProperty p : row.getProperties()) {
      String name = p.getName();
      Matcher duration = DURATION.matcher(name);
      JsonNode value = duration.matches()
          ? expected.path(duration.group(1)).path(duration.group(2).toLowerCase(java.util.Locale.ROOT))
          : expected.path(name);
      if (value.isTextual() || name.endsWith("Seconds") || name.endsWith("Sum") || name.equals("start") || name.equals("end")) {
        continue;
      }
      // the REST answer leaves out what is null
      assertThat(number(row, name)).as(name).isEqualTo(value.isNumber() ? value.asDouble() : null);
      compared.put(name, number(row, name));
    }
    assertThat(compared).containsKeys("offered", "accepted", "waitingCount", "waitingP90", "handlingMax", "acceptanceRate");
    for (String d : List.of("waiting", "handling", "afterWork")) {
      double count = number(row, d + "Count");
      if (count > 0) {
        assertThat(number(row, d + "Sum") / count).as(d + "Sum").isCloseTo(number(row, d + "Mean"), org.assertj.core.data.Offset.offset(0.001));
      }
    }
  }

  private static String text(ClientEntity e, String name) {
    ClientProperty p = e.getProperty(name);
    return p == null || p.hasNullValue() ? null : p.getPrimitiveValue().toString();
  }

  private static Double number(ClientEntity e, String name) {
    String text = text(e, name);
    return text == null ? null : Double.valueOf(text);
  }

  private static String enc(Object value) {
    // %20, not +: in OData's URLs a + is a plus
    return URLEncoder.encode(value.toString(), StandardCharsets.UTF_8).replace("+", "%20");
  }
}
