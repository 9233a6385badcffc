package dev.cumulus.console;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.support.Api;
import dev.cumulus.support.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A full life in real browsers (headless Chromium): an agent logs in to My Sessions and goes
 * Available, a flow creates tasks over the API, the offer appears live, the agent accepts, declines,
 * completes and ends after-work; a supervisor watches the queue change on the dashboard and aborts a
 * task, recorded with their name. Screenshots of both pages land in target/screenshots.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:pages-browser-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false"
    })
class PagesBrowserIT {

  /** How long a live change may take to show: far above the 300 ms poll interval (a busy CI machine). */
  private static final Duration LIVE = Duration.ofSeconds(15);

  @LocalServerPort int port;

  String base;
  Scenario scenario;
  Api flow;
  ChromeDriver agentBrowser;
  ChromeDriver supervisorBrowser;

  @BeforeEach
  void setUp() {
    Browser.assumeInstalled();
    base = "http://127.0.0.1:" + port;
    scenario = new Scenario(base);
    flow = Api.flow(base);
  }

  @AfterEach
  void tearDown() {
    if (agentBrowser != null) {
      agentBrowser.quit();
    }
    if (supervisorBrowser != null) {
      supervisorBrowser.quit();
    }
  }

  @Test
  void agentHandlesAnOfferLiveAndSupervisorAbortsAQueuedTask() {
    // given: an agent (capacity 2) in two services, a supervisor of both, and a third service nobody here supervises
    String agent = scenario.agent("ada", 2);
    String support = scenario.service("support", List.of(agent), map("ronaTimeoutSeconds", 300, "acwSeconds", 120));
    String sales = scenario.service("sales", List.of(agent), map("ronaTimeoutSeconds", 300));
    String other = scenario.service("other", List.of(), map());
    String supervisor = scenario.supervisor("sue", support, sales);

    // when: both log in; the agent goes Available
    openAvailableInMySessions(agent);
    openDashboard(supervisor);
    assertThat(supervisorBrowser.findElements(By.cssSelector("section.board")).stream().map(e -> e.getDomAttribute("data-service")))
        .as("a supervisor sees only the services they supervise")
        .containsExactlyInAnyOrder(support, sales)
        .doesNotContain(other);

    // a flow creates a task: the offer appears live, with an alert, its details and a countdown
    long created = System.nanoTime();
    String first = createTask(support, "Call back about order 4711", "High");
    WebElement offer = wait(agentBrowser, LIVE).until(ExpectedConditions.visibilityOfElementLocated(card("offers", first)));
    long offerMillis = (System.nanoTime() - created) / 1_000_000;
    assertThat(offerMillis).as("the offer shows within seconds (pushed, not polled by the page)").isLessThan(LIVE.toMillis());
    assertThat(agentBrowser.findElement(By.id("alert")).getText()).contains("New offer", "Call back about order 4711");
    assertThat(offer.getText()).contains("Call back about order 4711", "Ada Lovelace", "C-4711", "orderId", "4711", "High", "Offer ends in");
    assertThat(offer.findElement(By.cssSelector("[data-until]")).getText()).matches("[45]:\\d\\d");
    awaitRow(supervisorBrowser, support, first, "Offered");

    // the agent accepts: connected, and the supervisor sees it
    click(agentBrowser, card("offers", first), "accept");
    wait(agentBrowser).until(ExpectedConditions.visibilityOfElementLocated(card("connected", first)));
    awaitRow(supervisorBrowser, support, first, "Connected");
    assertThat(taskState(first)).isEqualTo("Connected");

    // a second task arrives while the first is connected (capacity 2)
    String second = createTask(sales, "Quote for 20 licences", "Normal");
    wait(agentBrowser, LIVE).until(ExpectedConditions.visibilityOfElementLocated(card("offers", second)));
    Browser.screenshot(agentBrowser, "my-sessions");

    // keyboard only: the new offer's Accept button has the focus; Tab reaches Decline, Enter declines
    // (the second task then waits in its queue); then the agent completes the first and ends after-work early
    awaitFocus(agentBrowser, "accept-" + second);
    new Actions(agentBrowser).sendKeys(Keys.TAB).perform();
    awaitFocus(agentBrowser, "decline-" + second);
    new Actions(agentBrowser).sendKeys(Keys.ENTER).perform();
    wait(agentBrowser).until(ExpectedConditions.invisibilityOfElementLocated(card("offers", second)));
    click(agentBrowser, card("connected", first), "complete");
    WebElement afterWork = wait(agentBrowser).until(ExpectedConditions.visibilityOfElementLocated(card("afterwork", first)));
    assertThat(afterWork.getText()).contains("After-work ends in");
    click(agentBrowser, card("afterwork", first), "end-after-work");
    wait(agentBrowser, LIVE).until(d -> taskState(first).equals("Completed"));
    wait(agentBrowser, LIVE)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#today tr[data-task-id='" + first + "']"), "Handled"));
    // the list is drawn again on every push: the wait finds the row afresh each time it looks
    wait(agentBrowser)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#today tr[data-task-id='" + second + "']"), "Declined"));

    // the agent goes Away; a new task waits in the queue, and the supervisor sees the queue change
    new Select(agentBrowser.findElement(By.id("presence"))).selectByVisibleText("Away");
    wait(agentBrowser).until(d -> "Away".equals(scenario.admin().get("/v1/users/" + agent).text("presence")));
    String third = createTask(support, "Send the contract", "Normal");
    WebElement queued = awaitRow(supervisorBrowser, support, third, "Queued");
    assertThat(queued.getText()).contains("Send the contract", "Normal");
    wait(supervisorBrowser, LIVE).until(d -> kpi(support, "waitingNow").equals("1") && kpi(support, "handledToday").equals("1"));
    awaitRow(supervisorBrowser, sales, second, "Queued");
    Browser.screenshot(supervisorBrowser, "supervisor-dashboard");

    // the supervisor aborts the queued task, confirming with a reason
    click(supervisorBrowser, row(support, third), "abort");
    WebElement dialog = wait(supervisorBrowser).until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
    dialog.findElement(By.id("abort-reason")).sendKeys("customer called in");
    dialog.findElement(By.id("confirm-ok")).click();
    wait(supervisorBrowser, LIVE).until(ExpectedConditions.invisibilityOfElementLocated(row(support, third)));

    // then: the abort is on the task's record, with who did it and why
    JsonNode aborted = flow.get("/v1/ExternalTasks/" + third).body();
    assertThat(aborted.path("state").asText()).isEqualTo("Cancelled");
    JsonNode cancelled = last(aborted.path("events"));
    assertThat(cancelled.path("event").asText()).isEqualTo("Cancelled");
    assertThat(cancelled.path("actor").asText()).isEqualTo(supervisor);
    assertThat(cancelled.path("detail").toString()).contains("customer called in");
    assertThat(supervisorBrowser.findElement(By.id("status")).getText()).contains("Aborted");
  }

