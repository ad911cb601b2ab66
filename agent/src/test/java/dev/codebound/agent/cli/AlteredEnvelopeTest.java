package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.testkit.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An envelope altered in the spool after it was sealed, against the real mock registry: a photo's
 * envelope travels whole in its creation request without being hashed first, its Upload-Checksum
 * being the SHA-256 the spool recorded, so the registry refuses the altered bytes and the station
 * then finds the file corrupt. Nothing is accepted, and the entry is never sent again.
 */
class AlteredEnvelopeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @RegisterExtension
    CodeboundRegistry registry = CodeboundRegistry.builder().build();

    @Test
    void anAlteredEnvelopeIsRefusedByTheRegistrysChecksumAndReportedCorrupt() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry,
                "--no-passphrase");
        Path photo = temp.resolve("portrait.jpg");
        Files.write(photo, SamplePhotos.good(3));
        CliRun capture = station.run("capture", "--code", registry.issueCode().text(), photo.toString(), "--json");
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        String entry = JSON.readTree(capture.out()).get("entry").asText();
        Path envelope;
        try (Spool spool = Spool.open(station.station().spool(), Clock.systemUTC())) {
            envelope = spool.envelopeFile(entry);
        }
        byte[] altered = Files.readAllBytes(envelope);
        altered[altered.length / 2] ^= 0x01;
        Files.write(envelope, altered);

        CliRun upload = station.run("upload", "--json");
        assertEquals(ExitCodes.UNDELIVERED, upload.exitCode(), upload::both);
        JsonNode run = JSON.readTree(upload.out());
        assertEquals(1, run.get("corrupt").size(), run.toString());
        assertEquals(0, run.get("delivered").asInt(), run.toString());
        assertTrue(RegistryUploads.completeOf(registry, entry).isEmpty(), "the registry holds no complete upload");
        try (Spool spool = Spool.open(station.station().spool(), Clock.systemUTC())) {
            var corrupt = spool.entry(entry).orElseThrow();
            assertEquals(EntryState.CORRUPT, corrupt.state());
            assertTrue(corrupt.lastError().contains("SHA-256"), corrupt.lastError());
        }

        CliRun again = station.run("upload", "--json");
        assertEquals(0, JSON.readTree(again.out()).get("bytesSent").asLong(), again::both);
        assertEquals(1, RegistryUploads.of(registry, entry).size(), "sent once, in its creation, never again");
    }
}
