package dev.codebound.testkit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium, headless, driven by Selenium: for the tests of the pages the project serves
 * (the registry's admin page, the station's desk page). Starting one checks that Chromium and its
 * driver are installed: on CI ({@code CI=true}) their absence fails the test, elsewhere it skips it,
 * saying which packages to install. The browser starts with a fresh profile and the flags a closed
 * network needs (no background networking, no component updates: otherwise it keeps trying to reach
 * Google's hosts), and records the page's console for assertions.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final String INSTALL = "apt-get install -y chromium chromium-driver";

    private final WebDriver driver;
    private final Path screenshots;

    private HeadlessChromium(WebDriver driver, Path screenshots) {
        this.driver = driver;
        this.screenshots = screenshots;
    }

    /**
     * Starts the browser.
     *
     * @param page        what is tested, for the message when the browser is missing ("the desk page")
     * @param profile     an empty directory for the browser's profile
     * @param screenshots where {@link #screenshot} writes (created)
     * @param width       the window's width in pixels
     * @param height      the window's height in pixels
     */
    public static HeadlessChromium start(String page, Path profile, Path screenshots, int width, int height)
            throws IOException {
        Optional<Path> chromium = onPath("chromium", "chromium-browser");
        Optional<Path> chromedriver = onPath("chromedriver");
        String missing = page + "'s browser test needs Chromium and its driver: " + INSTALL;
        if ("true".equals(System.getenv("CI")) && (chromium.isEmpty() || chromedriver.isEmpty())) {
            fail(missing + " (.ci/run installs them on CI)");
        }
        assumeTrue(chromium.isPresent() && chromedriver.isPresent(), missing);
        ChromeOptions options = new ChromeOptions().setBinary(chromium.get().toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.get().toFile()).usingAnyFreePort().build();
        Files.createDirectories(screenshots);
        return new HeadlessChromium(new ChromeDriver(service, options), screenshots);
    }

    /** The Selenium driver. */
    public WebDriver driver() {
        return driver;
    }

    /** Saves what the window shows as {@code <screenshots>/<name>.png}, for a person to look at. */
    public void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Whether the browser loaded and decoded {@code image} (an {@code img} element with pixels). */
    public boolean decoded(WebElement image) {
        Object width = ((JavascriptExecutor) driver).executeScript(
                "return arguments[0].complete ? arguments[0].naturalWidth : 0", image);
        return width instanceof Number number && number.intValue() > 0;
    }

    /** Quits the browser. */
    @Override
    public void close() {
        driver.quit();
    }

    private static Optional<Path> onPath(String... names) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .flatMap(directory -> Stream.of(names).map(name -> Path.of(directory, name)))
                .filter(Files::isExecutable).findFirst();
    }
}
