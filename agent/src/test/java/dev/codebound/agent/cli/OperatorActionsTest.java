package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.photo.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed upload seen through status, then retried and removed by the operator. */
class OperatorActionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    static RegistryFixture registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = RegistryFixture.start(temp.resolve("registry"));
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void failedEntryIsReportedRetriedAndRemoved() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("failing")), registry,
                "--no-passphrase");
        Path photo = temp.resolve("photo.jpg");
        Files.write(photo, SamplePhotos.good(31));
        CliRun capture = station.run("capture", "--code", registry.code().text(), photo.toString(),
                "--delete-original");
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        assertTrue(Files.notExists(photo), "--delete-original");
        String entry = capture.out().lines().filter(line -> line.startsWith("  entry:")).findFirst().orElseThrow()
                .substring("  entry:".length()).strip();

        // A registry answering 503 to everything: one attempt, then FAILED with the error kept for the operator.
        try (MisbehavingRegistry unavailable = MisbehavingRegistry.start(temp.resolve("registry/keys"),
                MisbehavingRegistry.Mode.UNAVAILABLE)) {
            Map<String, String> failing = Map.of("CODEBOUND_REGISTRY_URL", unavailable.url(),
                    "CODEBOUND_UPLOAD_MAX_ATTEMPTS", "1");
            CliRun upload = station.run(failing, "", "upload");
            assertEquals(ExitCodes.UNDELIVERED, upload.exitCode(), upload::both);
            assertTrue(upload.out().contains("  failed   " + entry.substring(0, 12)), upload::both);
        }

        CliRun status = station.run("status", "--json");
        JsonNode snapshot = JSON.readTree(status.out());
        assertEquals(1, snapshot.get("counts").get("failed").asInt(), status::both);
        JsonNode attention = snapshot.get("attention").get(0);
        assertEquals(entry, attention.get("entry").asText());
        assertTrue(attention.get("reason").asText().length() > 0, status::both);

        CliRun retry = station.run("retry", entry.substring(0, 8));
        assertEquals(ExitCodes.OK, retry.exitCode(), retry::both);
        assertTrue(retry.out().startsWith("entry " + entry.substring(0, 12)), retry::both);

        CliRun reinit = station.run("init", "--registry-url", registry.url(), "--registry-ca",
                registry.caFile().toString(), "--no-passphrase", "--force");
        assertEquals(ExitCodes.STATION, reinit.exitCode(), reinit::both);
        assertTrue(reinit.err().contains("the spool still holds 1 undelivered envelope(s)"), reinit::both);

        CliRun remove = station.run("remove", entry.substring(0, 8));
        assertEquals(ExitCodes.OK, remove.exitCode(), remove::both);
        CliRun after = station.run("status", "--json");
        assertEquals(0, JSON.readTree(after.out()).get("entries").asInt(), after::both);
    }

    @Test
    void rejectedEntryCarriesTheRegistrysReasonUntilRemoved() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("rejected")), registry,
                "--no-passphrase");
        RegistryFixture.Code code = registry.code();
        Path photo = temp.resolve("revoked.jpg");
        Files.write(photo, SamplePhotos.good(33));
        CliRun capture = station.run("capture", "--code", code.text(), photo.toString(), "--json");
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        String entry = JSON.readTree(capture.out()).get("entry").asText();
        registry.revokeCode(code.codeId());

        CliRun upload = station.run("upload");
        assertEquals(ExitCodes.UNDELIVERED, upload.exitCode(), upload::both);
        assertTrue(upload.out().contains("  rejected " + entry.substring(0, 12)), upload::both);
        assertTrue(upload.out().contains("CODE_REVOKED"), upload::both);
        assertTrue(upload.err().startsWith("error: not every envelope was delivered"), upload::both);

        CliRun status = station.run("status");
        assertTrue(status.out().contains("rejected 1"), status::both);
        assertTrue(status.out().lines().anyMatch(line -> line.startsWith("  rejected " + entry.substring(0, 12))
                && line.contains("CODE_REVOKED")), status::both);

        CliRun retry = station.run("retry", entry.substring(0, 10));
        assertEquals(ExitCodes.OK, retry.exitCode(), retry::both);
        assertTrue(retry.out().contains("REJECTED -> QUEUED"), retry::both);
        CliRun again = station.run("upload", "--json");
        assertEquals(entry, JSON.readTree(again.out()).get("rejected").get(0).get("entry").asText(), again::both);

        CliRun remove = station.run("remove", entry.substring(0, 10));
        assertEquals(ExitCodes.OK, remove.exitCode(), remove::both);
        assertTrue(remove.out().startsWith("removed entry " + entry.substring(0, 12)), remove::both);
    }

    @Test
    void deliveredEntriesAreNeitherRetriedNorRemoved() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("delivering")), registry,
                "--no-passphrase");
        Path photo = temp.resolve("delivered.jpg");
        Files.write(photo, SamplePhotos.good(32));
        CliRun capture = station.run("capture", "--code", registry.code().text(), photo.toString(), "--json");
        String entry = JSON.readTree(capture.out()).get("entry").asText();
        station.run("upload");
        CliRun remove = station.run("remove", entry);
        assertEquals(ExitCodes.USAGE, remove.exitCode(), remove::both);
        assertTrue(remove.err().contains("is DELIVERED; only REJECTED, FAILED or CORRUPT entries can be removed"),
                remove::both);
        CliRun retry = station.run("retry", entry);
        assertEquals(ExitCodes.USAGE, retry.exitCode(), retry::both);
    }
}
