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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Camunda Cockpit in a real browser (headless Chromium): an admin logs in through Cockpit's own login
 * form, opens a task's process instance (its diagram and variables render) and cancels it from the UI,
 * which cancels the task with its event; a supervisor logs in and sees a task's instance too; an agent
 * is refused. A supervisor follows a task live in the "Cumulus" tab (the Cockpit plugin), and a
 * supervisor of another service gets no card there. Screenshots land in target/screenshots.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:cockpit-browser-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false"
    })
class CockpitBrowserIT {

  @LocalServerPort int port;

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
  void anAdminCancelsATasksInstanceInCockpitAndTheTaskIsCancelled() {
    // given: a task waiting in its service's queue
    String service = scenario.service("cockpit", List.of(), map());
    String id = create(service, "Call back about order 4711");
    String instance = flow.get("/v1/ExternalTasks/" + id).text("processInstanceId");

    // when: the admin logs in through Cockpit's form and opens the task's instance
    browser = Browser.start();
    login("admin", Api.ADMIN_PASSWORD);
    openInstance(instance);
    Browser.screenshot(browser, "cockpit-instance");

    // and cancels it from the instance's action bar, confirming in Cockpit's dialog
    press(wait(Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(By.xpath(
        "//a[contains(@class,'btn-toolbar')][span[contains(@class,'glyphicon-remove')]]"))));
    press(wait(Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(By.xpath(
        "//div[contains(@class,'modal-footer')]//button[@ng-click='cancelProcessInstance()']"))));
    wait(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(By.xpath(
        "//div[contains(@class,'modal-footer')]//button[@ng-click='close(status)' and contains(@class,'btn-primary')]")));

    // then: the task is Cancelled, its last event Cancelled by the admin
    JsonNode task = flow.get("/v1/ExternalTasks/" + id).body();
    assertThat(task.path("state").asText()).isEqualTo("Cancelled");
    JsonNode last = task.path("events").get(task.path("events").size() - 1);
    assertThat(last.path("event").asText()).isEqualTo("Cancelled");
    assertThat(last.path("actor").asText()).isEqualTo("admin");
  }

  @Test
  void aSupervisorSeesATasksInstanceInCockpitAndAnAgentIsRefused() {
    // given
    String agent = scenario.agent("abe", 1);
    String service = scenario.service("watched", List.of(agent), map());
    String supervisor = scenario.supervisor("sue", service);
    String id = create(service, "Book a hotel");
    String instance = flow.get("/v1/ExternalTasks/" + id).text("processInstanceId");

    // when: the supervisor logs in to Cockpit and opens the instance
    browser = Browser.start();
    login(supervisor, Scenario.PASSWORD);
    openInstance(instance);
    Browser.screenshot(browser, "cockpit-supervisor");
    browser.quit();

    // then: an agent's login through the same form is refused and leaves no session
    browser = Browser.start();
    login(agent, Scenario.PASSWORD);
    wait(Duration.ofSeconds(10)).until(d -> !d.findElements(By.cssSelector(".notifications .alert-danger, .notification.error, .alert.alert-danger")).isEmpty());
    Object status = browser.executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch('/camunda/api/admin/auth/user/default', {credentials: 'same-origin'}).then(r => done(r.status));");
    assertThat(((Number) status).intValue()).as("the webapps know no user in this browser").isNotEqualTo(200);
    assertThat(browser.findElements(By.cssSelector("input[ng-model='username']"))).as("still on the login form").isNotEmpty();
  }

  @Test
  void aSupervisorFollowsTheLiveTaskInCockpitsCumulusTab() {
    // given: a service whose only agent is offline, its supervisor, and a task with a long unbroken title
    String agent = scenario.agent("abe-from-the-night-shift-team", 1);
    String service = scenario.service("cumulus-tab", List.of(agent), map("ronaTimeoutSeconds", 300));
    String supervisor = scenario.supervisor("sue", service);
    String title = "Rückruf-wegen-der-Lieferung-der-Bestellung-4711-an-die-Grünwalder-Straße-zwischen-acht-und-zwölf-Uhr-bitte-vorher-anrufen";
    String id = create(service, title);
    JsonNode created = flow.get("/v1/ExternalTasks/" + id).body();
    String instance = created.path("processInstanceId").asText();
    String flowActor = created.path("events").get(0).path("actor").asText();

    // when: the supervisor opens the task's instance in Cockpit and clicks the Cumulus tab
    browser = Browser.start();
    login(supervisor, Scenario.PASSWORD);
    openInstance(instance);
    openCumulusTab();

    // then: the card shows the task waiting in the queue, with its events and who created it
    wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(field("state"), "Queued"));
    assertThat(text(field("service"))).contains(service);
    assertThat(text(field("priority"))).isEqualTo("Normal");
    assertThat(text(field("queue-position"))).isEqualTo("1");
    assertThat(text(field("task-id"))).isEqualTo(id);
    assertThat(text(By.cssSelector(".cumulus-title"))).isEqualTo(title);
    assertThat(text(By.cssSelector(".cumulus-events tr[data-event='Created']"))).contains(flowActor);

