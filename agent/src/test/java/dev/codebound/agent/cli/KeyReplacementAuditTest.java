package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.testkit.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A station that replaces its key ({@code init --force}) and enrolls again keeps a log whose every
 * checkpoint is its own: the old key signs the hand-over to the new one before it goes.
 */
class KeyReplacementAuditTest {
    @TempDir
    Path temp;

    @RegisterExtension
    CodeboundRegistry registry = CodeboundRegistry.builder().build();

    @Test
    void checkpointsOfTheReplacedKeyStillVerifyAsTheStations() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry,
                "--no-passphrase");
        deliver(station, registry, 41);

        CliRun reinit = station.run("init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                registry.caCertificateFile().toString(), "--no-passphrase", "--force");
        assertEquals(ExitCodes.OK, reinit.exitCode(), reinit::both);
        assertFalse(reinit.err().contains("cannot sign the hand-over"), reinit::both);
        TestStation.enroll(station, registry.enrollmentToken());
        deliver(station, registry, 42);

        CliRun show = station.run("audit", "show");
        assertTrue(show.out().contains("key-renewed"), show::both);
        CliRun audit = station.run("audit", "verify", "--registry", registry.baseUri().toString());
        assertEquals(ExitCodes.OK, audit.exitCode(), audit::both);
        assertTrue(audit.out().contains("registryEntriesOfStation: 2"), audit::both);
    }

    private void deliver(TestStation station, CodeboundRegistry registry, int seed) throws Exception {
        Path photo = Files.write(temp.resolve("photo-" + seed + ".jpg"), SamplePhotos.good(seed));
        CliRun capture = station.run("capture", "--code", registry.issueCode().text(), photo.toString());
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        CliRun upload = station.run("upload");
        assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
    }
}
