package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.testkit.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture killed while sealing leaves its half-written envelope in {@code spool/envelopes/}
 * (found by the crash torture when capture sealed into a scratch directory); the next capture
 * removes it when it opens the spool, and leaves only its own envelope.
 */
class CaptureScratchLeftoverTest {
    @TempDir
    Path temp;

    @RegisterExtension
    CodeboundRegistry registry = CodeboundRegistry.builder().build();

    @Test
    void theNextCaptureRemovesAnEnvelopeThatAKilledCaptureWasSealing() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry,
                "--no-passphrase");
        Path envelopes = Files.createDirectories(station.station().spool().resolve("envelopes"));
        // What SIGKILL while sealing leaves: the start of an envelope under its temporary name.
        Path leftover = Files.write(envelopes.resolve(".4211985031837464.partial"), new byte[] {0x30, 0x03});
        Path photo = Files.write(temp.resolve("portrait.jpg"), SamplePhotos.good(5));

        CliRun capture = station.run("capture", "--code", registry.issueCode().text(), photo.toString());

        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        assertFalse(Files.exists(leftover), "the killed capture's half-sealed envelope is gone");
        try (Stream<Path> files = Files.list(envelopes)) {
            assertEquals(1, files.count(), "only the new entry's envelope is there");
        }
    }
}
