package dev.codebound.server.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadChecksum;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.RawHttp;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TusTestClient;
import dev.codebound.server.http.StationAuthenticator;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each action as a client sees it, against a real server on loopback (plain mode). One server
 * serves every test; each test installs its own plan, which restarts the rules' counting.
 */
class FaultActionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private static MockRegistry registry;
    private static TusTestClient tus;

    @BeforeAll
    static void start() throws IOException {
        registry = MockRegistry.start(TestRegistries.plain(dataDir).seed(7L).build());
        tus = TusTestClient.plain(registry, "station-a");
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @BeforeEach
    void noFaults() {
        registry.faults().clear();
    }

    private static long offset(String location) throws Exception {
        HttpResponse<String> head = tus.head(location);
        assertEquals(200, head.statusCode());
        return Long.parseLong(head.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
    }

    private static JsonNode problem(HttpResponse<String> response) throws IOException {
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        return JSON.readTree(response.body());
    }

    /** The newest journal entry that names a fault. */
    private static JsonNode lastFaulted() throws Exception {
        for (JsonNode entry : JSON.readTree(tus.get("/admin/journal?limit=20").body()).get("entries")) {
            if (entry.has("fault")) {
                return entry;
            }
        }
        throw new AssertionError("no faulted request in the journal");
    }

    private static byte[] bytes(int length) {
        byte[] body = new byte[length];
        for (int i = 0; i < length; i++) {
            body[i] = (byte) (i * 31 + 7);
        }
        return body;
    }

    private static String sha256(byte[] body) throws Exception {
        return UploadChecksum.sha256Header(MessageDigest.getInstance("SHA-256").digest(body));
    }

    @Test
    void resetMidBodyClosesTheConnectionAndKeepsTheOffset() throws Exception {
        registry.faults().replace(Plans.rule("tus.patch", "'script':[1]", "{'type':'reset','afterBytes':1000}"));
        String location = tus.createPath(4000);
        try (RawHttp raw = new RawHttp(registry.port())) {
            raw.send("PATCH " + location + " HTTP/1.1", new String[] {
                    Tus.TUS_RESUMABLE + ": " + Tus.VERSION, StationAuthenticator.DEV_STATION_HEADER + ": station-a",
                    Tus.UPLOAD_OFFSET + ": 0", "Content-Type: " + Tus.OFFSET_CONTENT_TYPE, "Content-Length: 4000"},
                    Arrays.copyOf(bytes(4000), 2500));
            assertTrue(raw.closedByServer(), "the server reset the connection without answering");
        }
        assertEquals(0, offset(location), "the partial chunk was discarded");
        JsonNode entry = lastFaulted();
        assertEquals("PATCH", entry.get("method").asText());
        assertEquals(0, entry.get("status").asInt(), "no answer was sent");
        assertTrue(entry.get("bytes").asLong() >= 1000, entry.toString());
        assertEquals("rule 0 (PATCH /files/{id} #1): reset afterBytes=1000", entry.get("fault").asText());
        assertEquals(204, patchOnceUnlocked(location, bytes(4000)).statusCode(), "the next PATCH is not faulted");
    }

    /**
     * PATCH at offset 0, retrying while the upload is locked: the server releases a broken request's
     * lock on a storage thread, so a quick retry may still meet 423, as the API documents.
     */
    private static HttpResponse<String> patchOnceUnlocked(String location, byte[] body) throws Exception {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> patch = tus.patch(location, 0, body);
            if (patch.statusCode() != 423 || attempt == 50) {
                return patch;
            }
            Thread.sleep(20);
        }
    }

    @Test
    void resetWithoutBodyClosesAtOnce() throws Exception {
        registry.faults().replace(Plans.rule("tus.head", "'script':[1]", "{'type':'reset','afterBytes':10}"));
        String location = tus.createPath(10);
        try (RawHttp raw = new RawHttp(registry.port())) {
            raw.send("HEAD " + location + " HTTP/1.1", new String[] {Tus.TUS_RESUMABLE + ": " + Tus.VERSION,
                    StationAuthenticator.DEV_STATION_HEADER + ": station-a"}, null);
            assertTrue(raw.closedByServer());
        }
        assertEquals(0, offset(location));
    }

    @Test
    void delayAnswersAfterTheDelayAndKeepsTheBody() throws Exception {
        registry.faults().replace(Plans.of("{'rules':["
                + "{'route':'tus.head','script':[1],'action':{'type':'delay','ms':400}},"
                + "{'route':'tus.patch','script':[1],'action':{'type':'delay','ms':300}}]}"));
        String location = tus.createPath(3000);
        long start = System.nanoTime();
        assertEquals(0, offset(location));
        assertTrue(System.nanoTime() - start >= 400_000_000L, "HEAD answered after the delay");
        byte[] body = bytes(3000);
        start = System.nanoTime();
        HttpResponse<String> patch = tus.patch(location, 0, body, Tus.UPLOAD_CHECKSUM, sha256(body));
        assertTrue(System.nanoTime() - start >= 300_000_000L, "PATCH answered after the delay");
        assertEquals(204, patch.statusCode(), patch.body());
        assertEquals("3000", patch.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow(),
                "the body that waited was stored whole and in order");
    }

    @Test
    void dribbleReadsTheBodySlowly() throws Exception {
        registry.faults().replace(Plans.rule("tus.patch", "'probability':1",
                "{'type':'dribble','bytesPerSecond':40000}"));
        byte[] body = bytes(24_000);
        String location = tus.createPath(body.length);
        long start = System.nanoTime();
        HttpResponse<String> patch = tus.patch(location, 0, body, Tus.UPLOAD_CHECKSUM, sha256(body));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(204, patch.statusCode(), patch.body());
        assertTrue(elapsedMs >= 600, "24000 bytes at 40000 B/s take at least 600 ms, took " + elapsedMs);
        assertEquals(body.length, offset(location), "the dribbled body arrived whole (its checksum matched)");
    }

    @Test
    void statusAnswersTheProblemWithRetryAfter() throws Exception {
        registry.faults().replace(Plans.rule("*", "'script':[1]",
                "{'type':'status','status':503,'retryAfterSeconds':7}"));
        HttpResponse<String> create = tus.create(10);
        assertEquals(503, create.statusCode());
        assertEquals("7", create.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(Tus.VERSION, create.headers().firstValue(Tus.TUS_RESUMABLE).orElseThrow());
        JsonNode problem = problem(create);
        assertEquals("SERVICE_UNAVAILABLE", problem.get("reason").asText());
        assertEquals(503, problem.get("status").asInt());
        assertEquals("rule 0 (POST /files/ #1): status 503 retryAfterSeconds=7",
                lastFaulted().get("fault").asText());
        assertEquals(201, tus.create(10).statusCode(), "only the first request on the route was faulted");
    }

    @Test
    void checksumMismatchIsTheReal460AndDiscardsTheChunk() throws Exception {
        byte[] body = bytes(500);
        String location = tus.createPath(body.length);
        HttpResponse<String> real = tus.patch(location, 0, body, Tus.UPLOAD_CHECKSUM, sha256(new byte[1]));
        assertEquals(460, real.statusCode());

        registry.faults().replace(Plans.rule("tus.patch", "'script':[1]", "{'type':'checksumMismatch'}"));
        HttpResponse<String> faulted = tus.patch(location, 0, body, Tus.UPLOAD_CHECKSUM, sha256(body));
        assertEquals(460, faulted.statusCode());
        JsonNode injected = problem(faulted);
        JsonNode genuine = problem(real);
        assertEquals(genuine.get("reason").asText(), injected.get("reason").asText());
        assertEquals(genuine.get("type").asText(), injected.get("type").asText());
        assertEquals(genuine.get("detail").asText(), injected.get("detail").asText(),
                "indistinguishable from a real mismatch");
        assertEquals(0, offset(location), "the chunk was discarded");
        assertEquals(204, tus.patch(location, 0, body).statusCode(), "a checksum-less PATCH #2 is not faulted");
    }

    @Test
    void lockedIsTheReal423() throws Exception {
        registry.faults().replace(Plans.rule("tus.patch", "'script':[1]", "{'type':'locked'}"));
        String location = tus.createPath(4);
        HttpResponse<String> locked = tus.patch(location, 0, new byte[] {1, 2, 3, 4});
        assertEquals(423, locked.statusCode());
        assertEquals("UPLOAD_LOCKED", problem(locked).get("reason").asText());
        assertEquals(0, offset(location));
        assertEquals(204, tus.patch(location, 0, new byte[] {1, 2, 3, 4}).statusCode(), "the lock was released");
    }

    @Test
    void expireMakesThisAndLaterRequestsGone() throws Exception {
        registry.faults().replace(Plans.rule("tus.patch", "'script':[2]", "{'type':'expire'}"));
        String location = tus.createPath(8);
        assertEquals(204, tus.patch(location, 0, new byte[] {1, 2, 3, 4}).statusCode());
        HttpResponse<String> gone = tus.patch(location, 4, new byte[] {5, 6, 7, 8});
        assertEquals(410, gone.statusCode());
        assertEquals("UPLOAD_EXPIRED", problem(gone).get("reason").asText());
        assertEquals(410, tus.head(location).statusCode());
        assertEquals(410, tus.patch(location, 4, new byte[] {5, 6, 7, 8}).statusCode());
    }

    @Test
    void refuseStationRefusesOnlyThatStation() throws Exception {
        registry.faults().replace(Plans.rule("*", "'probability':1,'stationId':'station-bad'",
                "{'type':'refuseStation'}"));
        TusTestClient bad = TusTestClient.plain(registry, "station-bad");
        HttpResponse<String> refused = bad.create(10);
        assertEquals(403, refused.statusCode());
        JsonNode problem = problem(refused);
        assertEquals("STATION_REVOKED", problem.get("reason").asText(), "the registry's answer to a revoked station");
        assertTrue(problem.get("detail").asText().contains("station station-bad"), problem.toString());
        assertEquals(201, tus.create(10).statusCode(), "other stations are served");
        assertEquals(204, tus.send(tus.request("/files/").method("OPTIONS",
                java.net.http.HttpRequest.BodyPublishers.noBody()).build()).statusCode(),
                "public routes are not refused");
    }
}
