package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.retention.HotFolders;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.testkit.SamplePhotos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retention sweep killed with SIGKILL in the middle of its deletions, as the crash tests kill
 * {@code upload} (a real separate JVM): the next command finishes it, every photo is gone, each
 * deletion is recorded exactly once, and the audit passes.
 */
class RetentionKillTest {
    private static final int PHOTOS = 400;

    @TempDir
    Path temp;

    @Test
    void aSweepKilledMidwayIsFinishedByTheNextCommandWithOneRecordPerDeletion() throws Exception {
        try (CodeboundRegistry registry = CodeboundRegistry.builder().dataDir(temp.resolve("registry")).start()) {
            TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry,
                    "--no-passphrase");
            Files.writeString(station.station().config(), "retention.refused-photos=PT0S\n",
                    StandardOpenOption.APPEND);
            Path camera = temp.resolve("camera");
            Path rejected = Files.createDirectories(camera.resolve("rejected"));
            new HotFolders(station.station()).register(camera);
            byte[] photo = SamplePhotos.good(41);
            for (int i = 0; i < PHOTOS; i++) {
                // Distinct photos (a deletion is recorded by the photo's hash): the same image with its number after it.
                byte[] numbered = Arrays.copyOf(photo, photo.length + 4);
                numbered[photo.length] = (byte) (i >> 8);
                numbered[photo.length + 1] = (byte) i;
                Files.write(rejected.resolve(String.format("IMG_%04d.jpg", i)), numbered);
                Files.writeString(rejected.resolve(String.format("IMG_%04d.jpg.reason.txt", i)), "refused\n");
            }
            Path log = station.station().log().resolve("transfer-log.jsonl");

            Path output = temp.resolve("child.log");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), AgentCommand.class.getName(), "upload")
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(station.environment());
            Process child = builder.start();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (deletionRecords(log) < 5) {
                    assertTrue(child.isAlive(), () -> "the sweep ended before it could be killed: " + read(output));
                    assertTrue(System.nanoTime() < deadline, () -> "no deletion recorded: " + read(output));
                    Thread.sleep(2);
                }
            } finally {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
            // The sweep records its intents in one batch before its first deletion, so the kill lands
            // with some or all intents recorded and none, some or most photos deleted.
            long left = photosIn(rejected);
            assertTrue(left > 0, "killed in the middle of the sweep: " + left + " photos left");

            CliRun next = station.run("upload");
            assertEquals(ExitCodes.OK, next.exitCode(), next::both);
            assertEquals(0, photosIn(rejected), next::both);
            try (Stream<Path> files = Files.list(rejected)) {
                assertEquals(List.of(), files.toList(), "the reason files go with their photos");
            }
            assertEquals(PHOTOS, deletionRecords(log), "one record per deletion: none lost, none twice");
            CliRun audit = station.run("audit", "verify");
            assertEquals(ExitCodes.OK, audit.exitCode(), audit::both);
        }
    }

    private static long deletionRecords(Path log) throws Exception {
        if (!Files.exists(log)) {
            return 0;
        }
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains("\"event\":\"photo-deleted\"")).count();
    }

    private static long photosIn(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jpg")).count();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(no output)";
        }
    }
}
