package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.spool.Spool;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.registry.junit.IssuedCode;
import dev.codebound.testkit.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The operator's actions on the spool: status, retry, remove and withdraw. */
class OperatorActionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    @RegisterExtension
    static CodeboundRegistry registry = CodeboundRegistry.builder().build();

    @Test
    void failedEntryIsReportedRetriedAndRemoved() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("failing")), registry,
                "--no-passphrase");
        Path photo = temp.resolve("photo.jpg");
        Files.write(photo, SamplePhotos.good(31));
        CliRun capture = station.run("capture", "--code", registry.issueCode().text(), photo.toString(),
                "--delete-original");
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        assertTrue(Files.notExists(photo), "--delete-original");
        String entry = capture.out().lines().filter(line -> line.startsWith("  entry:")).findFirst().orElseThrow()
                .substring("  entry:".length()).strip();

        // A registry answering 503 to everything: one attempt, then FAILED with the error kept for the operator.
        try (MisbehavingRegistry unavailable = MisbehavingRegistry.start(registry.dataDir().resolve("keys"),
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

        CliRun retry = station.run("--json", "retry", entry.substring(0, 8));
        assertEquals(ExitCodes.OK, retry.exitCode(), retry::both);
        JsonNode retried = JSON.readTree(retry.out());
        assertEquals(entry, retried.get("entry").asText(), retry::both);
        assertEquals("FAILED", retried.get("from").asText(), retry::both);
        assertEquals("FAILED", retried.get("to").asText(), "due at once, still FAILED until it uploads");
        assertTrue(retried.get("reason").asText().length() > 0, retry::both);

        CliRun reinit = station.run("init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                registry.caCertificateFile().toString(), "--no-passphrase", "--force");
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
        IssuedCode code = registry.issueCode();
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
        CliRun capture = station.run("capture", "--code", registry.issueCode().text(), photo.toString(), "--json");
        String entry = JSON.readTree(capture.out()).get("entry").asText();
        station.run("upload");
        // The upload's sweep let the delivered entry leave the spool; status counts it from its archived receipt.
        assertTrue(Spool.peek(station.station().spool()).isEmpty());
        CliRun status = station.run("status");
        assertTrue(status.out().startsWith("queued 0, in flight 0, delivered 1,"), status::both);
        CliRun remove = station.run("remove", entry);
        assertEquals(ExitCodes.USAGE, remove.exitCode(), remove::both);
        assertTrue(remove.err().contains("is DELIVERED: the registry has accepted it (its verified receipt is "
                + "receipts/" + entry + ".json) and it has left the spool"), remove::both);
        CliRun retry = station.run("retry", entry);
        assertEquals(ExitCodes.USAGE, retry.exitCode(), retry::both);
    }

    @Test
    void aQueuedEnvelopeIsListedAndWithdrawnAndNeverDelivered() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("withdrawing")), registry,
                "--no-passphrase");
        IssuedCode wrong = registry.issueCode();
        Path photo = Files.write(temp.resolve("wrong-student.jpg"), SamplePhotos.good(34));
        CliRun capture = station.run("capture", "--code", wrong.text(), photo.toString(), "--json");
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        String entry = JSON.readTree(capture.out()).get("entry").asText();

        CliRun status = station.run("status");
        assertTrue(status.out().lines().anyMatch(line -> line.startsWith("  queued   " + entry.substring(0, 12))
                && line.contains(wrong.codeId())), status::both);
        JsonNode undelivered = JSON.readTree(station.run("status", "--json").out()).get("undelivered");
        assertEquals(entry, undelivered.get(0).get("entry").asText());
        assertEquals("QUEUED", undelivered.get(0).get("state").asText());

        CliRun remove = station.run("remove", entry.substring(0, 8));
        assertEquals(ExitCodes.USAGE, remove.exitCode(), remove::both);
        assertTrue(remove.err().contains("(to take it back before upload: 'withdraw')"), remove::both);

        // An upload holding the spool keeps the operator out until it has finished.
        try (Spool uploading = Spool.open(station.station().spool(), Clock.systemUTC())) {
            CliRun busy = station.run("withdraw", entry.substring(0, 8));
            assertEquals(ExitCodes.STATION, busy.exitCode(), busy::both);
            assertEquals(1, uploading.entries().size());
        }

        CliRun withdraw = station.run("withdraw", entry.substring(0, 8), "--json");
        assertEquals(ExitCodes.OK, withdraw.exitCode(), withdraw::both);
        JsonNode withdrawn = JSON.readTree(withdraw.out());
        assertEquals(entry, withdrawn.get("entry").asText(), withdraw::both);
        assertTrue(withdrawn.get("withdrawn").asBoolean(), withdraw::both);
        assertEquals("QUEUED", withdrawn.get("state").asText(), withdraw::both);
        assertEquals(wrong.codeId(), withdrawn.get("codeId").asText(), withdraw::both);
        CliRun again = station.run("withdraw", entry.substring(0, 8));
        assertEquals(ExitCodes.USAGE, again.exitCode(), again::both);

        CliRun upload = station.run("upload", "--json");
        assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
        assertEquals(0, JSON.readTree(upload.out()).get("delivered").asInt(), upload::both);
        assertEquals(0, JSON.readTree(station.run("status", "--json").out()).get("entries").asInt());
        List<String> log = events(station);
        assertEquals(List.of("entry-withdrawn", "checkpoint"), log.subList(log.size() - 2, log.size()),
                "recorded, and signed at once");
        assertTrue(Files.readString(logFile(station)).contains("\"event\":\"entry-withdrawn\",\"entryId\":\""
                + entry + "\""));
        CliRun audit = station.run("audit", "verify", "--registry", registry.baseUri().toString());
        assertEquals(ExitCodes.OK, audit.exitCode(), audit::both);
    }

    @Test
    void anEnvelopeTheRegistryMayHoldCannotBeWithdrawn() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("too-late")), registry,
                "--no-passphrase");
        Path photo = Files.write(temp.resolve("sent.jpg"), SamplePhotos.good(35));
        IssuedCode code = registry.issueCode();
        String entry = JSON.readTree(station.run("capture", "--code", code.text(), photo.toString(), "--json")
                .out()).get("entry").asText();
        try (Spool spool = Spool.open(station.station().spool(), Clock.systemUTC())) {
            spool.markCreated(entry, registry.baseUri().toString() + "files/0123456789abcdef", 0);
        }
        CliRun created = station.run("withdraw", entry);
        assertEquals(ExitCodes.USAGE, created.exitCode(), created::both);
        assertTrue(created.err().contains("is CREATED and has an upload at the registry (0 of "), created::both);
        assertTrue(created.err().contains("ask the registry's administrator to withdraw the photo of code "
                + code.codeId()), created::both);

        try (Spool spool = Spool.open(station.station().spool(), Clock.systemUTC())) {
            spool.markUploadGone(entry, "test: the upload expired");
        }
        assertEquals(ExitCodes.OK, station.run("upload").exitCode());
        CliRun delivered = station.run("withdraw", entry);
        assertEquals(ExitCodes.USAGE, delivered.exitCode(), delivered::both);
        assertTrue(delivered.err().contains("is DELIVERED: the registry has accepted it"), delivered::both);
    }

    @Test
    void removeSignsACheckpointOverItsRecord() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("removing")), registry,
                "--no-passphrase");
        IssuedCode code = registry.issueCode();
        Path photo = Files.write(temp.resolve("to-remove.jpg"), SamplePhotos.good(36));
        String entry = JSON.readTree(station.run("capture", "--code", code.text(), photo.toString(), "--json")
                .out()).get("entry").asText();
        registry.revokeCode(code.codeId());
        assertEquals(ExitCodes.UNDELIVERED, station.run("upload").exitCode());

        CliRun remove = station.run("remove", entry, "--json");
        assertEquals(ExitCodes.OK, remove.exitCode(), remove::both);
        JsonNode removed = JSON.readTree(remove.out());
        assertEquals(entry, removed.get("entry").asText(), remove::both);
        assertEquals("REJECTED", removed.get("state").asText(), remove::both);
        List<String> log = events(station);
        assertEquals(List.of("spool-entry-removed", "checkpoint"), log.subList(log.size() - 2, log.size()),
                log::toString);
        CliRun audit = station.run("audit", "verify");
        assertEquals(ExitCodes.OK, audit.exitCode(), audit::both);
    }

    private static Path logFile(TestStation station) {
        return station.station().log().resolve("transfer-log.jsonl");
    }

    private static List<String> events(TestStation station) throws Exception {
        List<String> events = new ArrayList<>();
        for (String line : Files.readAllLines(logFile(station))) {
            events.add(JSON.readTree(line).get("event").asText());
        }
        return events;
    }
}
