package dev.cumulus.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium through its own chromedriver: no driver or browser download (Selenium
 * Manager is never asked). Where either is missing, the browser tests are skipped with a message.
 */
final class Browser {

  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CUMULUS_CHROMIUM", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CUMULUS_CHROMEDRIVER", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private Browser() {}

  static void assumeInstalled() {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser tests skipped: no " + CHROMIUM + " or " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
  }

  static ChromeDriver start() {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    var options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // CI runs as root: Chromium's sandbox needs a normal user
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-gpu",
        "--window-size=1366,768", "--lang=en-US", "--autoplay-policy=no-user-gesture-required");
    var service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    var driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    return driver;
  }

  /** Waits for a condition in the page, looking every 50 ms. */
  /**
   * A wait that looks again when an element it read was replaced meanwhile: the live pages draw their
   * lists anew on every push, so a condition may meet a stale element by chance.
   */
  static WebDriverWait await(ChromeDriver driver, Duration timeout) {
    var wait = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  /** Logs in through the pages' own form (where /ui/ leads a stranger) as a user of {@code Scenario}. */
  static void logIn(ChromeDriver driver, String base, String upn, String password) {
    driver.get(base + "/ui/");
    await(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/ui/login.html"));
    await(driver, Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(By.id("login")));
    driver.findElement(By.id("username")).sendKeys(upn);
    driver.findElement(By.id("password")).sendKeys(password);
    driver.findElement(By.id("login")).click();
  }

  static Path screenshot(ChromeDriver driver, String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
