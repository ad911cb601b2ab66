package dev.codebound.server.adminui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.TusTestClient;
import dev.codebound.server.registry.CodeBook;
import dev.codebound.testkit.HeadlessChromium;
import dev.codebound.testkit.SamplePhotos;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin web page in a real browser (headless Chromium): log in with the token, see a photo
 * uploaded in the test as a sealed envelope (decrypted by the registry on demand), revoke a station
 * (a change, so through the CSRF token), apply a fault plan and see the next request get the fault
 * in the journal. Screenshots of each page go to {@code target/admin-ui-screenshots/}; the browser
 * console must stay free of errors (a CSP violation is one).
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}; without them the test is skipped,
 * saying how to install them, as the project's other tests that need machine tools are; on CI
 * ({@code CI=true}, where {@code .ci/run} installs them) their absence fails it instead.
 */
class AdminPageBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "admin-ui-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final StudentIdentity STUDENT = new StudentIdentity("2023001", "张三", "11010519491231002X");

    @TempDir
    static Path dataDir;
    @TempDir
    static Path browserProfile;

    private static MockRegistry registry;
    private static HeadlessChromium chromium;
    private static WebDriver browser;
    private static String base;
    private static StationCredentials station;

    @BeforeAll
    static void start() throws Exception {
        chromium = HeadlessChromium.start("the admin page", browserProfile, SCREENSHOTS, 1280, 900);
        browser = chromium.driver();

        registry = MockRegistry.start(MockRegistryConfig.builder().bindAddress("127.0.0.1").port(0).dataDir(dataDir)
                .tls(false).storageThreads(2).eventLoopThreads(1).build());
        base = registry.baseUri().toString();
        station = enroll();
        IssuedCode code = registry.registry().codes().issue(new CodeBook.CodeRequest(STUDENT, 10337, 2027,
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30))));
        upload(seal(code, SamplePhotos.good(1)), code.codeId());
        upload(seal(code, SamplePhotos.good(2)), code.codeId());

    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void logInSeeThePhotosRevokeAStationAndWatchAFaultAct() throws Exception {
        browser.get(base + "/admin/ui/");
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        chromium.screenshot("1-login");

        browser.findElement(By.id("token")).sendKeys("wrong");
        browser.findElement(By.cssSelector("#login button[type=submit]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-refused")));

        browser.findElement(By.id("token")).sendKeys(Files.readString(dataDir.resolve("admin-token")).strip());
        browser.findElement(By.cssSelector("#login button[type=submit]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("photos")));
        List<WebElement> photos = wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".version img"),
                2));
        wait.until(ignored -> photos.stream().allMatch(chromium::decoded));
        assertTrue(browser.findElement(By.cssSelector(".versions")).getText().contains("v2 · " + station.stationId()));
        chromium.screenshot("2-photos");

        tab("stations");
        WebElement revoke = wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#station-rows button.danger")));
        revoke.click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "revoked"));
        assertTrue(registry.registry().stations().isRevoked(station.stationId()), "the revocation went through");
        chromium.screenshot("3-stations");

        tab("faults");
        WebElement plan = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("fault-plan")));
        plan.clear();
        plan.sendKeys("{\"seed\": \"9007199254740993\", \"rules\": [{\"route\": \"GET /registry/v1/trust-bundle\","
                + " \"script\": [1], \"action\": {\"type\": \"status\", \"status\": 503, \"retryAfterSeconds\": 5}}]}");
        browser.findElement(By.id("fault-apply")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Fault plan applied"));
        wait.until(ExpectedConditions.textToBe(By.id("fault-seed"), "9007199254740993"));
        chromium.screenshot("4-faults");

        HttpResponse<String> faulted = TusTestClient.plain(registry, "anyone").get("/registry/v1/trust-bundle");
        assertEquals(503, faulted.statusCode(), "the plan applied from the page acts on the next request");

        tab("journal");
        browser.findElement(By.id("filter-fault")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("journal-rows"),
                "/registry/v1/trust-bundle"));
        String rows = browser.findElement(By.id("journal-rows")).getText();
        assertTrue(rows.contains("503") && rows.contains("status 503"), rows);
        chromium.screenshot("5-journal");

        tab("log");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#log-rows tr"), 2));
        assertTrue(browser.findElement(By.id("checkpoint")).getText().lines().count() >= 3);
        chromium.screenshot("6-log");

        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));

        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .filter(entry -> !entry.getMessage().contains("/admin/ui/session - Failed to load resource: the "
                        + "server responded with a status of 401"))
                .toList();
        assertTrue(errors.isEmpty(), "browser console errors (a CSP violation is one): " + errors);
    }

    private static void tab(String name) {
        browser.findElement(By.cssSelector("button[data-tab=" + name + "]")).click();
    }



    private static StationCredentials enroll() throws Exception {
        KeyPair key = KeyPairs.generateP256();
        String token = registry.registry().enrollment().issueToken(Duration.ofHours(1), "browser test").token();
        return new StationCredentials(key.getPrivate(),
                registry.registry().enrollment().enroll(token, CertificationRequests.create(key, "studio")));
    }

    private static byte[] seal(IssuedCode code, byte[] photo) throws Exception {
        TrustBundle bundle = registry.registry().trustBundles().currentBundle();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EnvelopeSealer.forBundle(station, bundle, Instant.now()).seal(PhotoSource.of(photo),
                new CodeVerifier(bundle).verify(code.text(), Instant.now()),
                new CaptureMetadata(CaptureMetadata.JPEG, Instant.now()), out);
        return out.toByteArray();
    }

    private static void upload(byte[] envelope, String codeId) throws Exception {
        TusTestClient tus = TusTestClient.plain(registry, station.stationId());
        String metadata = UploadMetadata.empty().with(Tus.Metadata.CODE_ID, codeId)
                .with(Tus.Metadata.ENVELOPE_SHA256, HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(envelope))).encode();
        HttpResponse<String> created = tus.send(tus.request("/files/", Tus.TUS_RESUMABLE, Tus.VERSION,
                Tus.UPLOAD_LENGTH, Integer.toString(envelope.length), Tus.UPLOAD_METADATA, metadata,
                "Content-Type", Tus.OFFSET_CONTENT_TYPE).POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build());
        assertEquals(201, created.statusCode(), created.body());
        HttpResponse<String> result = tus.get(created.headers().firstValue("Location").orElseThrow() + "/result");
        assertEquals(200, result.statusCode(), result.body());
        assertTrue(result.body().contains("codebound-receipt/1"), "accepted, with a receipt: " + result.body());
    }

}
