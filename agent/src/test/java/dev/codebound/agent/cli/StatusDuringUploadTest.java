package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.spool.Spool;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.testkit.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} while an upload runs (issue 12, item 12): a small envelope goes from QUEUED to
 * DELIVERED in one creation-with-upload request, so its state on disk never says it is in flight;
 * status used to print {@code in flight 0} throughout. And a record of a holder that no longer
 * holds the spool (a process killed with -9) must not show a ghost upload.
 */
class StatusDuringUploadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    static Path temp;
    /** The first creation request is answered after 5 s: the upload is in flight for at least that long. */
    @RegisterExtension
    static CodeboundRegistry registry = CodeboundRegistry.builder().faultPlan("{\"seed\":1,\"rules\":[{"
            + "\"route\":\"tus.create\",\"script\":[1],\"action\":{\"type\":\"delay\",\"ms\":5000}}]}").build();

    @Test
    void anEnvelopeBeingUploadedIsShownInFlightWithTheUploadsProcess() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("uploading")), registry,
                "--no-passphrase");
        Path photo = Files.write(temp.resolve("small.jpg"), SamplePhotos.good(51));
        String entry = JSON.readTree(station.run("capture", "--code", registry.issueCode().text(), photo.toString(),
                "--json").out()).get("entry").asText();

        RunningCommand upload = RunningCommand.start(station, "upload", "--json");
        AtomicReference<JsonNode> seen = new AtomicReference<>();
        AtomicReference<String> text = new AtomicReference<>();
        upload.await(() -> {
            JsonNode status = json(station.run("status", "--json"));
            String human = station.run("status").out();
            // The holder is published with the lock; the entry once the uploader starts it.
            if (status.get("running").isNull() || status.get("running").get("inFlight").asInt() == 0
                    || !human.contains("): in flight 1")) {
                return false;
            }
            seen.set(status);
            text.set(human);
            return true;
        }, "status to show the envelope in flight");

        JsonNode running = seen.get().get("running");
        assertEquals("upload", running.get("command").asText(), seen.get().toString());
        assertEquals(PID, running.get("pid").asLong(), seen.get().toString());
        assertEquals(1, running.get("inFlight").asInt(), seen.get().toString());
        assertEquals(entry, running.get("entries").get(0).asText(), seen.get().toString());
        assertEquals(1, seen.get().get("counts").get("queued").asInt(), "on disk it is still QUEUED");
        assertTrue(text.get().startsWith("upload running (pid " + PID + ", since "), text.get());
        assertTrue(text.get().contains("): in flight 1\nqueued 0, in flight 1, delivered 0,"), text.get());
        assertTrue(text.get().contains("  sending  " + entry.substring(0, 12)), text.get());

        CliRun done = upload.awaitExit();
        assertEquals(ExitCodes.OK, done.exitCode(), done::both);
        assertEquals(1, JSON.readTree(done.out()).get("delivered").asInt(), done::both);
        JsonNode after = json(station.run("status", "--json"));
        assertTrue(after.get("running").isNull(), after.toString());
        assertTrue(Files.notExists(station.station().spool().resolve(".activity")), "withdrawn with the lock");
    }

    @Test
    void aRecordWhoseProcessDoesNotHoldTheSpoolIsIgnored() throws Exception {
        TestStation station = TestStation.unencrypted(temp.resolve("killed"));
        CliRun init = station.run("init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                registry.caCertificateFile().toString(), "--no-passphrase");
        assertEquals(ExitCodes.OK, init.exitCode(), init::both);
        Path record = station.station().spool().resolve(".activity");
        String left;
        try (Spool held = Spool.open(station.station().spool(), Clock.systemUTC(), "upload")) {
            CliRun status = station.run("status");
            assertTrue(status.out().startsWith("upload running (pid " + PID + ", since "), status::both);
            left = Files.readString(record);

            // The lock is held, but by a process that is not the one the record names (it has exited).
            Process exited = new ProcessBuilder("true").start();
            exited.waitFor();
            Files.writeString(record, left.replace("\"pid\":" + PID, "\"pid\":" + exited.pid()));
            CliRun otherPid = station.run("status", "--json");
            assertTrue(json(otherPid).get("running").isNull(), otherPid::both);
        }
        // As a process killed with -9 leaves it: the record of a live pid (this one), but the lock is free.
        Files.writeString(record, left);
        CliRun json = station.run("status", "--json");
        assertTrue(json(json).get("running").isNull(), json::both);
        CliRun text = station.run("status");
        assertFalse(text.out().contains("running"), text::both);
        assertTrue(text.out().startsWith("queued 0, in flight 0,"), text::both);
    }

    private static JsonNode json(CliRun run) {
        try {
            return JSON.readTree(run.out());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + run.both(), e);
        }
    }
}
