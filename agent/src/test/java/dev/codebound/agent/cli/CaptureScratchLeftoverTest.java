package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.photo.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture killed between sealing and spooling leaves its scratch envelope in {@code tmp/}
 * (found by the crash torture); the next capture removes it, and never a scratch file of its own.
 */
class CaptureScratchLeftoverTest {
    @TempDir
    Path temp;

    @Test
    void theNextCaptureRemovesAScratchEnvelopeThatAKilledCaptureLeftBehind() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start(temp.resolve("registry"))) {
            TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry,
                    "--no-passphrase");
            Path scratch = station.station().tmp();
            Files.createDirectories(scratch);
            // What SIGKILL after sealing and before spooling leaves: a sealed envelope in the scratch directory.
            Path leftover = Files.write(scratch.resolve("seal-4211985031837464190.cms"), new byte[] {0x30, 0x03});
            Path unrelated = Files.write(scratch.resolve("notes.txt"), new byte[] {1});
            Path photo = Files.write(temp.resolve("portrait.jpg"), SamplePhotos.good(5));

            CliRun capture = station.run("capture", "--code", registry.code().text(), photo.toString());

            assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
            assertFalse(Files.exists(leftover), "the killed capture's scratch envelope is gone");
            assertTrue(Files.exists(unrelated), "only scratch envelopes are removed");
            try (Stream<Path> files = Files.list(scratch)) {
                assertEquals(1, files.count(), "the capture's own scratch envelope is deleted too");
            }
        }
    }
}
