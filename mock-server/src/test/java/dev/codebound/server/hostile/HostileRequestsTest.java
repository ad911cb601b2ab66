package dev.codebound.server.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.RawHttp;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TusTestClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile requests against the tus routes, sent byte for byte over raw sockets (plain mode on
 * loopback, so the station is the dev header; the TLS layer is covered by {@link HostileTlsTest}).
 * Every refusal is pinned to its status and problem reason, and after each test an honest station
 * still completes an upload.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int QUOTA = 5;
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final String STATION = "hostile-1";

    @TempDir
    static Path dataDir;
    MockRegistry server;

    @BeforeAll
    void start() throws IOException {
        server = MockRegistry.start(TestRegistries.plain(dataDir).headerTimeout(TIMEOUT).bodyIdleTimeout(TIMEOUT)
                .maxUnfinishedUploadsPerStation(QUOTA).build());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @AfterEach
    void honestStationIsStillServed() throws Exception {
        TusTestClient honest = TusTestClient.plain(server, "honest");
        String location = honest.createPath(5);
        HttpResponse<String> done = honest.patch(location, 0, "hello".getBytes(StandardCharsets.US_ASCII));
        assertEquals(204, done.statusCode(), done.body());
        assertEquals("accepted", done.headers().firstValue("Codebound-Outcome").orElseThrow());
        honest.delete(location);
        assertNothingOutsideTheStore();
    }

    // ---- upload ids ----

    @Test
    void oddUploadIdsNeverReachStorage() throws Exception {
        String real = create(STATION, 10);
        String id22 = "A".repeat(22);
        record Case(String path, int status, String reason) {}
        List<Case> cases = List.of(
                new Case("/files/../keys", 404, "NO_SUCH_ROUTE"),
                new Case("/files/..%2fkeys", 404, "INVALID_UPLOAD_ID"),
                new Case("/files/%2e%2e%2fkeys", 404, "INVALID_UPLOAD_ID"),
                new Case("/files/%2e%2e", 404, "INVALID_UPLOAD_ID"),
                new Case("/files/..", 404, "INVALID_UPLOAD_ID"),
                new Case("/files/" + real.substring(7, 28) + "%41", 404, "INVALID_UPLOAD_ID"),
                new Case("/files/" + id22 + "A", 404, "INVALID_UPLOAD_ID"),
                new Case("/files/" + "A".repeat(4000), 404, "INVALID_UPLOAD_ID"),
                new Case("/files/" + id22.substring(1) + "%00", 404, "INVALID_UPLOAD_ID"),
                new Case("/files/" + id22.substring(2) + "%C3%A9", 404, "INVALID_UPLOAD_ID"),
                new Case("/files/" + id22, 404, "NO_SUCH_UPLOAD"),
                new Case(real + "/../" + real.substring(7), 404, "NO_SUCH_ROUTE"),
                new Case(real + "%2f..%2f..%2fadmin-token", 404, "INVALID_UPLOAD_ID"));
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            for (String method : List.of("PATCH", "DELETE")) {
                RawHttp.Response answer = exchange(method + " " + c.path + " HTTP/1.1", new String[] {
                        "Tus-Resumable: 1.0.0", "Codebound-Dev-Station: " + STATION, "Upload-Offset: 0",
                        "Content-Type: application/offset+octet-stream", "Content-Length: 0"}, new byte[0]);
                if (answer.status() != c.status || !c.reason.equals(reason(answer))) {
                    wrong.add(method + " " + c.path + " -> " + answer.status() + " " + reason(answer));
                }
            }
        }
        assertEquals(List.of(), wrong);
        // Raw bytes the URI syntax forbids: a NUL and non-ASCII characters in the request line.
        List<String> observed = new ArrayList<>();
        for (String path : List.of("/files/" + id22.substring(1) + "\0", "/files/" + id22.substring(2) + "é")) {
            RawHttp.Response answer = exchangeRaw(("PATCH " + path + " HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n"
                    + "Codebound-Dev-Station: " + STATION + "\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            observed.add(answer.status() + " " + reason(answer));
        }
        assertEquals(List.of("400 MALFORMED_REQUEST", "404 INVALID_UPLOAD_ID"), observed);
        assertEquals(200, head(STATION, real).status(), "the real upload is untouched");
    }

    // ---- metadata and headers ----

    @Test
    void headerInjectionThroughMetadataIsRefused() throws Exception {
        List<String> values = List.of("photo.cms\r\nCodebound-Outcome: accepted", "a\nb", "a\rb", "nul\0",
                "bell\u0007", "del\u007f", "esc\u001b[31m");
        for (String value : values) {
            String metadata = "filename " + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
            RawHttp.Response answer = exchange("POST /files/ HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                    "Codebound-Dev-Station: " + STATION, "Upload-Length: 5", "Upload-Metadata: " + metadata,
                    "Content-Length: 0"}, new byte[0]);
            assertEquals(400, answer.status(), value);
            assertEquals("INVALID_UPLOAD_METADATA", reason(answer), value);
            assertNull(answer.header("location"), value);
            assertNull(answer.header("codebound-outcome"), value);
        }
        // Control characters raw in a header value (not via base64) are refused by the parser or the
        // metadata check; either way nothing is created.
        List<String> wrong = new ArrayList<>();
        for (String raw : List.of("filename YQ==\u0001", "filename\u0000 YQ==", "file\u007fname YQ==",
                "filename YQ==\u000b", "filename YQ==\rX-Injected: 1")) {
            RawHttp.Response answer = exchangeRaw(("POST /files/ HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n"
                    + "Codebound-Dev-Station: " + STATION + "\r\nUpload-Length: 5\r\nUpload-Metadata: " + raw
                    + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (answer.status() != 400 || !"MALFORMED_REQUEST".equals(reason(answer))) {
                wrong.add(raw.replaceAll("\\p{Cntrl}", "^") + " -> " + answer.status() + " " + reason(answer));
            }
        }
        assertEquals(List.of(), wrong, "the HTTP parser refuses control characters in header values");
        // A station id with CR/LF or other odd characters in the dev header names no station.
        RawHttp.Response answer = exchange("POST /files/ HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                "Codebound-Dev-Station: ../../keys", "Upload-Length: 5", "Content-Length: 0"}, new byte[0]);
        assertEquals(401, answer.status());
        assertEquals("CLIENT_CERTIFICATE_REQUIRED", reason(answer));
    }

    @Test
    void hugeHeadersAre431AndTheConnectionCloses() throws Exception {
        List<String[]> heads = List.of(
                new String[] {"X-Big: " + "a".repeat(20_000)},
                Stream.generate(() -> "X-Many: " + "b".repeat(100)).limit(200).toArray(String[]::new),
                new String[] {"Upload-Metadata: filename " + "Q".repeat(17_000)});
        for (String[] extra : heads) {
            try (RawHttp http = new RawHttp(server.port())) {
                String[] headers = Stream.concat(Stream.of("Tus-Resumable: 1.0.0", "Codebound-Dev-Station: "
                        + STATION, "Upload-Length: 5"), Stream.of(extra)).toArray(String[]::new);
                RawHttp.Response answer = http.send("POST /files/ HTTP/1.1", headers, null).read();
                assertEquals(431, answer.status());
                assertEquals("MALFORMED_REQUEST", reason(answer));
                assertTrue(http.closedByServer());
            }
        }
        try (RawHttp http = new RawHttp(server.port())) {
            RawHttp.Response answer = http.send("HEAD /files/" + "A".repeat(9000) + " HTTP/1.1", new String[0], null)
                    .read();
            assertEquals(431, answer.status());
            assertEquals("MALFORMED_REQUEST", reason(answer));
            assertTrue(http.closedByServer());
        }
    }

    // ---- lengths and offsets ----

    @Test
    void hostileUploadLengthsAreRefused() throws Exception {
        record Case(String value, int status, String reason) {}
        List<Case> cases = List.of(
                new Case("99999999999999999999", 400, "INVALID_UPLOAD_LENGTH"),
                new Case("9223372036854775808", 400, "INVALID_UPLOAD_LENGTH"),
                new Case("9223372036854775807", 413, "UPLOAD_TOO_LARGE"),
                new Case(Long.toString(server.config().maxUploadSize() + 1), 413, "UPLOAD_TOO_LARGE"),
                new Case("-1", 400, "INVALID_UPLOAD_LENGTH"),
                new Case("+5", 400, "INVALID_UPLOAD_LENGTH"),
                new Case("0x10", 400, "INVALID_UPLOAD_LENGTH"),
                new Case("1e3", 400, "INVALID_UPLOAD_LENGTH"),
                new Case("5 5", 400, "INVALID_UPLOAD_LENGTH"),
                new Case("５", 400, "INVALID_UPLOAD_LENGTH"),
                new Case("٥", 400, "INVALID_UPLOAD_LENGTH"),
                new Case("", 400, "INVALID_UPLOAD_LENGTH"));
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            RawHttp.Response answer = exchangeRaw(("POST /files/ HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n"
                    + "Codebound-Dev-Station: " + STATION + "\r\nUpload-Length: " + c.value
                    + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            if (answer.status() != c.status || !c.reason.equals(reason(answer))) {
                wrong.add("Upload-Length '" + c.value + "' -> " + answer.status() + " " + reason(answer));
            }
        }
        assertEquals(List.of(), wrong);
        // Optional whitespace around a header value is not part of it (RFC 9110 §5.5): " 5" is 5.
        RawHttp.Response padded = exchange("POST /files/ HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                "Codebound-Dev-Station: " + STATION, "Upload-Length:  5 ", "Content-Length: 0"}, new byte[0]);
        assertEquals(201, padded.status(), padded.body());
        assertEquals("5", head(STATION, padded.header("location")).header("upload-length"));
        delete(STATION, padded.header("location"));
    }

    @Test
    void hostileUploadOffsetsAreRefusedAndTheOffsetStays() throws Exception {
        String location = create(STATION, 10);
        assertEquals(204, patch(STATION, location, "0", "hello".getBytes(StandardCharsets.US_ASCII)).status());
        record Case(String value, int status, String reason) {}
        List<Case> cases = List.of(
                new Case("99999999999999999999", 400, "INVALID_UPLOAD_OFFSET"),
                new Case("9223372036854775807", 409, "OFFSET_MISMATCH"),
                new Case("-1", 400, "INVALID_UPLOAD_OFFSET"),
                new Case("-0", 400, "INVALID_UPLOAD_OFFSET"),
                new Case("+5", 400, "INVALID_UPLOAD_OFFSET"),
                new Case("0x5", 400, "INVALID_UPLOAD_OFFSET"),
                new Case("5.0", 400, "INVALID_UPLOAD_OFFSET"),
                new Case("５", 400, "INVALID_UPLOAD_OFFSET"),
                new Case("4", 409, "OFFSET_MISMATCH"),
                new Case("6", 409, "OFFSET_MISMATCH"),
                new Case("", 400, "INVALID_UPLOAD_OFFSET"));
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            RawHttp.Response answer = patch(STATION, location, c.value, "world".getBytes(StandardCharsets.US_ASCII));
            if (answer.status() != c.status || !c.reason.equals(reason(answer))) {
                wrong.add("Upload-Offset '" + c.value + "' -> " + answer.status() + " " + reason(answer));
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals("5", head(STATION, location).header("upload-offset"), "no refused chunk was stored");
        // " 5" is 5 once its optional whitespace is stripped: the chunk lands and completes the upload.
        RawHttp.Response padded = patch(STATION, location, " 5", "world".getBytes(StandardCharsets.US_ASCII));
        assertEquals(204, padded.status(), padded.body());
        assertEquals("10", padded.header("upload-offset"));
    }

    @Test
    void bodyLongerThanDeclaredIsRefusedOrCutAtItsContentLength() throws Exception {
        String location = create(STATION, 5);
        // Content-Length past Upload-Length: refused before a byte is stored.
        RawHttp.Response tooLong = patch(STATION, location, "0", "0123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals(400, tooLong.status());
        assertEquals("BODY_EXCEEDS_LENGTH", reason(tooLong));
        assertEquals("0", head(STATION, location).header("upload-offset"));
        // A chunked body that runs past Upload-Length: refused while reading, the chunk discarded.
        try (RawHttp http = new RawHttp(server.port())) {
            RawHttp.Response chunked = http.send("PATCH " + location + " HTTP/1.1", new String[] {
                    "Tus-Resumable: 1.0.0", "Codebound-Dev-Station: " + STATION, "Upload-Offset: 0",
                    "Content-Type: application/offset+octet-stream", "Transfer-Encoding: chunked"},
                    "3\r\nabc\r\n5\r\ndefgh\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).read();
            assertEquals(400, chunked.status());
            assertEquals("BODY_EXCEEDS_LENGTH", reason(chunked));
        }
        assertEquals("0", head(STATION, location).header("upload-offset"));
        // More bytes than Content-Length says: the chunk is exactly Content-Length bytes; the rest is
        // read as the next request, which is garbage: 400 and the connection closes.
        try (RawHttp http = new RawHttp(server.port())) {
            RawHttp.Response stored = http.send("PATCH " + location + " HTTP/1.1", new String[] {
                    "Tus-Resumable: 1.0.0", "Codebound-Dev-Station: " + STATION, "Upload-Offset: 0",
                    "Content-Type: application/offset+octet-stream", "Content-Length: 3"},
                    "abcSMUGGLED-REQUEST\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).read();
            assertEquals(204, stored.status());
            assertEquals("3", stored.header("upload-offset"));
            RawHttp.Response garbage = http.read();
            assertEquals(400, garbage.status());
            assertEquals("MALFORMED_REQUEST", reason(garbage));
            assertTrue(http.closedByServer());
        }
        assertEquals("3", head(STATION, location).header("upload-offset"));
    }

    // ---- slow clients ----

    @Test
    void slowlorisIsCutByTheTimeoutsWithoutStarvingOthers() throws Exception {
        List<String> locations = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            locations.add(create("slow-" + i, 1_000_000));
        }
        List<RawHttp> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 25; i++) {
                RawHttp head = new RawHttp(server.port());
                head.write(("POST /files/ HTTP/1.1\r\nHost: x\r\nTus-Resum").getBytes(StandardCharsets.US_ASCII));
                slow.add(head);
            }
            for (int i = 0; i < 25; i++) {
                RawHttp body = new RawHttp(server.port());
                body.send("PATCH " + locations.get(i) + " HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                        "Codebound-Dev-Station: slow-" + i, "Upload-Offset: 0",
                        "Content-Type: application/offset+octet-stream", "Content-Length: 1000000"}, new byte[10]);
                slow.add(body);
            }
            // 50 slow connections are open: an honest client is served promptly meanwhile.
            long started = System.nanoTime();
            TusTestClient honest = TusTestClient.plain(server, "honest-during-slowloris");
            String upload = honest.createPath(5);
            assertEquals(204, honest.patch(upload, 0, "hello".getBytes(StandardCharsets.US_ASCII)).statusCode());
            Duration served = Duration.ofNanos(System.nanoTime() - started);
            // Well before the timeouts free anything: the slow connections are still open meanwhile.
            assertTrue(served.compareTo(TIMEOUT.multipliedBy(3).dividedBy(4)) < 0, "honest upload took " + served);
            // Trickling the head a byte at a time does not extend its deadline.
            RawHttp trickle = new RawHttp(server.port());
            slow.add(trickle);
            long trickleStart = System.nanoTime();
            boolean cut = false;
            for (byte b : ("POST /files/ HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(60)).getBytes(
                    StandardCharsets.US_ASCII)) {
                try {
                    trickle.write(new byte[] {b});
                } catch (IOException closed) {
                    cut = true;
                    break;
                }
                Thread.sleep(100);
            }
            Duration trickled = Duration.ofNanos(System.nanoTime() - trickleStart);
            assertTrue(cut || trickle.closedByServer(), "trickling head still open after " + trickled);
            assertTrue(trickled.compareTo(TIMEOUT.multipliedBy(3)) < 0, "cut only after " + trickled);
            // Every slow connection has been closed by the server by now: heads without an answer,
            // stalled bodies after a 408.
            for (int i = 0; i < slow.size(); i++) {
                RawHttp connection = slow.get(i);
                if (i >= 25 && i < 50) {
                    RawHttp.Response answer = connection.read();
                    assertEquals(408, answer.status());
                    assertTrue(answer.body().contains("BODY_STALLED"), answer.body());
                }
                assertTrue(connection.closedByServer());
            }
        } finally {
            for (RawHttp connection : slow) {
                connection.close();
            }
        }
        for (int i = 0; i < 25; i++) {
            assertEquals("0", head("slow-" + i, locations.get(i)).header("upload-offset"), "stalled bodies stored nothing");
            assertEquals(204, patch("slow-" + i, locations.get(i), "0", new byte[3]).status(), "and the lock was released");
        }
    }

    // ---- quota of unfinished uploads ----

    @Test
    void unfinishedUploadsPerStationAreCapped() throws Exception {
        String station = "hoarder";
        List<String> uploads = new ArrayList<>();
        for (int i = 0; i < QUOTA; i++) {
            uploads.add(create(station, 100));
        }
        RawHttp.Response refused = createRaw(station, 100);
        assertEquals(429, refused.status());
        assertEquals("UNFINISHED_UPLOAD_QUOTA", reason(refused));
        assertNull(refused.header("location"));
        // Others are not held to this station's quota.
        assertEquals(201, createRaw("neighbour", 100).status());
        // Finishing one frees its place ...
        assertEquals(204, patch(station, uploads.get(0), "0", new byte[100]).status());
        String another = create(station, 100);
        assertEquals(429, createRaw(station, 100).status());
        // ... and so does terminating one.
        assertEquals(204, delete(station, another).status());
        create(station, 100);
        assertEquals(429, createRaw(station, 100).status());
        // The quota is checked before anything is created, even a zero-length upload.
        assertEquals(429, createRaw(station, 0).status());
        // The count survives a restart: it is recomputed from the store.
        server.close();
        server = MockRegistry.start(server.config().toBuilder().port(0).build());
        assertEquals(429, createRaw(station, 100).status());
        assertEquals(201, createRaw("neighbour", 100).status());
    }

    // ---- helpers ----

    private String create(String station, long length) throws IOException {
        RawHttp.Response created = createRaw(station, length);
        assertEquals(201, created.status(), created.body());
        return created.header("location");
    }

    private RawHttp.Response createRaw(String station, long length) throws IOException {
        return exchange("POST /files/ HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                "Codebound-Dev-Station: " + station, "Upload-Length: " + length, "Content-Length: 0"}, new byte[0]);
    }

    private RawHttp.Response patch(String station, String location, String offset, byte[] body) throws IOException {
        return exchange("PATCH " + location + " HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                "Codebound-Dev-Station: " + station, "Upload-Offset: " + offset,
                "Content-Type: application/offset+octet-stream", "Content-Length: " + body.length}, body);
    }

    private RawHttp.Response head(String station, String location) throws IOException {
        try (RawHttp http = new RawHttp(server.port())) {
            return http.send("HEAD " + location + " HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                    "Codebound-Dev-Station: " + station}, null).readHeadResponse();
        }
    }

    private RawHttp.Response delete(String station, String location) throws IOException {
        return exchange("DELETE " + location + " HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                "Codebound-Dev-Station: " + station, "Content-Length: 0"}, new byte[0]);
    }

    private RawHttp.Response exchange(String requestLine, String[] headers, byte[] body) throws IOException {
        try (RawHttp http = new RawHttp(server.port())) {
            return http.send(requestLine, headers, body).read();
        }
    }

    private RawHttp.Response exchangeRaw(byte[] request) throws IOException {
        try (RawHttp http = new RawHttp(server.port())) {
            return http.write(request).read();
        }
    }

    private static String reason(RawHttp.Response response) {
        if (response.body().isEmpty()) {
            return "";
        }
        try {
            JsonNode problem = JSON.readTree(response.body());
            return problem.path("reason").asText();
        } catch (IOException e) {
            return "(not a problem: " + response.body() + ")";
        }
    }

    /** The data dir holds what the server made of itself, nothing a client named. */
    private void assertNothingOutsideTheStore() throws IOException {
        Set<String> top;
        try (Stream<Path> entries = Files.list(dataDir)) {
            top = entries.map(path -> path.getFileName().toString()).collect(Collectors.toSet());
        }
        for (String name : top) {
            assertFalse(name.contains("..") || name.contains("keys2") || name.contains("SMUGGLED"), name);
        }
        try (Stream<Path> uploads = Files.list(dataDir.resolve("uploads"))) {
            for (Path upload : uploads.toList()) {
                assertTrue(upload.getFileName().toString().matches("[A-Za-z0-9_-]{22}\\.data|uploads\\.journal|\\..*"),
                        upload.toString());
            }
        }
    }
}
