package dev.codebound.server.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codebound.server.MockRegistry;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TusTestClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Twenty stations upload at once; every byte lands where it belongs. */
class ConcurrentUploadsTest {
    private static final int UPLOADS = 20;
    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS = 4;

    @TempDir
    Path dataDir;

    @Test
    void twentyParallelUploadsAllComplete() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(UPLOADS);
        try (MockRegistry registry = MockRegistry.start(TestRegistries.plain(dataDir)
                .bufferedBytesPerRequest(32 * 1024).build())) {
            List<Future<String>> uploads = new ArrayList<>();
            List<byte[]> files = new ArrayList<>();
            for (int i = 0; i < UPLOADS; i++) {
                byte[] file = new byte[CHUNK * CHUNKS];
                new Random(i).nextBytes(file);
                files.add(file);
                TusTestClient tus = TusTestClient.plain(registry, "station-" + i);
                uploads.add(clients.submit(() -> {
                    String location = tus.createPath(file.length);
                    for (int c = 0; c < CHUNKS; c++) {
                        HttpResponse<String> response = tus.patch(location, (long) c * CHUNK,
                                Arrays.copyOfRange(file, c * CHUNK, (c + 1) * CHUNK));
                        assertEquals(204, response.statusCode(), response.body());
                    }
                    return location;
                }));
            }
            for (int i = 0; i < UPLOADS; i++) {
                String location = uploads.get(i).get(60, TimeUnit.SECONDS);
                Path data = dataDir.resolve("uploads").resolve(location.substring("/files/".length()) + ".data");
                assertArrayEquals(files.get(i), Files.readAllBytes(data));
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
