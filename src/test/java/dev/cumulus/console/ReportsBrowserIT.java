package dev.cumulus.console;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.reports.ReportFeed;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The reports' pictures in real browsers (headless Chromium): tasks live through the REST API, some
 * of them moved to yesterday, the report feed counts them (run by the test, so the figures are
 * known), and the dashboard's charts, the reports page (its periods, tables and CSV downloads) and
 * My Sessions' week show exactly those figures. Screenshots land in target/screenshots.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:reports-browser-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "cumulus.reports.feed-enabled=false"
    })
class ReportsBrowserIT {

  private static final Duration LOAD = Duration.ofSeconds(20);
  private static final String LONG_NAME =
      "Customer support for private and business customers in German, French, Italian and English: second-level escalations and complaints";

  @LocalServerPort int port;
  @Autowired ReportFeed feed;
  @Autowired JdbcTemplate jdbc;

  String base;
  Scenario scenario;
  Api flow;
  ChromeDriver browser;

  @BeforeEach
  void setUp() {
    Browser.assumeInstalled();
    base = "http://127.0.0.1:" + port;
    scenario = new Scenario(base);
    flow = Api.flow(base);
  }

  @AfterEach
  void tearDown() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void theDashboardAndTheReportsPageDrawTheFedFiguresAndDownloadThemAsCsv() {
    // given: an agent in two services with targets of their own (one with a long name), their supervisor
    String ann = scenario.agent("ann", 1);
    String support = scenario.service("support", List.of(ann), map("ronaTimeoutSeconds", 300, "serviceLevelSeconds", 30));
    rename(support, LONG_NAME, List.of(ann), map("ronaTimeoutSeconds", 300, "serviceLevelSeconds", 30));
    String sales = scenario.service("sales", List.of(ann), map("ronaTimeoutSeconds", 300, "serviceLevelSeconds", 120));
    String supervisor = scenario.supervisor("sue", support, sales);
    scenario.available(ann);
    // yesterday: 8 tasks of support handled, from 08:00 every 70 minutes, having waited 0, 9, 18 … 63 s
    // (their events moved before the feed sees them)
    List<String> yesterday = new ArrayList<>();
    Instant morning = LocalDate.now(ZoneOffset.UTC).minusDays(1).atTime(8, 0).toInstant(ZoneOffset.UTC);
    for (int i = 0; i < 8; i++) {
      String id = handle(ann, support, "Yesterday #" + i);
      moveTo(id, morning.plus(Duration.ofMinutes(70L * i)));
      waited(id, 9 * i);
      yesterday.add(id);
    }
    // today: 6 handled in support having waited 5, 15 … 55 s (3 within its 30 s target), 3 in sales, 2 of
    // support cancelled by the flow before anybody took them, and 200 waiting while the agent is Offline
    for (int i = 0; i < 6; i++) {
      waited(handle(ann, support, "Today #" + i), 5 + 10 * i);
    }
    for (int i = 0; i < 3; i++) {
      handle(ann, sales, "Sale #" + i);
    }
    scenario.presence(ann, "Offline");
    for (int i = 0; i < 2; i++) {
      String gone = create(support, "Not needed #" + i);
      assertThat(flow.post("/v1/ExternalTasks/" + gone + "/cancel", map("reason", "solved by phone")).status()).isIn(200, 204);
    }
    for (int i = 0; i < 200; i++) {
      create(support, "Waiting #" + i + " " + "x".repeat(i % 7 == 0 ? 120 : 0));
    }
    assertThat(feed.feedAll()).isPositive();
    int supportToday = 6 + 2 + 200;

    // when: the supervisor opens the dashboard (1366×768)
    browser = Browser.start();
    login(supervisor);
    wait(browser).until(ExpectedConditions.urlContains("/ui/supervisor.html"));

    // then: each service's charts draw today's figures, and "within target" is the reports' service level with the service's own target
    assertThat(awaitChartTotal(support, "volume", "created", supportToday)).isEqualTo(supportToday);
    assertThat(chartSum(support, "volume", 0)).as("arrivals in the chart's data").isEqualTo(supportToday);
    assertThat(chartSum(support, "volume", 1)).as("acceptances in the chart's data").isEqualTo(6);
    assertThat(awaitChartTotal(sales, "volume", "created", 3)).isEqualTo(3);
    assertThat(painted(support, "volume")).as("the volume chart is drawn").isTrue();
    assertThat(painted(support, "waiting")).as("the waiting chart is drawn").isTrue();
    assertThat(canvas(support, "waiting").getDomAttribute("aria-label")).contains("Waiting time of 6 accepted tasks", "target 0:30");
    assertThat(canvas(support, "volume").getDomAttribute("aria-label")).contains("208 arrived, 6 accepted", "service level 37.5 %");
    JsonNode todayRow = dayRow(support, LocalDate.now(ZoneOffset.UTC));
    long level = Math.round(100 * todayRow.path("serviceLevel").asDouble());
    assertThat(level).as("3 within target of 6 accepted + 2 abandoned").isEqualTo(38);
    wait(browser).until(d -> kpiValue(support).equals(level + " %"));
    assertThat(kpiLabel(support)).isEqualTo("Within 0:30 target");
    assertThat(kpiLabel(sales)).isEqualTo("Within 2:00 target");
    assertThat(kpiValue(sales)).isEqualTo("100 %");
    assertNoHorizontalOverflow("dashboard");
    screenshot("supervisor-dashboard-charts", 900, "section[data-service='" + support + "']");

    // the header links to the reports page: today by default
    browser.findElement(By.linkText("Reports")).click();
    wait(browser).until(ExpectedConditions.urlContains("/ui/reports.html"));
    assertThat(awaitChartTotal(support, "volume", "created", supportToday)).isEqualTo(supportToday);
    assertThat(cell("#service-table", support, "created")).isEqualTo(String.valueOf(supportToday));
    assertThat(cell("#service-table", support, "serviceLevel")).isEqualTo("37.5 %");
    assertThat(cell("#agent-table", ann, "completed")).isEqualTo("9");
    // people by name, their UPN on hover
    WebElement annHeader = browser.findElement(By.cssSelector("#agent-table tr[data-agent='" + ann + "'] th"));
    assertThat(annHeader.getText()).isEqualTo("ann");
    assertThat(annHeader.getDomAttribute("title")).isEqualTo(ann);
    wait(browser).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#user .user-name"), "sue"));
    assertThat(browser.findElement(By.id("period")).getText()).contains("per 15 minutes", "2 services");
    assertNoHorizontalOverflow("reports page, today");

    // a different period: different figures
    new Select(browser.findElement(By.id("range"))).selectByVisibleText("Yesterday");
    assertThat(awaitChartTotal(support, "volume", "created", 8)).isEqualTo(8);
    assertThat(chartSum(support, "volume", 1)).isEqualTo(8);
    assertThat(awaitChartTotal(sales, "volume", "created", 0)).isZero();
    assertThat(cell("#service-table", support, "completed")).isEqualTo("8");
    assertThat(cell("#service-table", support, "serviceLevel")).as("0, 9, 18 and 27 s within 30 s").isEqualTo("50 %");
    assertThat(cell("#agent-table", ann, "completed")).isEqualTo("8");
    assertThat(canvas(support, "waiting").getDomAttribute("data-worst-p90")).isEqualTo("63");
    screenshot("reports-yesterday", 1100, null);
    String yesterdayTasks = fetch(browser.findElement(By.id("csv-tasks")).getDomAttribute("href"));
    assertThat(yesterdayTasks).startsWith("\uFEFFtaskId,serviceUpn,agentUpn,customerIdentifier,state,outcome");
    List<String> taskLines = List.of(yesterdayTasks.split("\r?\n"));
    assertThat(taskLines).as("a header and yesterday's 8 tasks").hasSize(9);
    assertThat(taskLines.get(1)).startsWith(yesterday.get(0) + "," + support + "," + ann + ",");
    assertThat(taskLines.get(1)).contains("Handled");

    new Select(browser.findElement(By.id("range"))).selectByVisibleText("Last 7 days");
    assertThat(awaitChartTotal(support, "volume", "created", supportToday + 8)).isEqualTo(supportToday + 8);
    assertThat(browser.findElement(By.id("period")).getText()).contains("per day");
    assertThat(chartLabels(support).size()).as("a bar per day").isEqualTo(7);
    assertThat(cell("#service-table", support, "created")).isEqualTo(String.valueOf(supportToday + 8));

    // the figures' CSV: the header row and the row of today with its counts
    String figures = fetch(browser.findElement(By.id("csv-services")).getDomAttribute("href"));
    List<String> lines = List.of(figures.split("\r?\n"));
    assertThat(lines.get(0)).startsWith("\uFEFFstart,end,serviceUpn,agentUpn,created,offered,accepted,acceptedWithinTarget");
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    assertThat(lines).as("7 days of 2 services").hasSize(1 + 14);
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(today + "T00:00").contains("," + support + ",," + supportToday + ",6,6,3,"));
    assertThat(browser.findElement(By.id("csv-services")).getDomAttribute("download")).isNotNull();

