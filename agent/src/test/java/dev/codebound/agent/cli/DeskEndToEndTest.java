package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.registry.junit.IssuedCode;
import dev.codebound.testkit.SamplePhotos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;
import okhttp3.FormBody;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capture desk end to end against a real registry: scans through the page's API, photos
 * arriving in the hot folder, verdicts with the checks' measurements, a photo with no scan, a
 * withdrawal, the upload window opening and the receipts; and the page's refusals (Host, Origin,
 * CSRF, session, token), each performed as an attacker would.
 */
class DeskEndToEndTest {
    @TempDir
    static Path dir;

    private static CodeboundRegistry registry;
    private static TestStation station;

    @BeforeAll
    static void enroll() throws Exception {
        registry = CodeboundRegistry.builder().dataDir(dir.resolve("registry")).start();
        station = TestStation.enrolled(TestStation.in(dir.resolve("station")), registry);
    }

    @AfterAll
    static void stopRegistry() throws IOException {
        if (registry != null) {
            registry.close();
        }
    }

    private static JsonNode entry(JsonNode state, String codeId) {
        return StreamSupport.stream(state.get("queue").spliterator(), false)
                .filter(entry -> entry.get("codeId").asText().equals(codeId)).findFirst().orElse(null);
    }

    @Test
    void aDeskDayFromScanToReceipt() throws Exception {
        AtomicReference<String> window = new AtomicReference<>(TestDesk.closedWindow());
        try (TestDesk desk = TestDesk.start(station, dir.resolve("camera-day"), window::get)) {
            DeskClient page = desk.login();

            IssuedCode first = registry.issueCode();
            assertEquals(202, page.scan(first.text()).status());
            page.awaitState(state -> first.codeId().equals(state.at("/pairing/codeId").asText(null)),
                    "the first graduate's pairing to open");
            byte[] good = SamplePhotos.good(11);
            desk.shoot("IMG_0001.jpg", good);
            JsonNode accepted = page.awaitState(state -> state.at("/photo/verdict").asText().equals("accepted"),
                    "the first photo's verdict");
            assertEquals(first.codeId(), accepted.at("/photo/codeId").asText());
            assertTrue(accepted.at("/pairing/codeId").isNull(), "one scan, one photo: the pairing closed");
            assertArrayEquals(good, page.bytes("/api/photo?n=" + accepted.at("/photo/number").asLong()),
                    "the page shows the very photo the camera took, from memory");
            JsonNode head = accepted.at("/photo/measurements/head");
            assertTrue(head.get("eyeLine").asInt() > head.get("top").asInt() && head.get("faceWidth").asInt() > 100,
                    head.toString());
            assertEquals(3, accepted.at("/photo/measurements/backgroundSamples").size());
            assertEquals("queued", entry(accepted, first.codeId()).get("state").asText());
            assertFalse(accepted.toString().contains("张三"), "the page never shows the graduate's identity");

            IssuedCode second = registry.issueCode();
            page.scan(second.text());
            page.awaitState(state -> second.codeId().equals(state.at("/pairing/codeId").asText(null)),
                    "the second graduate's pairing to open");
            desk.shoot("IMG_0002.jpg", SamplePhotos.bad(SamplePhotos.Defect.WRONG_BACKGROUND, 12));
            JsonNode refused = page.awaitState(state -> state.at("/photo/verdict").asText().equals("refused"),
                    "the refused photo's verdict");
            assertEquals("background", refused.at("/photo/findings/0/check").asText());
            assertTrue(refused.at("/photo/measurements/background").asText().startsWith("#"));
            assertTrue(Files.exists(desk.folder().resolve("rejected").resolve("IMG_0002.jpg")));

            desk.shoot("IMG_0003.jpg", SamplePhotos.good(13));
            JsonNode unpaired = page.awaitState(state -> state.at("/photo/verdict").asText().equals("not-paired"),
                    "a photo taken with no scan before it");
            assertTrue(unpaired.at("/photo/refusal").asText().contains("no pairing was open"));
            assertFalse(unpaired.at("/photo/image").asBoolean(), "a photo paired with no code is not shown");

            IssuedCode third = registry.issueCode();
            page.scan(third.text());
            page.awaitState(state -> third.codeId().equals(state.at("/pairing/codeId").asText(null)),
                    "the third graduate's pairing to open");
            desk.shoot("IMG_0004.jpg", SamplePhotos.good(14));
            JsonNode queued = page.awaitState(state -> entry(state, third.codeId()) != null, "the third entry");
            String withdrawn = entry(queued, third.codeId()).get("entry").asText();
            assertEquals(200, page.withdraw(withdrawn).status());
            assertEquals(null, entry(page.state(), third.codeId()), "a withdrawn entry leaves the queue");

            window.set("");
            JsonNode delivered = page.awaitState(state -> entry(state, first.codeId()) != null
                    && entry(state, first.codeId()).get("state").asText().equals("delivered"),
                    "the window to open and the first photo to be delivered");
            String entryId = entry(delivered, first.codeId()).get("entry").asText();
            assertTrue(Files.exists(station.station().receipt(entryId)), "its receipt is verified and stored");
            assertEquals("ok", delivered.at("/health/registry/state").asText());
            assertEquals("ok", delivered.at("/health/certificate/state").asText());
            DeskClient.Answer late = page.withdraw(entryId);
            assertEquals(409, late.status(), "a delivered entry cannot be withdrawn: " + late.body());
        }
        CliRun audit = station.run("audit", "verify");
        assertEquals(ExitCodes.OK, audit.exitCode(), audit::both);
    }