    // when: the agent comes online; the task is offered to them, and the open tab follows by itself
    scenario.available(agent);

    // then: without a click the card shows the offer, the agent, the event and the routing decision
    wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(field("state"), "Offered"));
    assertThat(text(field("offered-to"))).isEqualTo(agent);
    assertThat(text(field("queue-position"))).isEqualTo("not queued");
    assertThat(text(By.cssSelector(".cumulus-events tbody tr:first-child"))).as("newest first").contains("Offered");
    assertThat(text(By.cssSelector(".cumulus-routing tbody"))).contains(agent).contains("chosen");
    // long names wrap inside the tab instead of widening it
    Object overflowing = browser.executeScript(
        "const card = document.querySelector('.cumulus-card');"
            + "return [...card.querySelectorAll('table, .cumulus-title')].some(e => e.scrollWidth > card.clientWidth + 1);");
    assertThat(overflowing).as("a table or the title wider than the tab").isEqualTo(false);
    showTabPane();
    Browser.screenshot(browser, "cockpit-cumulus-tab");
    browser.quit();

    // and: a supervisor of another service sees the instance (the engine grant covers every workflow),
    // but the Cumulus tab has no card for them and the plugin's resource answers 403
    String stranger = scenario.supervisor("sam", scenario.service("elsewhere", List.of(), map()));
    browser = Browser.start();
    login(stranger, Scenario.PASSWORD);
    openInstance(instance);
    openCumulusTab();
    wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".cumulus-problem"), "does not supervise"));
    assertThat(browser.findElements(field("state"))).isEmpty();
    Object status = browser.executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch('/camunda/api/cockpit/plugin/cumulus/default/process-instance/" + instance + "/task-card',"
            + " {credentials: 'same-origin'}).then(r => done(r.status));");
    assertThat(((Number) status).intValue()).isEqualTo(403);
  }

  private void openCumulusTab() {
    press(wait(Duration.ofSeconds(30)).until(ExpectedConditions.elementToBeClickable(By.xpath(
        "//ul[contains(@class,'nav-tabs')]//a[normalize-space(.)='Cumulus']"))));
    wait(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".cumulus-card")));
  }

  /** A window tall enough for the whole card under Cockpit's diagram, for the screenshot. */
  private void showTabPane() {
    browser.manage().window().setSize(new Dimension(1366, 1500));
    wait(Duration.ofSeconds(10)).until(d -> (Boolean) ((ChromeDriver) d).executeScript(
        "const r = document.querySelector('.cumulus-routing').getBoundingClientRect(); return r.bottom <= window.innerHeight;"));
  }

  private static By field(String name) {
    return By.cssSelector(".cumulus-card [data-field='" + name + "']");
  }

  private String text(By locator) {
    return browser.findElement(locator).getText().trim();
  }

  private void login(String user, String password) {
    browser.get(base + "/camunda/app/cockpit/default/");
    // Cockpit routes to its login view once it knows nobody is logged in; typing before that is lost
    wait(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("#/login"));
    var username = wait(Duration.ofSeconds(30)).until(ExpectedConditions.elementToBeClickable(By.cssSelector("input[ng-model='username']")));
    var passwordField = browser.findElement(By.cssSelector("input[ng-model='password']"));
    // typed and clicked as a person does: a Basic challenge on any request of the page (Cockpit asks for
    // /camunda-welcome) would open the browser's sign-in dialog and no key or click would reach the form
    username.sendKeys(user);
    passwordField.sendKeys(password);
    press(browser.findElement(By.cssSelector("form button[type='submit']")));
  }

  /** The instance's page renders its diagram (the wait with the agents as an element of it) and its variables. */
  private void openInstance(String instance) {
    wait(Duration.ofSeconds(30)).until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("input[ng-model='username']")));
    browser.get(base + "/camunda/app/cockpit/default/#/process-instance/" + instance + "/runtime");
    wait(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".djs-element[data-element-id='Task_WithAgents']")));
    wait(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(By.xpath("//*[normalize-space(text())='serviceUpn']")));
  }

  private void press(org.openqa.selenium.WebElement button) {
    button.click();
  }

  private String create(String service, String title) {
    var r = flow.post("/v1/ExternalTasks", map("serviceUpn", service, "title", title, "customerIdentifier", "C-4711"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.text("id");
  }

  private WebDriverWait wait(Duration timeout) {
    return new WebDriverWait(browser, timeout, Duration.ofMillis(100));
  }
}