    // a custom period without figures; then only one service chosen
    browser.findElement(By.id("from")).sendKeys("01022020");
    browser.findElement(By.id("to")).sendKeys("01022020");
    wait(browser).until(d -> "custom".equals(new Select(d.findElement(By.id("range"))).getFirstSelectedOption().getDomAttribute("value")));
    assertThat(awaitChartTotal(support, "volume", "created", 0)).isZero();
    wait(browser, LOAD).until(d -> d.findElement(By.cssSelector("#service-charts section[data-service='" + support + "'] [data-empty]")).getText()
        .equals("No figures in this period."));
    assertThat(browser.findElement(By.id("period")).getText()).contains("2020");
    new Select(browser.findElement(By.id("range"))).selectByVisibleText("Today");
    assertThat(awaitChartTotal(sales, "volume", "created", 3)).isEqualTo(3);
    browser.findElement(By.cssSelector("#services input[value='" + sales + "']")).click();
    wait(browser, LOAD).until(d -> d.findElements(By.cssSelector("#service-charts section[data-service='" + sales + "']")).isEmpty());
    assertThat(browser.findElement(By.id("csv-services")).getDomAttribute("href")).contains("service=" + support.replace("@", "%40"));
    assertNoHorizontalOverflow("reports page, one service");
    browser.findElement(By.cssSelector("#services input[value='" + sales + "']")).click();
    awaitChartTotal(sales, "volume", "created", 3);
    screenshot("reports", 1700, null);
  }

  @Test
  void anAgentSeesTheirOwnWeekInMySessions() {
    // given: an agent who declined one offer and handled three tasks today, and two earlier this week when today is not a Monday
    String bob = scenario.agent("bob", 1);
    String service = scenario.service("week", List.of(bob), map("ronaTimeoutSeconds", 300));
    scenario.available(bob);
    String declined = create(service, "Declined");
    assertThat(scenario.as(bob).post("/v1/ExternalTasks/" + declined + "/decline", null).status()).isEqualTo(200);
    assertThat(flow.post("/v1/ExternalTasks/" + declined + "/cancel", map("reason", "done elsewhere")).status()).isIn(200, 204);
    for (int i = 0; i < 3; i++) {
      handle(bob, service, "Handled #" + i);
    }
    boolean monday = LocalDate.now(ZoneOffset.UTC).getDayOfWeek() == DayOfWeek.MONDAY;
    Instant yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).atTime(10, 0).toInstant(ZoneOffset.UTC);
    moveTo(handle(bob, service, "Earlier #1"), yesterday);
    moveTo(handle(bob, service, "Earlier #2"), yesterday.plus(Duration.ofHours(2)));
    feed.feedAll();
    int handled = 3 + (monday ? 0 : 2);

    // when: the agent opens My Sessions
    browser = Browser.start();
    login(bob);
    wait(browser).until(ExpectedConditions.urlContains("/ui/agent.html"));

    // then: the week's figures and chart are theirs
    wait(browser, LOAD).until(d -> weekFigure("completed").equals(String.valueOf(handled)));
    assertThat(weekFigure("offered")).isEqualTo(String.valueOf(handled + 1));
    assertThat(weekFigure("accepted")).isEqualTo(String.valueOf(handled));
    assertThat(weekFigure("acceptanceRate")).isEqualTo(Math.round(1000.0 * handled / (handled + 1)) / 10.0 + " %");
    assertThat(weekFigure("meanHandle")).matches("\\d+:\\d\\d");
    assertThat(weekFigure("availableSeconds")).as("time Available counts up to now").isNotEqualTo("0:00");
    WebElement chart = browser.findElement(By.id("week-chart"));
    assertThat(chart.getDomAttribute("data-accepted")).isEqualTo(String.valueOf(handled));
    Number bars = (Number) browser.executeScript("return Chart.getChart(arguments[0]).data.labels.length", chart);
    assertThat(bars.intValue()).as("Monday to Sunday").isEqualTo(7);
    assertThat(((Number) browser.executeScript("return Chart.getChart(arguments[0]).data.datasets[1].data.reduce((a, b) => a + b, 0)", chart)).intValue())
        .isEqualTo(handled);
    screenshot("my-sessions-week", 1150, null);
  }

  /** A screenshot of a taller window (scrolled to the element, or at the top), then back to 1366×768. */
  private void screenshot(String name, int height, String scrollTo) {
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1366, height));
    browser.executeScript(
        "document.activeElement.blur(); const e = arguments[0] && document.querySelector(arguments[0]);"
            + " window.scrollTo(0, e ? e.getBoundingClientRect().top + window.scrollY - document.querySelector('.top').offsetHeight - 8 : 0)",
        scrollTo);
    // Chart.js redraws on the resize in the next animation frame
    browser.executeAsyncScript("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()))");
    Browser.screenshot(browser, name);
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1366, 768));
  }

  /** A task created, offered to the agent (Available, free), accepted, completed and its after-work ended. */
  private String handle(String agent, String service, String title) {
    String id = create(service, title);
    Api as = scenario.as(agent);
    assertThat(flow.get("/v1/ExternalTasks/" + id).text("state")).isEqualTo("Offered");
    assertThat(as.post("/v1/ExternalTasks/" + id + "/accept", null).status()).isEqualTo(200);
    assertThat(as.post("/v1/ExternalTasks/" + id + "/complete", null).text("state")).isEqualTo("AfterWork");
    assertThat(as.post("/v1/ExternalTasks/" + id + "/complete", null).status()).isEqualTo(200);
    assertThat(flow.get("/v1/ExternalTasks/" + id).text("state")).isEqualTo("Completed");
    return id;
  }

  private String create(String service, String title) {
    var r = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "title", title, "customerIdentifier", "C-" + title.hashCode()));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.text("id");
  }

  /**
   * As if the task had been created at {@code start}: its events (all the feed reads) and its row's
   * moments move by the same amount (H2's DATEADD: this test runs on H2).
   */
  private void moveTo(String taskId, Instant start) {
    OffsetDateTime created = jdbc.queryForObject("select min(occurred_at) from task_event where task_id = ?", OffsetDateTime.class, taskId);
    long shift = Duration.between(created.toInstant(), start).toMillis();
    jdbc.update("update task_event set occurred_at = dateadd('MILLISECOND', ?, occurred_at) where task_id = ?", shift, taskId);
    jdbc.update(
        "update external_task set created_at = dateadd('MILLISECOND', ?, created_at), enqueued_at = dateadd('MILLISECOND', ?, enqueued_at),"
            + " terminated_at = dateadd('MILLISECOND', ?, terminated_at) where id = ?",
        shift, shift, shift, taskId);
  }

  /** As if the task had waited this long before it was accepted: its creation and queueing move earlier. */
  private void waited(String taskId, int seconds) {
    jdbc.update(
        "update task_event set occurred_at = dateadd('SECOND', ?, occurred_at) where task_id = ? and event in ('Created', 'Queued')", -seconds, taskId);
  }

  private void rename(String service, String displayName, List<String> members, Map<String, Object> settings) {
    var body = new LinkedHashMap<String, Object>(settings);
    body.put("displayName", displayName);
    body.put("members", members);
    var r = scenario.admin().put("/v1/services/" + service, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  /** The reports API's row of one day of a service, to compare the page with. */
  private JsonNode dayRow(String service, LocalDate day) {
    var r = scenario.admin().get("/v1/reports/intervals?bucket=day&from=" + day + "&to=" + day.plusDays(1) + "&service=" + service);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.body().path("rows")).hasSize(1);
    return r.body().path("rows").get(0);
  }

  private WebElement canvas(String service, String chart) {
    return browser.findElement(By.cssSelector("[data-charts='" + service + "'] canvas[data-chart='" + chart + "']"));
  }

  /** Waits until the chart's data-* total is the expected one (the page fetches, then draws). */
  private int awaitChartTotal(String service, String chart, String total, int expected) {
    wait(browser, LOAD)
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> String.valueOf(expected).equals(canvas(service, chart).getDomAttribute("data-" + total)));
    return Integer.parseInt(canvas(service, chart).getDomAttribute("data-" + total));
  }

  /** The sum of a dataset as Chart.js holds it. */
  private int chartSum(String service, String chart, int dataset) {
    return ((Number) browser.executeScript(
        "return Chart.getChart(arguments[0]).data.datasets[arguments[1]].data.reduce((a, b) => a + (b || 0), 0)", canvas(service, chart), dataset))
        .intValue();
  }

  @SuppressWarnings("unchecked")
  private List<Object> chartLabels(String service) {
    return (List<Object>) browser.executeScript("return Chart.getChart(arguments[0]).data.labels", canvas(service, "volume"));
  }

  /** Whether the canvas has painted pixels (Chart.js drew on it). */
  private boolean painted(String service, String chart) {
    return (Boolean) browser.executeScript(
        "const c = arguments[0]; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            + " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n > 500;",
        canvas(service, chart));
  }

  private String kpiValue(String service) {
    return browser.findElement(By.cssSelector("section[data-service='" + service + "'] [data-kpi='withinTarget'] .value")).getText();
  }

  private String kpiLabel(String service) {
    return browser.findElement(By.cssSelector("section[data-service='" + service + "'] [data-kpi='withinTarget'] .label")).getText();
  }

  private String cell(String table, String key, String figure) {
    String row = table.equals("#agent-table") ? "tr[data-agent='" + key + "']" : "tr[data-service='" + key + "']";
    return wait(browser, LOAD).until(d -> d.findElement(By.cssSelector(table + " " + row + " [data-figure='" + figure + "']"))).getText();
  }

  private String weekFigure(String figure) {
    var cells = browser.findElements(By.cssSelector("#week-figures tr[data-figure='" + figure + "'] td"));
    return cells.isEmpty() ? "" : cells.get(0).getText();
  }

  /** Fetches a link with the browser's own session (as a click on it would), the body as text with its byte-order mark kept. */
  private String fetch(String href) {
    Object body = browser.executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + " fetch(arguments[0]).then(async r => done(r.status + ' ' + r.headers.get('content-type') + ' ' + r.headers.get('content-disposition') + '\\n'"
            + " + new TextDecoder('utf-8', { ignoreBOM: true }).decode(await r.arrayBuffer())))"
            + ".catch(e => done('failed ' + e));",
        href);
    String text = String.valueOf(body);
    String status = text.substring(0, text.indexOf('\n'));
    assertThat(status).as(href).startsWith("200 text/csv").contains("attachment; filename=");
    return text.substring(text.indexOf('\n') + 1);
  }

  private void assertNoHorizontalOverflow(String page) {
    Number scrollWidth = (Number) browser.executeScript("return document.documentElement.scrollWidth");
    Number innerWidth = (Number) browser.executeScript("return window.innerWidth");
    System.out.printf("%s: scrollWidth %s (innerWidth %s), scrollHeight %s%n", page, scrollWidth, innerWidth,
        browser.executeScript("return document.documentElement.scrollHeight"));
    assertThat(scrollWidth.intValue()).as(page + ": no horizontal overflow").isLessThanOrEqualTo(innerWidth.intValue());
  }

  private void login(String upn) {
    Browser.logIn(browser, base, upn, Scenario.PASSWORD);
  }

  private static WebDriverWait wait(ChromeDriver browser) {
    return Browser.await(browser, Duration.ofSeconds(10));
  }

  private static WebDriverWait wait(ChromeDriver browser, Duration timeout) {
    return Browser.await(browser, timeout);
  }
}
