package dev.codebound.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.RawHttp;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TusTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slowloris defences: slow heads and stalled, trickled or endless bodies lose their connection
 * (bodies with a 408), their chunks count for nothing and their upload locks are free at once;
 * one address cannot hold more than its share of connections.
 */
class ClientTimeoutsTest {
    private static final String[] PATCH_HEADERS = {"Tus-Resumable: 1.0.0", "Codebound-Dev-Station: station-s",
        "Upload-Offset: 0", "Content-Type: application/offset+octet-stream"};

    @TempDir
    Path dataDir;

    private MockRegistry start() throws Exception {
        return MockRegistry.start(TestRegistries.plain(dataDir).headerTimeout(Duration.ofMillis(300))
                .bodyIdleTimeout(Duration.ofMillis(300)).build());
    }

    /** The idle timeout is long here: only the rate (1000 B/s over 400 ms) or the deadline can cut a body. */
    private static MockRegistryConfig.Builder rateLimited(Path dataDir) {
        return TestRegistries.plain(dataDir).headerTimeout(Duration.ofSeconds(10))
                .bodyIdleTimeout(Duration.ofSeconds(10)).minBodyRate(1000).bodyRateWindow(Duration.ofMillis(400));
    }

    private static String[] patchHeaders(long contentLength) {
        List<String> headers = new ArrayList<>(List.of(PATCH_HEADERS));
        headers.add("Content-Length: " + contentLength);
        return headers.toArray(String[]::new);
    }

    @Test
    void slowHeadIsCut() throws Exception {
        try (MockRegistry registry = start(); RawHttp raw = new RawHttp(registry.port())) {
            raw.write("HEAD /files/AAAAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            assertTrue(raw.closedByServer());
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos());
        }
    }

    @Test
    void stalledBodyIsAnswered408AndItsChunkDiscarded() throws Exception {
        try (MockRegistry registry = start()) {
            TusTestClient tus = TusTestClient.plain(registry, "station-s");
            String location = tus.createPath(100);
            try (RawHttp raw = new RawHttp(registry.port())) {
                raw.send("PATCH " + location + " HTTP/1.1", patchHeaders(100), new byte[40]);
                RawHttp.Response answer = raw.read();
                assertEquals(408, answer.status());
                assertTrue(answer.body().contains("\"BODY_STALLED\""), answer.body());
                assertEquals(Tus.VERSION, answer.header(Tus.TUS_RESUMABLE));
                assertEquals("close", answer.header("connection"));
                assertTrue(raw.closedByServer());
            }
            assertEquals("0", tus.head(location).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
            assertEquals(204, tus.patch(location, 0, new byte[100]).statusCode(), "the lock was released");
        }
    }

    /** The reported attack: an enrollment body of 16,000 declared bytes, one byte at a time, without a certificate. */
    @Test
    void tricklingAPublicEndpointsBodyIsAnswered408AndClosed() throws Exception {
        try (MockRegistry registry = MockRegistry.start(rateLimited(dataDir).build());
                RawHttp raw = new RawHttp(registry.port())) {
            raw.send("POST /registry/v1/enrollments HTTP/1.1", new String[] {"Content-Type: application/json",
                "Content-Length: 16000"}, null);
            int sent = raw.trickle(16_000, 1, 50);
            RawHttp.Response answer = raw.read();
            assertEquals(408, answer.status());
            assertTrue(answer.body().contains("\"BODY_TOO_SLOW\""), answer.body());
            assertTrue(raw.closedByServer());
            assertTrue(sent < 16_000, "the server answered before the body was complete");
        }
    }

    /** The reported attack on a station's own upload: the trickled PATCH held the lock, a second PATCH got 423. */
    @Test
    void tricklingAPatchIsAnswered408AndTheNextPatchFindsTheUploadFree() throws Exception {
        try (MockRegistry registry = MockRegistry.start(rateLimited(dataDir).build())) {
            TusTestClient tus = TusTestClient.plain(registry, "station-s");
            String location = tus.createPath(16_000);
            try (RawHttp raw = new RawHttp(registry.port())) {
                raw.send("PATCH " + location + " HTTP/1.1", patchHeaders(16_000), null);
                raw.trickle(16_000, 1, 50);
                RawHttp.Response answer = raw.read();
                assertEquals(408, answer.status());
                assertTrue(answer.body().contains("\"BODY_TOO_SLOW\""), answer.body());
                assertTrue(raw.closedByServer());
            }
            assertEquals(204, tus.patch(location, 0, new byte[16_000]).statusCode(),
                    "the next PATCH, sent at once, is not refused with 423");
        }
    }

    @Test
    void aBodyFastEnoughButEndlessMeetsTheDeadline() throws Exception {
        try (MockRegistry registry = MockRegistry.start(rateLimited(dataDir).bodyDeadline(Duration.ofMillis(800))
                .build())) {
            TusTestClient tus = TusTestClient.plain(registry, "station-s");
            String location = tus.createPath(1_000_000);
            try (RawHttp raw = new RawHttp(registry.port())) {
                raw.send("PATCH " + location + " HTTP/1.1", patchHeaders(1_000_000), null);
                // 4,000 bytes per second: above the minimum rate, but 1 MB would take over four minutes.
                raw.trickle(5_000, 200, 50);
                RawHttp.Response answer = raw.read();
                assertEquals(408, answer.status());
                assertTrue(answer.body().contains("\"BODY_DEADLINE_EXCEEDED\""), answer.body());
                assertTrue(raw.closedByServer());
            }
            assertEquals("0", tus.head(location).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
        }
    }

    @Test
    void oneAddressHoldsAtMostItsShareOfConnections() throws Exception {
        try (MockRegistry registry = MockRegistry.start(TestRegistries.plain(dataDir).maxConnectionsPerAddress(3)
                .build())) {
            List<RawHttp> admitted = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    RawHttp connection = new RawHttp(registry.port());
                    admitted.add(connection);
                    connection.send("GET /health HTTP/1.1", new String[0], null);
                    assertEquals(200, connection.read().status());
                }
                try (RawHttp fourth = new RawHttp(registry.port())) {
                    assertTrue(fourth.closedByServer(), "the connection over the limit is closed at once");
                }
                for (RawHttp connection : admitted) {
                    connection.send("GET /health HTTP/1.1", new String[0], null);
                    assertEquals(200, connection.read().status(), "admitted connections still serve");
                }
                admitted.remove(0).close();
                assertEquals(200, healthOnAFreedPlace(registry.port()), "a closed connection frees its place");
            } finally {
                for (RawHttp connection : admitted) {
                    connection.close();
                }
            }
        }
    }

    /** The server notices a client's close a moment later: retry until the freed place is seen. */
    private static int healthOnAFreedPlace(int port) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try (RawHttp connection = new RawHttp(port)) {
                connection.send("GET /health HTTP/1.1", new String[0], null);
                return connection.read().status();
            } catch (java.io.IOException refused) {
                if (attempt == 100) {
                    throw refused;
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    void keepAliveConnectionServesSeveralRequests() throws Exception {
        try (MockRegistry registry = start(); RawHttp raw = new RawHttp(registry.port())) {
            for (int i = 0; i < 3; i++) {
                raw.send("GET /health HTTP/1.1", new String[0], null);
                assertEquals(200, raw.read().status());
            }
        }
    }
}
