package dev.codebound.server.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.RawHttp;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TusTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crash mid-chunk (in-process: connections reset, queued storage work dropped) loses nothing acknowledged. */
class CrashRecoveryTest {
    private static final int CHUNK = 1 << 20;

    @TempDir
    Path dataDir;

    @Test
    void resumesFromTheDurableOffsetAfterACrashMidChunk() throws Exception {
        byte[] file = new byte[3 * CHUNK];
        new Random(42).nextBytes(file);
        MockRegistry first = TestRegistries.startPlain(dataDir);
        String location;
        try {
            TusTestClient tus = TusTestClient.plain(first, "station-r");
            location = tus.createPath(file.length);
            assertEquals(204, tus.patch(location, 0, Arrays.copyOfRange(file, 0, CHUNK)).statusCode());
            Path data = dataDir.resolve("uploads").resolve(location.substring("/files/".length()) + ".data");
            try (RawHttp raw = new RawHttp(first.port())) {
                raw.send("PATCH " + location + " HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                        "Codebound-Dev-Station: station-r", "Upload-Offset: " + CHUNK,
                        "Content-Type: application/offset+octet-stream", "Content-Length: " + CHUNK},
                        Arrays.copyOfRange(file, CHUNK, CHUNK + CHUNK / 2));
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (Files.size(data) <= CHUNK && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertTrue(Files.size(data) > CHUNK, "the unfinished chunk reached the data file");
                first.crash();
            }
            assertTrue(Files.size(data) > CHUNK, "the crash left unacknowledged bytes behind");
        } finally {
            first.crash();
        }

        try (MockRegistry second = TestRegistries.startPlain(dataDir)) {
            TusTestClient tus = TusTestClient.plain(second, "station-r");
            assertEquals(Long.toString(CHUNK), tus.head(location).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
            Path data = dataDir.resolve("uploads").resolve(location.substring("/files/".length()) + ".data");
            assertEquals(CHUNK, Files.size(data), "recovery cut the unacknowledged bytes");
            assertEquals(204, tus.patch(location, CHUNK, Arrays.copyOfRange(file, CHUNK, 2 * CHUNK)).statusCode());
            assertEquals(204, tus.patch(location, 2L * CHUNK, Arrays.copyOfRange(file, 2 * CHUNK, 3 * CHUNK))
                    .statusCode());
            assertArrayEquals(file, Files.readAllBytes(data));
        }
    }
}
