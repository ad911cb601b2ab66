package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.server.upload.UploadInfo;
import dev.codebound.testkit.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code upload} as a real separate JVM, rate-limited and killed with SIGKILL in the middle of an
 * envelope sent in many small chunks; the next {@code upload} resumes: one delivery, one upload on
 * the server, and at most one chunk sent twice.
 */
class UploadKillAndResumeTest {
    private static final int CHUNK = 2 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @RegisterExtension
    CodeboundRegistry registry = CodeboundRegistry.builder().build();

    @Test
    void killedUploadResumesWithOneDeliveryAndAtMostOneChunkResent() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry,
                "--no-passphrase");
        // A photo that meets the registry's specification (so that real acceptance takes it too), cut into
        // 2 KiB chunks: about twenty-five PATCH requests to kill in the middle of.
        Files.writeString(station.station().config(), "upload.chunk-size=" + CHUNK + "\n",
                StandardOpenOption.APPEND);
        Path photo = temp.resolve("portrait.jpg");
        Files.write(photo, SamplePhotos.builder(21).quality(88).noise(3.5).jpeg());
        CliRun capture = station.run("capture", "--code", registry.issueCode().text(), photo.toString(), "--json");
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        String entry = JSON.readTree(capture.out()).get("entry").asText();
        long length = JSON.readTree(capture.out()).get("envelopeBytes").asLong();
        assertTrue(length > 20L * CHUNK, "a many-chunk envelope");

        Path log = temp.resolve("child.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), AgentCommand.class.getName(),
                "upload", "--limit-rate", "8KiB", "--parallel", "1")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(station.environment());
        Process child = builder.start();
        long offsetAtKill;
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (serverOffset(registry, entry) < 4L * CHUNK) {
                assertTrue(child.isAlive(), () -> "the upload process ended early: " + read(log));
                assertTrue(System.nanoTime() < deadline, () -> "no progress: " + read(log));
                Thread.sleep(20);
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        // A chunk fully received just before the kill may still be on its way to the disk; let it land.
        Thread.sleep(300);
        offsetAtKill = serverOffset(registry, entry);
        assertTrue(offsetAtKill < length, "killed mid-upload");

        CliRun status = station.run("status", "--json");
        JsonNode counts = JSON.readTree(status.out()).get("counts");
        assertEquals(1, counts.get("created").asInt() + counts.get("in_flight").asInt(), status::both);

        CliRun upload = station.run("upload", "--json");
        JsonNode summary = JSON.readTree(upload.out());
        assertEquals(1, summary.get("delivered").asInt(), upload::both);
        assertTrue(summary.get("bytesResent").asLong() <= CHUNK, upload::both);
        assertEquals(length - offsetAtKill, summary.get("bytesSent").asLong() - summary.get("bytesResent")
                .asLong(), upload::both);
        assertEquals(1, RegistryUploads.of(registry, entry).size(), "resumed, not created again");
        assertEquals(1, RegistryUploads.completeOf(registry, entry).size(), "the registry holds the envelope once");

        assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
        assertTrue(Files.exists(station.station().receipt(entry)), "the verified receipt is stored");
        CliRun again = station.run("upload", "--json");
        assertEquals(0, JSON.readTree(again.out()).get("bytesSent").asLong(), "nothing is sent twice");
    }

    private static long serverOffset(CodeboundRegistry registry, String entry) throws Exception {
        List<UploadInfo> uploads = RegistryUploads.of(registry, entry);
        return uploads.isEmpty() ? 0 : uploads.get(0).offset();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
