package dev.codebound.agent.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.testing.Envelopes;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing: an agent process is killed with SIGKILL in the middle of an upload, and the next
 * run resumes from the spool as that process left it.
 */
class KillAndResumeTest {
    private static final int CHUNK = 32 * 1024;
    private static final int LENGTH = 1024 * 1024;

    @TempDir
    Path temp;

    @Test
    void killedAgentResumesWithoutLossOrDuplication() throws Exception {
        Path spoolDirectory = temp.resolve("spool");
        SpoolEntry entry;
        try (Spool spool = Spool.open(spoolDirectory, Clock.systemUTC())) {
            entry = spool.enqueue(Envelopes.write(temp, "big.cms", LENGTH, 31), "code-31", "station-1", "big.cms");
        }
        try (MockWebServer server = new MockWebServer()) {
            InMemoryTusServer tus = new InMemoryTusServer(server);
            server.setDispatcher(tus);
            server.start(InetAddress.getLoopbackAddress(), 0);

            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), UploadChild.class.getName(),
                    spoolDirectory.toString(), server.url("/files/").toString(), Integer.toString(CHUNK),
                    Integer.toString(128 * 1024))
                    .redirectErrorStream(true).redirectOutput(temp.resolve("child.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (offsetOnServer(tus) < 4L * CHUNK) {
                    assertTrue(child.isAlive(), () -> "the agent process ended early: " + log());
                    assertTrue(System.nanoTime() < deadline, "the agent process made no progress");
                    Thread.sleep(20);
                }
            } finally {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
            // A chunk fully received just before the kill may still be in the dispatcher; let it land.
            Thread.sleep(200);
            long offsetAtKill = offsetOnServer(tus);
            assertTrue(offsetAtKill < LENGTH, "killed mid-upload");

            try (Spool spool = Spool.open(spoolDirectory, Clock.systemUTC())) {
                SpoolEntry left = spool.entry(entry.id()).orElseThrow();
                assertTrue(left.state() == EntryState.CREATED || left.state() == EntryState.IN_FLIGHT, left::toString);
                assertTrue(offsetAtKill - left.acknowledgedOffset() <= CHUNK, "at most one chunk unrecorded");

                UploadConfig config = UploadConfig.builder(server.url("/files/")).chunkSize(CHUNK)
                        .creationWithUploadLimit(0).build();
                UploadRun run = new Uploader(config, new OkHttpClient(), spool, ProgressListener.NONE).runOnce();

                assertEquals(1, run.delivered());
                assertEquals(LENGTH - offsetAtKill, run.bytesSent(), "only what the server lacked was sent");
                assertEquals(EntryState.DELIVERED, spool.entry(entry.id()).orElseThrow().state());
                assertEquals(1, tus.uploadsOf(entry.id()).size(), "resumed, not re-created");
                assertArrayEquals(Files.readAllBytes(spool.envelopeFile(entry.id())),
                        tus.uploadsOf(entry.id()).get(0).data.toByteArray());
                assertEquals(1, tus.acceptances(entry.id()));
                assertTrue(tus.uploadsOf(entry.id()).get(0).bytesReceived <= LENGTH + CHUNK,
                        "the chunk cut off by the kill is the most that crossed the wire twice");
            }
        }
    }

    private static long offsetOnServer(InMemoryTusServer tus) {
        return tus.uploads().isEmpty() ? 0 : tus.uploads().get(0).offset();
    }

    private String log() {
        try {
            return Files.readString(temp.resolve("child.log"));
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
