package dev.codebound.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.RawHttp;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TusTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slowloris defences: slow heads and stalled bodies lose their connection, and stalled chunks count for nothing. */
class ClientTimeoutsTest {
    @TempDir
    Path dataDir;

    private MockRegistry start() throws Exception {
        return MockRegistry.start(TestRegistries.plain(dataDir).headerTimeout(Duration.ofMillis(300))
                .bodyIdleTimeout(Duration.ofMillis(300)).build());
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
    void stalledBodyIsCutAndItsChunkDiscarded() throws Exception {
        try (MockRegistry registry = start()) {
            TusTestClient tus = TusTestClient.plain(registry, "station-s");
            String location = tus.createPath(100);
            try (RawHttp raw = new RawHttp(registry.port())) {
                raw.send("PATCH " + location + " HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                        "Codebound-Dev-Station: station-s", "Upload-Offset: 0",
                        "Content-Type: application/offset+octet-stream", "Content-Length: 100"}, new byte[40]);
                assertTrue(raw.closedByServer());
            }
            assertEquals("0", tus.head(location).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
            assertEquals(204, tus.patch(location, 0, new byte[100]).statusCode(), "the lock was released");
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
