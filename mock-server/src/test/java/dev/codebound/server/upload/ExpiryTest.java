package dev.codebound.server.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.server.MockRegistry;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TusTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expiration and retention: unfinished uploads past Upload-Expires answer 410, finished ones are
 * kept for their retention after it, and the server cleans both up itself on a timer.
 */
class ExpiryTest {
    @TempDir
    Path dataDir;

    @Test
    void expiredUploadIs410ThenCleanedUp() throws Exception {
        try (MockRegistry registry = MockRegistry.start(TestRegistries.plain(dataDir)
                .uploadExpiry(Duration.ofMillis(400)).expiryCheckInterval(Duration.ofMillis(100))
                .uploadRetention(new UploadRetention(Duration.ofMillis(400), Duration.ZERO, Duration.ZERO)).build())) {
            TusTestClient tus = TusTestClient.plain(registry, "station-e");
            String location = tus.createPath(10);
            assertEquals(204, tus.patch(location, 0, new byte[4]).statusCode());
            Path data = dataDir.resolve("uploads").resolve(location.substring("/files/".length()) + ".data");
            await(() -> !Files.exists(data), "the reaper deletes the data of an expired upload");
            assertEquals(410, tus.head(location).statusCode());
            // The reaper holds the upload's lock while it replaces the data with a tombstone; a PATCH
            // arriving in that instant is rightly told 423 (try again), so wait for the lock to pass.
            var patch = tus.patch(location, 4, new byte[2]);
            for (int attempt = 0; patch.statusCode() == 423 && attempt < 100; attempt++) {
                Thread.sleep(20);
                patch = tus.patch(location, 4, new byte[2]);
            }
            assertEquals(410, patch.statusCode());
            assertTrue(patch.body().contains("UPLOAD_EXPIRED"));
            await(() -> headStatus(tus, location) == 404, "the tombstone goes after its retention");
        }
    }

    @Test
    void aFinishedUploadOutlivesItsExpiryByItsRetentionOnly() throws Exception {
        try (MockRegistry registry = MockRegistry.start(TestRegistries.plain(dataDir)
                .uploadExpiry(Duration.ofMillis(200)).expiryCheckInterval(Duration.ofMillis(50))
                .uploadRetention(new UploadRetention(Duration.ZERO, Duration.ZERO, Duration.ofHours(1))).build())) {
            TusTestClient tus = TusTestClient.plain(registry, "station-e");
            String location = tus.createPath(2);
            assertEquals(204, tus.patch(location, 0, new byte[2]).statusCode());
            Thread.sleep(500);
            assertEquals(200, tus.head(location).statusCode(), "an accepted upload is kept for its hour");
            assertEquals(200, tus.get(location + "/result").statusCode());
            assertFalse(tus.head(location).headers().firstValue("Upload-Expires").isPresent());
        }
    }

    @Test
    void aFinishedUploadsBytesGoOnceItsExpiryHasPassed() throws Exception {
        try (MockRegistry registry = MockRegistry.start(TestRegistries.plain(dataDir)
                .uploadExpiry(Duration.ofSeconds(2)).expiryCheckInterval(Duration.ofMillis(50)).build())) {
            TusTestClient tus = TusTestClient.plain(registry, "station-e");
            String location = tus.createPath(2);
            assertEquals(204, tus.patch(location, 0, new byte[2]).statusCode());
            assertEquals(200, tus.get(location + "/result").statusCode(), "accepted (this registry takes any bytes)");
            Path data = dataDir.resolve("uploads").resolve(location.substring("/files/".length()) + ".data");
            await(() -> !Files.exists(data) && headStatus(tus, location) == 404,
                    "the default retention deletes a finished upload at its expiry");
        }
    }

    private static int headStatus(TusTestClient tus, String location) {
        try {
            return tus.head(location).statusCode();
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what);
            }
            Thread.sleep(20);
        }
    }
}
