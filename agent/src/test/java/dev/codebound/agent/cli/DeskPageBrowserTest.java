package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.registry.junit.IssuedCode;
import dev.codebound.testkit.HeadlessChromium;
import dev.codebound.testkit.SamplePhotos;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A full desk session in a real browser (headless Chromium): log in with the access token, scan
 * codes by typing into the page as a keyboard-wedge scanner does (into whatever has the focus, which
 * the scan field keeps), see each photo's verdict with the checks drawn over it, and withdraw a
 * queued entry. Screenshots go to {@code target/desk-screenshots/}; the browser console must stay
 * free of errors (a CSP violation is one).
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}; without them the test is skipped,
 * saying how to install them; on CI ({@code CI=true}) their absence fails it instead.
 */
class DeskPageBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "desk-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    @TempDir
    static Path browserProfile;

    private static CodeboundRegistry registry;
    private static TestStation station;
    private static HeadlessChromium chromium;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        chromium = HeadlessChromium.start("the desk page", browserProfile, SCREENSHOTS, 1280, 1000);
        browser = chromium.driver();
        registry = CodeboundRegistry.builder().dataDir(dir.resolve("registry")).start();
        station = TestStation.enrolled(TestStation.in(dir.resolve("station")), registry);

    }

    @AfterAll
    static void stop() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void aDeskSessionScanShootSeeTheVerdictAndWithdraw() throws Exception {
        try (TestDesk desk = TestDesk.start(station, dir.resolve("camera"), TestDesk::closedWindow)) {
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            // The page redraws its parts as the state changes: an element found just before a redraw goes stale.
            wait.ignoring(StaleElementReferenceException.class);
            browser.get(desk.page().url());
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys("wrong");
            browser.findElement(By.cssSelector("#login button[type=submit]")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-refused")));
            chromium.screenshot("1-login-refused");
            browser.findElement(By.id("token")).sendKeys(desk.token());
            browser.findElement(By.cssSelector("#login button[type=submit]")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("scan")));
            wait.until(ignored -> "scan".equals(activeElementId()));

            IssuedCode first = registry.issueCode();
            wedge(first.text());
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pairing"), first.codeId()));
            chromium.screenshot("2-scanned");
            desk.shoot("IMG_0001.jpg", SamplePhotos.good(21));
            wait.until(ExpectedConditions.attributeContains(By.id("verdict"), "class", "accepted"));
            wait.until(ignored -> chromium.decoded(browser.findElement(By.id("photo"))));
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#overlay .overlay-eye-line")));
            assertEquals(1, browser.findElements(By.cssSelector("#overlay .overlay-face")).size());
            assertEquals(3, browser.findElements(By.cssSelector("#overlay .overlay-sample")).size());
            assertTrue(browser.findElement(By.id("verdict")).getText().contains(first.codeId()));
            chromium.screenshot("3-accepted-with-overlay");

            IssuedCode second = registry.issueCode();
            wedge(second.text());
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pairing"), second.codeId()));
            desk.shoot("IMG_0002.jpg", SamplePhotos.bad(SamplePhotos.Defect.WRONG_BACKGROUND, 22));
            wait.until(ExpectedConditions.attributeContains(By.id("verdict"), "class", "refused"));
            wait.until(ignored -> chromium.decoded(browser.findElement(By.id("photo"))));
            wait.until(ignored -> "#ff3b30".equals(browser.findElement(By.cssSelector("#overlay .overlay-sample"))
                    .getAttribute("stroke")));
            assertTrue(browser.findElement(By.id("findings")).getText().contains("background"));
            chromium.screenshot("4-refused-background");

            // The page redraws the queue at every poll, so the button found may be replaced before the click lands:
            // click the one that is there now, again if it went stale.
            wait.ignoring(StaleElementReferenceException.class).until(ignored -> {
                browser.findElement(By.cssSelector("button.withdraw")).click();
                return true;
            });
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("button.withdraw"), 0));
            wait.until(ignored -> "scan".equals(activeElementId()));
            assertTrue(browser.findElement(By.id("notes")).getText().contains("withdrew entry"));
            chromium.screenshot("5-withdrawn");

            List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(entry -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                    .toList();
            assertTrue(errors.isEmpty(), "browser console errors (a CSP violation is one): " + errors);
        }
    }

    /** Types as a keyboard-wedge scanner does: the code's characters and Enter, into whatever has the focus. */
    private static void wedge(String code) {
        new Actions(browser).sendKeys(code + Keys.ENTER).perform();
    }

    private static String activeElementId() {
        return (String) ((JavascriptExecutor) browser).executeScript("return document.activeElement.id");
    }



}
