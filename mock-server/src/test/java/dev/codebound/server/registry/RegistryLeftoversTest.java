package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry killed while it replaced its log checkpoint or trust bundle leaves the temporary file
 * of that atomic write behind (found by the crash torture); opening the registry removes it and
 * keeps the file it was replacing.
 */
class RegistryLeftoversTest {
    @TempDir
    Path dataDir;

    @Test
    void temporariesOfInterruptedAtomicWritesAreRemovedWhenTheRegistryOpens() throws Exception {
        String checkpoint = latestCheckpoint();
        Path log = dataDir.resolve("registry").resolve("log");
        Path checkpointLeftover = Files.writeString(log.resolve(".checkpoints.journal.f5c80dbce063.tmp"), "half");
        Path bundleLeftover = Files.writeString(dataDir.resolve("registry").resolve(".trust-bundle.json.0a1b2c.tmp"),
                "half");

        String reopened = latestCheckpoint();

        assertFalse(Files.exists(checkpointLeftover), "the checkpoint journal's temporary file is gone");
        assertFalse(Files.exists(bundleLeftover), "the trust bundle's temporary file is gone");
        // Re-signed at open (ECDSA signatures differ), over the same tree: origin, size and root hash.
        assertEquals(checkpoint.lines().limit(3).toList(), reopened.lines().limit(3).toList(), "the checkpoint stands");
    }

    /** A data directory of the earlier layout kept its checkpoint in checkpoint.txt: it is taken over. */
    @Test
    void aCheckpointFileOfTheOldLayoutIsTakenOver() throws Exception {
        String checkpoint = latestCheckpoint();
        Path log = dataDir.resolve("registry").resolve("log");
        Files.deleteIfExists(log.resolve("checkpoints.journal"));
        Files.writeString(log.resolve("checkpoint.txt"), checkpoint);

        String reopened = latestCheckpoint();

        assertFalse(Files.exists(log.resolve("checkpoint.txt")), "taken into the journal");
        assertEquals(checkpoint.lines().limit(3).toList(), reopened.lines().limit(3).toList());
    }

    private String latestCheckpoint() throws Exception {
        try (Registry registry = Registry.open(dataDir, RegistryFixture.KEYRING,
                RegistryFixture.clockAt(RegistryFixture.NOW))) {
            return registry.log().latestCheckpoint();
        }
    }
}
