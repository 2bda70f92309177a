package org.pcohandshake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) for the browser tests:
 * a fresh profile, the driver and the browser given explicitly (Selenium Manager has nothing to
 * look up), and the steps the tests take (wait, click, screenshot, a cookie's attributes).
 * Screenshots and the driver's log go to {@code local/target/screenshots}.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

  final WebDriver driver;
  private final ChromeDriverService service;
  private final Path profile;
  private final Path screenshots;

  private Browser(WebDriver driver, ChromeDriverService service, Path profile, Path screenshots) {
    this.driver = driver;
    this.service = service;
    this.profile = profile;
    this.screenshots = screenshots;
  }

  /** Skips the test class, with a message, when Chromium or its driver is missing. */
  static void assumeInstalled() {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Skipping the browser test: "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + " are needed (apt-get install chromium chromium-driver; .ci/run installs them).");
  }

  /** Starts the browser; {@code logName} names the driver's log file. */
  static Browser start(String logName) throws IOException {
    Path screenshots =
        Path.of(System.getProperty("local.screenshots", "target/screenshots")).toAbsolutePath();
    Files.createDirectories(screenshots);
    Path profile = Files.createTempDirectory("chromium-profile");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogOutput(Files.newOutputStream(screenshots.resolve(logName)))
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1000,1000",
        "--user-data-dir=" + profile);
    return new Browser(new ChromeDriver(service, options), service, profile, screenshots);
  }

  void assertSecureHostCookie(String name) {
    Cookie cookie = driver.manage().getCookieNamed(name);
    assertNotNull(cookie, name + " was not stored; cookies: " + driver.manage().getCookies());
    assertTrue(cookie.isSecure(), name + " is Secure");
    assertTrue(cookie.isHttpOnly(), name + " is HttpOnly");
    assertEquals("/", cookie.getPath());
    assertEquals("Lax", cookie.getSameSite());
  }

  WebElement await(By by) {
    return new WebDriverWait(driver, STEP_TIMEOUT)
        .withMessage(() -> "waiting for " + by + " at " + driver.getCurrentUrl())
        .until(ExpectedConditions.elementToBeClickable(by));
  }

  void click(By by) {
    await(by).click();
  }

  void screenshot(String file) throws IOException {
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(screenshots.resolve(file), png);
  }

  /** Keeps a screenshot and the page's source of a failure. */
  void keepFailure(String prefix) throws IOException {
    screenshot(prefix + "failure.png");
    Files.writeString(
        screenshots.resolve(prefix + "failure.html"),
        driver.getPageSource(),
        StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
      service.stop();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }
}
