package dev.switchboard.gateway.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven through chromium-driver (Debian's {@code chromium} and
 * {@code chromium-driver}; {@code .ci/run} installs them), for tests of pages against gateways on
 * loopback. Without them a test cannot run: under CI ({@code CI=true}) that fails the test with the
 * install command, elsewhere it skips the test (a JUnit assumption), so a developer machine without a
 * browser still builds. Nothing is downloaded: the browser and driver are the installed ones
 * ({@code CHROMIUM_BINARY}, {@code CHROMEDRIVER} override the paths).
 */
public final class HeadlessBrowser implements AutoCloseable {
    private static final List<String> BROWSERS =
            List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    private final WebDriver driver;

    private HeadlessBrowser(WebDriver driver) {
        this.driver = driver;
    }

    /**
     * Starts a headless browser, or fails (CI) or skips (elsewhere) the calling test when none is installed.
     *
     * @return the browser; close it
     */
    public static HeadlessBrowser start() {
        Optional<String> browser = find("CHROMIUM_BINARY", BROWSERS);
        Optional<String> driverBinary = find("CHROMEDRIVER", DRIVERS);
        if (browser.isEmpty() || driverBinary.isEmpty()) {
            String missing = "this test needs a headless browser: install chromium and chromium-driver "
                    + "(apt-get install -y chromium chromium-driver), or set CHROMIUM_BINARY and CHROMEDRIVER; "
                    + "found browser " + browser.orElse("none") + ", driver " + driverBinary.orElse("none");
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(missing);
            }
            Assumptions.abort(missing);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.get());
        // root (CI containers) needs --no-sandbox; /dev/shm is small in containers
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1280,800",
                "--no-first-run",
                "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driverBinary.get()))
                .usingAnyFreePort()
                .build();
        return new HeadlessBrowser(new ChromeDriver(service, options));
    }

    private static Optional<String> find(String variable, List<String> candidates) {
        String configured = System.getenv(variable);
        if (configured != null && !configured.isBlank()) {
            return Optional.of(configured).filter(path -> Files.isExecutable(Path.of(path)));
        }
        return candidates.stream()
                .filter(path -> Files.isExecutable(Path.of(path)))
                .findFirst();
    }

    /**
     * @param url the page to load
     * @return this browser
     */
    public HeadlessBrowser open(String url) {
        driver.get(url);
        return this;
    }

    /**
     * Polls the page until the element exists and has text: pages that stream keep loading, so the test
     * reads the DOM through the driver rather than waiting for the page to finish.
     *
     * @param cssSelector the element
     * @param timeout     how long to wait
     * @return its text
     */
    public String awaitText(String cssSelector, Duration timeout) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                .withMessage(
                        () -> "no text in " + cssSelector + " after " + timeout + "; page: " + driver.getPageSource())
                .until(d -> d.findElements(By.cssSelector(cssSelector)).stream()
                        .map(WebElement::getText)
                        .filter(text -> !text.isBlank())
                        .findFirst()
                        .orElse(null));
    }

    /**
     * @param cssSelector an element
     * @return its text now ({@code ""} when absent)
     */
    public String text(String cssSelector) {
        return driver.findElements(By.cssSelector(cssSelector)).stream()
                .map(WebElement::getText)
                .findFirst()
                .orElse("");
    }

    /**
     * Saves what a person would see as {@code gateway/target/screenshots/<name>}, and as the README's
     * {@code docs/images/<name>} when the build is run with {@code -Dswitchboard.updateScreenshots=true}: a
     * test run does not rewrite tracked files (pixels differ from one Chromium to the next).
     *
     * @param name the PNG's file name
     * @return where it was written under {@code target/}
     */
    public Path screenshot(String name) {
        Path root = repositoryRoot();
        Path file = screenshot(root.resolve("gateway/target/screenshots").resolve(name));
        if (Boolean.getBoolean("switchboard.updateScreenshots")) {
            screenshot(root.resolve("docs/images").resolve(name));
        }
        return file;
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/API.md"))) {
                return dir;
            }
        }
        throw new IllegalStateException("not inside the repository");
    }

    private Path screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return the driver, for what this class does not cover */
    public WebDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