    @Test
    void thePageRefusesWhatDoesNotComeFromItself() throws Exception {
        try (TestDesk desk = TestDesk.start(station, dir.resolve("camera-guard"), TestDesk::closedWindow)) {
            Path tokenFile = station.station().deskToken();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            String base = desk.page().url().replaceAll("/$", "");
            DeskClient stranger = DeskClient.anonymous(base);

            DeskClient.Answer wrongToken = stranger.loginWith("not-the-token");
            assertEquals(303, wrongToken.status());
            assertEquals(null, stranger.cookie(), "a wrong token opens no session");
            assertEquals(401, stranger.get("/api/state").status());
            assertEquals(303, stranger.get("/").status(), "the desk itself redirects to the login");

            DeskClient page = desk.login();
            DeskClient.Answer login = DeskClient.anonymous(base).loginWith(Files.readString(tokenFile).strip());
            assertTrue(login.header().contains("HttpOnly") && login.header().contains("SameSite=Strict"),
                    login.header());
            DeskClient.Answer state = page.get("/api/state");
            assertTrue(state.header().contains("script-src 'self'") && !state.header().contains("unsafe-inline"),
                    state.header());

            String scan = "{\"code\": \"ABC\"}";
            MediaType json = MediaType.get("application/json");
            // DNS rebinding: a hostile name resolved to 127.0.0.1 sends its own name as Host.
            assertEquals(421, page.send(new Request.Builder().url(base + "/api/state")
                    .header("Host", "attacker.example:" + desk.page().address().getPort()).get()).status());
            // Cross-site: another page's form or fetch carries its own Origin, or none.
            assertEquals(403, page.send(new Request.Builder().url(base + "/api/scan").header("Origin",
                    "http://attacker.example").header("X-CSRF-Token", page.csrf())
                    .post(RequestBody.create(scan, json))).status());
            assertEquals(403, page.send(new Request.Builder().url(base + "/api/scan")
                    .header("X-CSRF-Token", page.csrf()).post(RequestBody.create(scan, json))).status());
            assertEquals(403, page.send(new Request.Builder().url(base + "/api/scan").header("Origin", base)
                    .header("X-CSRF-Token", "guessed").post(RequestBody.create(scan, json))).status());
            assertEquals(403, page.send(new Request.Builder().url(base + "/api/scan").header("Origin", base)
                    .post(RequestBody.create(scan, json))).status());
            assertEquals(403, stranger.send(new Request.Builder().url(base + "/login")
                    .header("Origin", "http://attacker.example")
                    .post(new FormBody.Builder().add("token", "x").build())).status());
            assertEquals(401, stranger.send(new Request.Builder().url(base + "/api/withdraw").header("Origin", base)
                    .post(RequestBody.create("{\"entry\": \"0000\"}", json))).status(), "no session, no change");
            assertEquals(401, stranger.get("/api/photo?n=1").status(), "no photo without a session");
            assertTrue(page.state().at("/notes").toString().contains("desk started"));
            assertFalse(page.state().at("/notes").toString().contains("ABC"), "no refused request reached the desk");
        }
    }
}