  @Test
  void anAgentWhoLetsAnOfferTimeOutIsSetAwayAndComesBackWithOneClick() {
    // given an agent Available in My Sessions, and their supervisor on the dashboard
    String agent = scenario.agent("max", 1);
    String service = scenario.service("callbacks", List.of(agent), map("ronaTimeoutSeconds", 5));
    String supervisor = scenario.supervisor("sam", service);
    openAvailableInMySessions(agent);
    openDashboard(supervisor);

    // when an offer comes and nobody answers it (5 s, then the job executor's next look, at most 5 s later)
    String missed = createTask(service, "Nobody answers", "Normal");
    wait(agentBrowser, LIVE).until(ExpectedConditions.visibilityOfElementLocated(card("offers", missed)));
    WebElement banner = wait(agentBrowser, Duration.ofSeconds(40)).until(ExpectedConditions.visibilityOfElementLocated(By.id("missed-offer")));

    // then the agent is told, their presence shows Away, and the dashboard shows why
    assertThat(banner.getText()).contains("You missed an offer", "Away");
    assertThat(new Select(agentBrowser.findElement(By.id("presence"))).getFirstSelectedOption().getText()).isEqualTo("Away");
    wait(supervisorBrowser, LIVE)
        .until(ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("section[data-service='" + service + "'] tr[data-agent='" + agent + "']"), "Away (missed offer)"));
    Browser.screenshot(agentBrowser, "my-sessions-missed-offer");
    String next = createTask(service, "Second try", "Normal");
    assertThat(taskState(next)).as("nothing reaches an agent who is not there").isEqualTo("Queued");

