package dev.codebound.server.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadChecksum;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.RawHttp;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TusTestClient;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** tus 1.0.0 conformance of the mock registry, status by status, in plain mode on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TusConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private MockRegistry registry;
    private TusTestClient tus;

    @BeforeAll
    void start() throws IOException {
        registry = MockRegistry.start(TestRegistries.plain(dataDir).maxUploadSize(1 << 20).build());
        tus = TusTestClient.plain(registry, "station-a");
    }

    @AfterAll
    void stop() {
        registry.close();
    }

    private static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static JsonNode problem(HttpResponse<String> response, int status, String reason) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        if (response.request().method().equals("HEAD")) {
            return null;
        }
        JsonNode body = JSON.readTree(response.body());
        assertEquals(status, body.get("status").asInt());
        assertEquals(reason, body.get("reason").asText());
        assertFalse(body.get("detail").asText().isBlank());
        return body;
    }

    @Test
    void optionsAdvertisesExactlyTheSupportedProtocol() throws Exception {
        HttpResponse<String> response = tus.send(tus.request("/files/")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(204, response.statusCode());
        assertEquals(Tus.VERSION, response.headers().firstValue(Tus.TUS_VERSION).orElseThrow());
        assertEquals(Tus.EXTENSIONS, response.headers().firstValue(Tus.TUS_EXTENSION).orElseThrow());
        assertEquals(Long.toString(1 << 20), response.headers().firstValue(Tus.TUS_MAX_SIZE).orElseThrow());
        assertEquals(Tus.CHECKSUM_ALGORITHMS,
                response.headers().firstValue(Tus.TUS_CHECKSUM_ALGORITHM).orElseThrow());
    }

    @Test
    void createsThenPatchesThenHeadReportsOffsetLengthAndMetadata() throws Exception {
        String metadata = UploadMetadata.empty().with(Tus.Metadata.FILENAME, "photo.cms")
                .with(Tus.Metadata.STATION_ID, "station-a").encode();
        HttpResponse<String> created = tus.create(10, Tus.UPLOAD_METADATA, metadata);
        assertEquals(201, created.statusCode(), created.body());
        String location = created.headers().firstValue("Location").orElseThrow();
        assertTrue(location.matches("/files/[A-Za-z0-9_-]{22}"), location);
        assertEquals("0", created.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
        assertTrue(created.headers().firstValue(Tus.UPLOAD_EXPIRES).orElseThrow().endsWith(" GMT"));
        assertEquals(Tus.VERSION, created.headers().firstValue(Tus.TUS_RESUMABLE).orElseThrow());

        HttpResponse<String> patched = tus.patch(location, 0, bytes(4, 1));
        assertEquals(204, patched.statusCode(), patched.body());
        assertEquals("4", patched.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
        assertTrue(patched.headers().firstValue(Tus.UPLOAD_EXPIRES).isPresent());

        HttpResponse<String> head = tus.head(location);
        assertEquals(200, head.statusCode());
        assertEquals("4", head.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
        assertEquals("10", head.headers().firstValue(Tus.UPLOAD_LENGTH).orElseThrow());
        assertEquals(metadata, head.headers().firstValue(Tus.UPLOAD_METADATA).orElseThrow());
        assertEquals("no-store", head.headers().firstValue("Cache-Control").orElseThrow());

        HttpResponse<String> finished = tus.patch(location, 4, bytes(6, 2));
        assertEquals(204, finished.statusCode(), finished.body());
        assertEquals("10", finished.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
        assertEquals("accepted", finished.headers().firstValue("Codebound-Outcome").orElseThrow());
        assertEquals(location + "/result", finished.headers().firstValue("Codebound-Result").orElseThrow());
    }

    @Test
    void creationWithUploadStoresTheFirstChunk() throws Exception {
        byte[] body = bytes(100, 3);
        HttpResponse<String> created = tus.send(tus.request("/files/", Tus.TUS_RESUMABLE, Tus.VERSION,
                Tus.UPLOAD_LENGTH, "300", "Content-Type", Tus.OFFSET_CONTENT_TYPE,
                Tus.UPLOAD_CHECKSUM, UploadChecksum.sha256Header(sha256(body)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("100", created.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
        String location = created.headers().firstValue("Location").orElseThrow();
        assertEquals("100", tus.head(location).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
    }

    @Test
    void creationWithUploadOfTheWrongTypeIs415() throws Exception {
        HttpResponse<String> response = tus.send(tus.request("/files/", Tus.TUS_RESUMABLE, Tus.VERSION,
                Tus.UPLOAD_LENGTH, "10", "Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build());
        problem(response, 415, "WRONG_CONTENT_TYPE");
    }

    @Test
    void wrongOffsetIs409WithTheCurrentOffset() throws Exception {
        String location = tus.createPath(10);
        assertEquals(204, tus.patch(location, 0, bytes(3, 4)).statusCode());
        HttpResponse<String> response = tus.patch(location, 5, bytes(2, 5));
        problem(response, 409, "OFFSET_MISMATCH");
        assertEquals("3", response.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
        assertEquals("3", tus.head(location).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
    }

    @Test
    void missingOrUnsupportedTusResumableIs412WithTusVersion() throws Exception {
        HttpResponse<String> missing = tus.send(tus.request("/files/", Tus.UPLOAD_LENGTH, "10")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        problem(missing, 412, "UNSUPPORTED_TUS_VERSION");
        assertEquals(Tus.VERSION, missing.headers().firstValue(Tus.TUS_VERSION).orElseThrow());
        String location = tus.createPath(10);
        HttpResponse<String> old = tus.head(location, Tus.TUS_RESUMABLE, "0.2.2");
        assertEquals(412, old.statusCode());
        assertEquals(Tus.VERSION, old.headers().firstValue(Tus.TUS_VERSION).orElseThrow());
        problem(tus.patch(location, 0, bytes(1, 6), Tus.TUS_RESUMABLE, "2.0.0"), 412, "UNSUPPORTED_TUS_VERSION");
    }

    @Test
    void uploadLargerThanMaxSizeIs413() throws Exception {
        problem(tus.create((1 << 20) + 1), 413, "UPLOAD_TOO_LARGE");
    }

    @Test
    void patchWithoutOffsetContentTypeIs415() throws Exception {
        String location = tus.createPath(10);
        problem(tus.patch(location, 0, bytes(2, 7), "Content-Type", "application/octet-stream"), 415,
                "WRONG_CONTENT_TYPE");
        assertEquals("0", tus.head(location).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
    }

    @Test
    void checksumMismatchIs460AndTheChunkIsDiscarded() throws Exception {
        String location = tus.createPath(8);
        byte[] good = bytes(4, 8);
        assertEquals(204, tus.patch(location, 0, good, Tus.UPLOAD_CHECKSUM,
                UploadChecksum.sha256Header(sha256(good))).statusCode());
        byte[] next = bytes(4, 9);
        HttpResponse<String> response = tus.patch(location, 4, next, Tus.UPLOAD_CHECKSUM,
                UploadChecksum.sha256Header(sha256(bytes(4, 10))));
        problem(response, 460, "CHECKSUM_MISMATCH");
        assertEquals("4", tus.head(location).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
        String sha1 = "sha1 " + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(next));
        assertEquals(204, tus.patch(location, 4, next, Tus.UPLOAD_CHECKSUM, sha1).statusCode());
        Path data = dataDir.resolve("uploads").resolve(location.substring("/files/".length()) + ".data");
        byte[] expected = new byte[8];
        System.arraycopy(good, 0, expected, 0, 4);
        System.arraycopy(next, 0, expected, 4, 4);
        assertArrayEquals(expected, Files.readAllBytes(data));
    }

    @Test
    void badHeadersAre400WithSpecificProblems() throws Exception {
        problem(tus.create(0, Tus.UPLOAD_LENGTH, "-1"), 400, "INVALID_UPLOAD_LENGTH");
        problem(tus.create(0, Tus.UPLOAD_LENGTH, "99999999999999999999"), 400, "INVALID_UPLOAD_LENGTH");
        problem(tus.create(0, Tus.UPLOAD_LENGTH, "12abc"), 400, "INVALID_UPLOAD_LENGTH");
        problem(tus.create(0, Tus.UPLOAD_LENGTH, "1e3"), 400, "INVALID_UPLOAD_LENGTH");
        problem(tus.create(10, Tus.UPLOAD_METADATA, "filename not*base64"), 400, "INVALID_UPLOAD_METADATA");
        problem(tus.create(10, Tus.UPLOAD_METADATA, "a,a"), 400, "INVALID_UPLOAD_METADATA");
        problem(tus.create(10, Tus.UPLOAD_DEFER_LENGTH, "1"), 400, "DEFER_LENGTH_UNSUPPORTED");
        problem(tus.send(tus.request("/files/", Tus.TUS_RESUMABLE, Tus.VERSION)
                .POST(HttpRequest.BodyPublishers.noBody()).build()), 400, "MISSING_UPLOAD_LENGTH");
        String location = tus.createPath(10);
        problem(tus.patch(location, 0, bytes(1, 11), Tus.UPLOAD_OFFSET, "-5"), 400, "INVALID_UPLOAD_OFFSET");
        problem(tus.patch(location, 0, bytes(1, 11), Tus.UPLOAD_OFFSET, "18446744073709551616"), 400,
                "INVALID_UPLOAD_OFFSET");
        problem(tus.patch(location, 0, bytes(1, 11), Tus.UPLOAD_OFFSET, "zero"), 400, "INVALID_UPLOAD_OFFSET");
        problem(tus.patch(location, 0, bytes(1, 11), Tus.UPLOAD_CHECKSUM, "md5 AAAA"), 400,
                "INVALID_UPLOAD_CHECKSUM");
        problem(tus.patch(location, 0, bytes(1, 11), Tus.UPLOAD_CHECKSUM, "sha256 !!!"), 400,
                "INVALID_UPLOAD_CHECKSUM");
        problem(tus.patch(location, 0, bytes(11, 11)), 400, "BODY_EXCEEDS_LENGTH");
        assertEquals("0", tus.head(location).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
    }

    @Test
    void chunkedBodyPastTheLengthIs400AndDiscarded() throws Exception {
        String location = tus.createPath(10);
        try (RawHttp raw = new RawHttp(registry.port())) {
            raw.send("PATCH " + location + " HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                    "Codebound-Dev-Station: station-a", "Upload-Offset: 0",
                    "Content-Type: application/offset+octet-stream", "Transfer-Encoding: chunked"}, null);
            raw.write("8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            RawHttp.Response response = raw.read();
            assertEquals(400, response.status(), response.body());
            assertTrue(response.body().contains("BODY_EXCEEDS_LENGTH"));
        }
        assertEquals("0", tus.head(location).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
    }

    @Test
    void unknownUploadIs404() throws Exception {
        problem(tus.head("/files/AAAAAAAAAAAAAAAAAAAAAA"), 404, "NO_SUCH_UPLOAD");
        problem(tus.patch("/files/AAAAAAAAAAAAAAAAAAAAAA", 0, bytes(1, 12)), 404, "NO_SUCH_UPLOAD");
    }

    @Test
    void traversalAndMalformedIdsAreRejected() throws Exception {
        for (String path : new String[] {"/files/..", "/files/%2e%2e", "/files/..%2fkeys%2fregistry-ca.key.pem",
                "/files/AAAAAAAAAAAAAAAAAAAAA.", "/files/AAAAAAAAAAAAAAAAAAAAAAA"}) {
            try (RawHttp raw = new RawHttp(registry.port())) {
                RawHttp.Response response = raw.send("HEAD " + path + " HTTP/1.1", new String[] {
                        "Tus-Resumable: 1.0.0", "Codebound-Dev-Station: station-a"}, null).readHeadResponse();
                assertEquals(404, response.status(), path);
            }
            try (RawHttp raw = new RawHttp(registry.port())) {
                RawHttp.Response response = raw.send("GET " + path + "/result HTTP/1.1", new String[] {
                        "Codebound-Dev-Station: station-a"}, null).read();
                assertEquals(404, response.status(), path);
                assertTrue(response.body().contains("INVALID_UPLOAD_ID"), response.body());
            }
        }
        try (RawHttp raw = new RawHttp(registry.port())) {
            RawHttp.Response response = raw.send("GET /files/../keys/registry-ca.key.pem HTTP/1.1",
                    new String[] {"Codebound-Dev-Station: station-a"}, null).read();
            assertEquals(404, response.status());
            assertFalse(response.body().contains("PRIVATE KEY"));
        }
    }

    @Test
    void anotherStationCannotTouchAnUpload() throws Exception {
        String location = tus.createPath(10);
        TusTestClient other = TusTestClient.plain(registry, "station-b");
        problem(other.head(location), 403, "UPLOAD_OF_ANOTHER_STATION");
        problem(other.patch(location, 0, bytes(1, 13)), 403, "UPLOAD_OF_ANOTHER_STATION");
        problem(tus.create(10, Tus.UPLOAD_METADATA, UploadMetadata.empty().with(Tus.Metadata.STATION_ID, "station-b")
                .encode()), 403, "STATION_MISMATCH");
    }

    @Test
    void missingStationIs401() throws Exception {
        TusTestClient anonymous = TusTestClient.plain(registry, null);
        problem(anonymous.create(10), 401, "CLIENT_CERTIFICATE_REQUIRED");
    }

    @Test
    void concurrentPatchIs423() throws Exception {
        // The first PATCH sends more than the registry gathers before writing, so that its bytes reach the disk.
        int length = 2 * BodyTransfer.WRITE_BATCH;
        String location = tus.createPath(length);
        try (RawHttp first = new RawHttp(registry.port())) {
            first.send("PATCH " + location + " HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                    "Codebound-Dev-Station: station-a", "Upload-Offset: 0",
                    "Content-Type: application/offset+octet-stream", "Content-Length: " + length},
                    bytes(BodyTransfer.WRITE_BATCH + 10, 14));
            awaitBytesOnDisk(location, BodyTransfer.WRITE_BATCH);
            problem(tus.patch(location, 0, bytes(10, 15)), 423, "UPLOAD_LOCKED");
            problem(tus.delete(location), 423, "UPLOAD_LOCKED");
            first.reset();
        }
        // The broken connection released the lock and its partial chunk was discarded.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        HttpResponse<String> retry;
        do {
            retry = tus.patch(location, 0, bytes(length, 16));
        } while (retry.statusCode() == 423 && System.nanoTime() < deadline);
        assertEquals(204, retry.statusCode(), retry.body());
        assertEquals(Integer.toString(length), retry.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
    }

    /**
     * Waits until a PATCH still receiving its body has written {@code size} bytes, so it surely
     * holds the lock (probing with another request could take the lock first).
     */
    private static void awaitBytesOnDisk(String location, long size) throws Exception {
        Path data = dataDir.resolve("uploads").resolve(location.substring("/files/".length()) + ".data");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (Files.size(data) < size) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the first PATCH never wrote its bytes");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void deleteTerminatesThen404() throws Exception {
        String location = tus.createPath(10);
        assertEquals(204, tus.patch(location, 0, bytes(5, 17)).statusCode());
        HttpResponse<String> deleted = tus.delete(location);
        assertEquals(204, deleted.statusCode(), deleted.body());
        problem(tus.head(location), 404, "NO_SUCH_UPLOAD");
        problem(tus.delete(location), 404, "NO_SUCH_UPLOAD");
        assertFalse(Files.exists(dataDir.resolve("uploads").resolve(location.substring("/files/".length()) + ".data")));
    }

    @Test
    void postWithMethodOverrideIsAPatchOrDelete() throws Exception {
        String location = tus.createPath(6);
        HttpResponse<String> patched = tus.send(tus.request(location, Tus.TUS_RESUMABLE, Tus.VERSION,
                Tus.UPLOAD_OFFSET, "0", "Content-Type", Tus.OFFSET_CONTENT_TYPE, Tus.METHOD_OVERRIDE, "PATCH")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(3, 18))).build());
        assertEquals(204, patched.statusCode(), patched.body());
        assertEquals("3", patched.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
        HttpResponse<String> deleted = tus.send(tus.request(location, Tus.TUS_RESUMABLE, Tus.VERSION,
                Tus.METHOD_OVERRIDE, "DELETE").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(204, deleted.statusCode());
        problem(tus.send(tus.request(location, Tus.TUS_RESUMABLE, Tus.VERSION, Tus.METHOD_OVERRIDE, "PUT")
                .POST(HttpRequest.BodyPublishers.noBody()).build()), 400, "BAD_METHOD_OVERRIDE");
    }

    @Test
    void unknownRouteAndWrongMethodAreProblems() throws Exception {
        problem(tus.get("/nowhere"), 404, "NO_SUCH_ROUTE");
        HttpResponse<String> wrong = tus.send(tus.request("/files/").PUT(HttpRequest.BodyPublishers.noBody()).build());
        problem(wrong, 405, "METHOD_NOT_ALLOWED");
        assertTrue(wrong.headers().firstValue("Allow").orElseThrow().contains("POST"));
    }

    @Test
    void resultBeforeCompletionIs409AndAfterIsTheReceipt() throws Exception {
        String location = tus.createPath(4);
        problem(tus.get(location + "/result"), 409, "UPLOAD_INCOMPLETE");
        assertEquals(204, tus.patch(location, 0, bytes(4, 19)).statusCode());
        HttpResponse<String> result = tus.get(location + "/result");
        assertEquals(200, result.statusCode());
        assertEquals("application/json", result.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(JSON.readTree(result.body()).get("transportTest").asBoolean());
        HttpResponse<String> again = tus.patch(location, 4, new byte[0]);
        assertEquals(204, again.statusCode(), again.body());
        assertEquals("accepted", again.headers().firstValue("Codebound-Outcome").orElseThrow());
        HttpResponse<String> head = tus.head(location);
        assertEquals("accepted", head.headers().firstValue("Codebound-Outcome").orElseThrow());
        problem(tus.patch(location, 4, bytes(1, 20)), 400, "BODY_EXCEEDS_LENGTH");
        problem(tus.patch(location, 0, bytes(1, 20)), 409, "OFFSET_MISMATCH");
        try (RawHttp raw = new RawHttp(registry.port())) {
            raw.send("PATCH " + location + " HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                    "Codebound-Dev-Station: station-a", "Upload-Offset: 4",
                    "Content-Type: application/offset+octet-stream", "Transfer-Encoding: chunked"},
                    "1\r\nx\r\n0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            RawHttp.Response response = raw.read();
            assertEquals(400, response.status(), response.body());
            assertTrue(response.body().contains("BODY_EXCEEDS_LENGTH"));
        }
    }

    @Test
    void zeroLengthUploadCompletesAtCreation() throws Exception {
        HttpResponse<String> created = tus.create(0);
        assertEquals(201, created.statusCode());
        assertEquals("accepted", created.headers().firstValue("Codebound-Outcome").orElseThrow());
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
