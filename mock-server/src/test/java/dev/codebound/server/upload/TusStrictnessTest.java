package dev.codebound.server.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.RawHttp;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TusTestClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that a lenient tus server reads in its own way, sent raw: repeated tus headers,
 * metadata split over two lines (whose second line carried the station-id check), a
 * concatenation request, and bodies offered with {@code Expect: 100-continue} that the head
 * alone already refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TusStrictnessTest {
    private static final String STATION = "Codebound-Dev-Station: station-a";
    private static final long MAX_SIZE = 1 << 20;

    @TempDir
    static Path dataDir;

    private MockRegistry registry;
    private TusTestClient tus;

    @BeforeAll
    void start() throws IOException {
        registry = MockRegistry.start(TestRegistries.plain(dataDir).maxUploadSize(MAX_SIZE).build());
        tus = TusTestClient.plain(registry, "station-a");
    }

    @AfterAll
    void stop() {
        registry.close();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private RawHttp.Response send(String requestLine, String... headers) throws IOException {
        try (RawHttp raw = new RawHttp(registry.port())) {
            return raw.send(requestLine, headers, null).read();
        }
    }

    private static void assertProblem(RawHttp.Response response, int status, String reason) {
        assertEquals(status, response.status(), response.body());
        assertTrue(response.body().contains("\"" + reason + "\""), response.body());
        assertEquals(Tus.VERSION, response.header(Tus.TUS_RESUMABLE));
    }

    @Test
    void aRepeatedUploadLengthIsRefusedNotTakenAtItsFirstValue() throws IOException {
        assertProblem(send("POST /files/ HTTP/1.1", "Tus-Resumable: 1.0.0", STATION, "Upload-Length: 5",
                "Upload-Length: 5000000", "Content-Length: 0"), 400, "REPEATED_HEADER");
    }

    @Test
    void aRepeatedUploadOffsetIsRefusedAndNothingIsStored() throws Exception {
        String location = tus.createPath(6);
        try (RawHttp raw = new RawHttp(registry.port())) {
            RawHttp.Response answer = raw.send("PATCH " + location + " HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                STATION, "Upload-Offset: 0", "Upload-Offset: 3", "Content-Type: application/offset+octet-stream",
                "Content-Length: 3"}, "abc".getBytes(StandardCharsets.US_ASCII)).read();
            assertProblem(answer, 400, "REPEATED_HEADER");
        }
        assertEquals("0", tus.head(location).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
    }

    /** The second line used to be dropped, and with it the check that station-id is the sender's. */
    @Test
    void metadataOnTwoHeaderLinesIsRefused() throws IOException {
        RawHttp.Response answer = send("POST /files/ HTTP/1.1", "Tus-Resumable: 1.0.0", STATION, "Upload-Length: 5",
                "Upload-Metadata: filename " + base64("photo.cms"),
                "Upload-Metadata: station-id " + base64("station-b"), "Content-Length: 0");
        assertProblem(answer, 400, "REPEATED_HEADER");
        assertTrue(answer.body().contains("one line"), answer.body());
    }

    @Test
    void concatenationIsRefusedNotIgnored() throws IOException {
        assertProblem(send("POST /files/ HTTP/1.1", "Tus-Resumable: 1.0.0", STATION, "Upload-Length: 5",
                "Upload-Concat: partial", "Content-Length: 0"), 400, "CONCATENATION_UNSUPPORTED");
    }

    @Test
    void anOversizedUploadIsRefusedBeforeAnyContinue() throws IOException {
        try (RawHttp raw = new RawHttp(registry.port())) {
            raw.send("POST /files/ HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0", STATION,
                "Upload-Length: " + (MAX_SIZE + 1), "Content-Type: application/offset+octet-stream",
                "Content-Length: " + (MAX_SIZE + 1), "Expect: 100-continue"}, null);
            RawHttp.Response answer = raw.read();
            assertProblem(answer, 413, "UPLOAD_TOO_LARGE");
            assertTrue(raw.closedByServer(), "without 100 Continue the body may or may not follow: the server closes");
        }
    }

    @Test
    void badMetadataIsRefusedBeforeAnyContinue() throws IOException {
        try (RawHttp raw = new RawHttp(registry.port())) {
            raw.send("POST /files/ HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0", STATION, "Upload-Length: 3",
                "Upload-Metadata: filename not*base64", "Content-Type: application/offset+octet-stream",
                "Content-Length: 3", "Expect: 100-continue"}, null);
            assertProblem(raw.read(), 400, "INVALID_UPLOAD_METADATA");
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void aGoodHeadGetsContinueAndThenItsAnswer() throws IOException {
        try (RawHttp raw = new RawHttp(registry.port())) {
            raw.send("POST /files/ HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0", STATION, "Upload-Length: 3",
                "Content-Type: application/offset+octet-stream", "Content-Length: 3", "Expect: 100-continue"}, null);
            assertEquals(100, raw.read().status());
            raw.write("abc".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response created = raw.read();
            assertEquals(201, created.status(), created.body());
            assertEquals("3", created.header(Tus.UPLOAD_OFFSET));
        }
    }
}
