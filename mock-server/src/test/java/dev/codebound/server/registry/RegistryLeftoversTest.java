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
        Registry.open(dataDir, RegistryFixture.KEYRING, RegistryFixture.clockAt(RegistryFixture.NOW)).close();
        Path log = dataDir.resolve("registry").resolve("log");
        String checkpoint = Files.readString(log.resolve("checkpoint.txt"));
        Path checkpointLeftover = Files.writeString(log.resolve(".checkpoint.txt.f5c80dbce063.tmp"), "half");
        Path bundleLeftover = Files.writeString(dataDir.resolve("registry").resolve(".trust-bundle.json.0a1b2c.tmp"),
                "half");

        Registry.open(dataDir, RegistryFixture.KEYRING, RegistryFixture.clockAt(RegistryFixture.NOW)).close();

        assertFalse(Files.exists(checkpointLeftover), "the checkpoint's temporary file is gone");
        assertFalse(Files.exists(bundleLeftover), "the trust bundle's temporary file is gone");
        // Re-signed at open (ECDSA signatures differ), over the same tree: origin, size and root hash.
        assertEquals(checkpoint.lines().limit(3).toList(), Files.readString(log.resolve("checkpoint.txt")).lines()
                .limit(3).toList(), "the checkpoint stands");
    }
}