    // one click brings them back, and the waiting task is offered at once
    agentBrowser.findElement(By.id("back-available")).click();
    wait(agentBrowser, LIVE).until(ExpectedConditions.invisibilityOfElementLocated(By.id("missed-offer")));
    wait(agentBrowser, LIVE).until(ExpectedConditions.visibilityOfElementLocated(card("offers", next)));
    assertThat(scenario.admin().get("/v1/users/" + agent).body().has("presenceReason")).isFalse();
  }

  @Test
  void theDashboardStaysAFewScreensTallWithTwoHundredQueuedTasksAndLongNames() {
    // given: a service whose only agent is Offline, so every task waits; a second, quiet service; a
    // supervisor of both with a display name that differs from their UPN
    String agent = scenario.agent("lin", 1);
    String busy = scenario.service("hotline", List.of(agent), map("ronaTimeoutSeconds", 300));
    String quiet = scenario.service("billing", List.of(agent), map("ronaTimeoutSeconds", 300));
    String supervisor = scenario.supervisor("grace", busy, quiet);
    var renamed = scenario.admin().put("/v1/users/" + supervisor, map("displayName", "Grace Hopper", "roles", List.of("Supervisor")));
    assertThat(renamed.status()).as(renamed.toString()).isIn(200, 201);
    // 199 now (one with a title of 256 characters without a break, the longest the API takes, and one with a
    // 122-character customer id), the 200th live
    String longTitle = "Unbroken" + "x".repeat(248);
    String longTask = createTask(busy, longTitle, "Normal");
    var longId = flow.post("/v1/ExternalTasks", map("serviceUpn", busy, "title", "Long customer id", "customerIdentifier", "C-" + "9".repeat(120)));
    assertThat(longId.status()).as(longId.toString()).isEqualTo(200);
    for (int i = 3; i <= 199; i++) {
      var r = flow.post("/v1/ExternalTasks", map("serviceUpn", busy, "title", "Call back #" + i, "customerIdentifier", "C-" + (1000 + i)));
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
    createTask(quiet, "Invoice question", "Normal");

    // when: the supervisor opens the dashboard at 1366×768
    openDashboard(supervisor);
    wait(supervisorBrowser, LIVE)
        .until(d -> d.findElements(By.cssSelector("section[data-service='" + busy + "'] table.queue tbody tr[data-task-id]")).size() == 199);
    awaitRow(supervisorBrowser, busy, longTask, "Queued");

    // then: the page stays a few screens tall, nothing is wider than the window, the tables sit side by side
    Number viewport = (Number) supervisorBrowser.executeScript("return window.innerHeight");
    Number height = (Number) supervisorBrowser.executeScript("return document.documentElement.scrollHeight");
    Number scrollWidth = (Number) supervisorBrowser.executeScript("return document.documentElement.scrollWidth");
    Number innerWidth = (Number) supervisorBrowser.executeScript("return window.innerWidth");
    System.out.printf("dashboard with 199 queued tasks: scrollHeight %s (viewport %s), scrollWidth %s (innerWidth %s)%n", height, viewport, scrollWidth, innerWidth);
    assertThat(height.intValue()).as("document height with 199 queued tasks").isLessThanOrEqualTo(4 * 768);
    assertThat(scrollWidth.intValue()).as("no horizontal overflow").isLessThanOrEqualTo(innerWidth.intValue());
    assertThat(boxesOverlap(busy)).as("the tasks table and the agents table do not overlap").isFalse();
    Number queueRegionWidth =
        (Number) supervisorBrowser.executeScript(
            "const r = document.querySelector(\"section[data-service='\" + arguments[0] + \"'] .table-scroll\"); return r.scrollWidth - r.clientWidth;", busy);
    assertThat(queueRegionWidth.intValue()).as("the long title wraps inside its column (no sideways scrolling in the queue)").isLessThanOrEqualTo(0);
    assertThat(supervisorBrowser.findElement(By.id("user")).getText()).contains("Grace Hopper");
    assertThat(supervisorBrowser.findElement(By.id("user")).getDomAttribute("title")).isEqualTo(supervisor);

    // the queue region is reachable by keyboard and scrolls with it
    WebElement region = supervisorBrowser.findElement(By.cssSelector("section[data-service='" + busy + "'] .table-scroll"));
    assertThat(region.getDomAttribute("tabindex")).isEqualTo("0");
    region.sendKeys(Keys.END);
    wait(supervisorBrowser).until(d -> ((Number) supervisorBrowser.executeScript("return arguments[0].scrollTop", region)).intValue() > 0);

    // a live update still adds the 200th task
    String live = createTask(busy, "Arrived while watching", "Normal");
    awaitRow(supervisorBrowser, busy, live, "Queued");
    wait(supervisorBrowser, LIVE).until(d -> kpi(busy, "waitingNow").equals("200"));
    Number heightAfter = (Number) supervisorBrowser.executeScript("return document.documentElement.scrollHeight");
    Number widthAfter = (Number) supervisorBrowser.executeScript("return document.documentElement.scrollWidth");
    System.out.printf("dashboard with 200 queued tasks: scrollHeight %s, scrollWidth %s%n", heightAfter, widthAfter);
    assertThat(heightAfter.intValue()).isLessThanOrEqualTo(4 * 768);
    assertThat(widthAfter.intValue()).isLessThanOrEqualTo(innerWidth.intValue());
    supervisorBrowser.executeScript(
        "arguments[0].scrollTop = 0; document.activeElement.blur(); const s = arguments[0].closest('section');"
            + " window.scrollTo(0, s.getBoundingClientRect().top + window.scrollY - document.querySelector('.top').offsetHeight - 8)",
        region);
    Browser.screenshot(supervisorBrowser, "supervisor-dashboard-200");
  }

  /** Whether the service's queue table and agents table overlap on screen. */
  private boolean boxesOverlap(String service) {
    return (Boolean)
        supervisorBrowser.executeScript(
            "const s = document.querySelector(\"section[data-service='\" + arguments[0] + \"']\");"
                + " const a = s.querySelector('table.queue').closest('.table-scroll').getBoundingClientRect();"
                + " const b = s.querySelector('table.agents').closest('.table-scroll').getBoundingClientRect();"
                + " const q = s.querySelector('table.queue').getBoundingClientRect();"
                + " const x = (p, r) => p.left < r.right && r.left < p.right && p.top < r.bottom && r.top < p.bottom;"
                + " return x(a, b) || x(q, b);",
            service);
  }

  /** The agent logs in to My Sessions in a browser of their own and goes Available there. */
  private void openAvailableInMySessions(String agent) {
    agentBrowser = Browser.start();
    login(agentBrowser, agent);
    wait(agentBrowser).until(ExpectedConditions.urlContains("/ui/agent.html"));
    awaitLive(agentBrowser);
    new Select(agentBrowser.findElement(By.id("presence"))).selectByVisibleText("Available");
    wait(agentBrowser).until(d -> "Available".equals(scenario.admin().get("/v1/users/" + agent).text("presence")));
  }

  /** The supervisor logs in to the dashboard in a browser of their own. */
  private void openDashboard(String supervisor) {
    supervisorBrowser = Browser.start();
    login(supervisorBrowser, supervisor);
    wait(supervisorBrowser).until(ExpectedConditions.urlContains("/ui/supervisor.html"));
    awaitLive(supervisorBrowser);
  }

  /** Clicks a button of a card or row, found afresh: live updates may have replaced the element. */
  private static void click(ChromeDriver browser, By container, String action) {
    wait(browser)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(
            d -> {
              d.findElement(container).findElement(By.cssSelector("[data-action='" + action + "']")).click();
              return true;
            });
  }

  /** Waits until the keyboard focus is on the element with this data-focus key (live updates keep it there). */
  private static void awaitFocus(ChromeDriver browser, String key) {
    wait(browser)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> key.equals(d.switchTo().activeElement().getDomAttribute("data-focus")));
  }

  private String createTask(String service, String title, String priority) {
    var r =
        flow.post(
            "/v1/ExternalTasks",
            map(
                "serviceUpn", service, "title", title, "customerIdentifier", "C-4711", "distributionPriority", priority,
                "description", "The customer asked for a call back.",
                "customer", map("firstName", "Ada", "lastName", "Lovelace", "primaryTelNumber", "+41 44 000 00 00"),
                "customContextParameters", List.of(map("name", "orderId", "value", "4711"))));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.text("id");
  }

  private String taskState(String id) {
    return flow.get("/v1/ExternalTasks/" + id).text("state");
  }

  private void login(ChromeDriver browser, String upn) {
    Browser.logIn(browser, base, upn, Scenario.PASSWORD);
  }

  private void awaitLive(ChromeDriver browser) {
    wait(browser).until(ExpectedConditions.textToBe(By.id("connection"), "Live"));
  }

  private WebElement awaitRow(ChromeDriver browser, String service, String taskId, String state) {
    return wait(browser, LIVE)
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(rowCss(service, taskId) + "[data-state='" + state + "']")));
  }

  private String kpi(String service, String key) {
    return supervisorBrowser.findElement(By.cssSelector("section[data-service='" + service + "'] [data-kpi='" + key + "'] .value")).getText();
  }

  private static By card(String list, String taskId) {
    return By.cssSelector("#" + list + " article[data-task-id='" + taskId + "']");
  }

  private static By row(String service, String taskId) {
    return By.cssSelector(rowCss(service, taskId));
  }

  private static String rowCss(String service, String taskId) {
    return "section[data-service='" + service + "'] tr[data-task-id='" + taskId + "']";
  }

  private static JsonNode last(JsonNode array) {
    return array.get(array.size() - 1);
  }

  private static WebDriverWait wait(ChromeDriver browser) {
    return wait(browser, Duration.ofSeconds(10));
  }

  private static WebDriverWait wait(ChromeDriver browser, Duration timeout) {
    return Browser.await(browser, timeout);
  }
}
