package dev.codebound.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scanned codes' journal shared by real processes (a separate JVM, as {@code code verify
 * --remember} runs beside a {@code watch}): appends and compactions of two processes at once lose
 * no acknowledged code, and a process killed with SIGKILL at any point, compaction included,
 * leaves a journal (the old one or the new one) that holds every acknowledged code.
 */
class ScannedCodesProcessesTest {
    /**
     * The newest acknowledged codes that must survive any number of compactions: a compaction keeps
     * the newest {@link ScannedCodes#COMPACTED_CAPACITY}, and besides the acknowledged ones at most a
     * killed batch per process was written.
     */
    private static final int SURVIVORS = 1000;
    /** About 400 bytes, as a real code's text. */
    private static final String TEXT_PADDING = "A".repeat(380);

    @TempDir
    Path home;

    /** One acknowledged code: its id and when it was scanned. */
    private record Acknowledged(String codeId, Instant scannedAt) {}

    @Test
    void twoProcessesAppendingAndCompactingAtOnceLoseNoAcknowledgedCode() throws Exception {
        Path journal = home.resolve("scanned-codes.journal");
        Process other = writer(journal, "B", 1100, 5);
        CompletableFuture<List<Acknowledged>> otherAcknowledged = CompletableFuture.supplyAsync(() -> read(other));

        ScannedCodes watching = new ScannedCodes(journal);
        List<Acknowledged> acknowledged = new ArrayList<>();
        for (int first = 0; first < 1100; first += 5) {
            Instant now = Instant.now();
            List<ScannedCodes.Scanned> scans = IntStream.range(first, first + 5)
                    .mapToObj(i -> scan("A" + i, now)).toList();
            watching.rememberScans(scans, now);
            scans.forEach(scan -> acknowledged.add(new Acknowledged(scan.codeId(), scan.scannedAt())));
        }
        assertTrue(other.waitFor(120, TimeUnit.SECONDS), "the other process did not finish");
        assertEquals(0, other.exitValue());
        acknowledged.addAll(otherAcknowledged.get());
        assertEquals(2200, acknowledged.size());

        assertHoldsTheNewest(journal, acknowledged);
        // 2200 codes passed the limit of 2000: at least one process compacted while the other appended.
        assertTrue(ScannedCodesFiles.records(journal).size() < 2200);
        for (Acknowledged code : newest(acknowledged)) {
            assertTrue(watching.find(code.codeId()).isPresent(), code.codeId() + " is not found by the watch");
        }
    }

    /**
     * Kills a writer that compacts every few batches with SIGKILL, several times, at random points
     * (inside a compaction, inside an append, between them): every time the journal is intact up
     * to at most a torn last record, holds every acknowledged code it must, and the next use deletes
     * a compaction's leftover and cuts the torn record.
     */
    @Test
    void aWriterKilledAtAnyPointLeavesAJournalWithEveryAcknowledgedCode() throws Exception {
        Path journal = home.resolve("scanned-codes.journal");
        List<Acknowledged> acknowledged = new ArrayList<>();
        int leftovers = 0;
        for (int round = 0; round < 5; round++) {
            Path output = home.resolve("writer-" + round + ".out");
            Process writer = writer(journal, "K" + round + "-", 1_000_000, 40, output);
            // Past the first compaction (60 batches fill 2000 records), then a different moment each round.
            int wanted = 2400 + round * 170;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (acknowledgedIn(output).size() < wanted) {
                assertTrue(writer.isAlive(), "the writer stopped before it was killed");
                assertTrue(System.nanoTime() < deadline, "the writer is too slow");
                Thread.sleep(1);
            }
            Thread.sleep(round * 7L);
            writer.destroyForcibly();
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
            acknowledged.addAll(acknowledgedIn(output));
            if (Files.exists(home.resolve("scanned-codes.journal.compacting"))) {
                leftovers++;
            }

            assertHoldsTheNewest(journal, acknowledged);
            new ScannedCodes(journal).find("none");
            assertFalse(Files.exists(home.resolve("scanned-codes.journal.compacting")), "the next use deletes it");
            assertEquals(0, ScannedCodesFiles.cutBytes(journal), "the next use cuts a torn record");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal)));
        }
        System.out.println("kills that landed inside a compaction (its file left behind): " + leftovers + " of 5");
    }

    /** The journal holds at most {@link ScannedCodes#CAPACITY} records, and the newest acknowledged codes. */
    private static void assertHoldsTheNewest(Path journal, List<Acknowledged> acknowledged) throws IOException {
        List<ScannedCodes.Scanned> records = ScannedCodesFiles.records(journal);
        assertTrue(records.size() <= ScannedCodes.CAPACITY, records.size() + " records");
        Set<String> present = records.stream().map(ScannedCodes.Scanned::codeId).collect(Collectors.toSet());
        for (Acknowledged code : newest(acknowledged)) {
            assertTrue(present.contains(code.codeId()), code.codeId() + " was acknowledged and is lost");
        }
    }

    private static List<Acknowledged> newest(List<Acknowledged> acknowledged) {
        List<Acknowledged> byScan = new ArrayList<>(acknowledged);
        byScan.sort(Comparator.comparing(Acknowledged::scannedAt));
        Collections.reverse(byScan);
        return byScan.subList(0, Math.min(SURVIVORS, byScan.size()));
    }

    private static Process writer(Path journal, String prefix, int codes, int batch) throws IOException {
        return command(journal, prefix, codes, batch).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static Process writer(Path journal, String prefix, int codes, int batch, Path output) throws IOException {
        return command(journal, prefix, codes, batch).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(output.toFile()).start();
    }

    private static ProcessBuilder command(Path journal, String prefix, int codes, int batch) {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ScannedCodesWriter.class.getName(), journal.toString(), prefix,
                Integer.toString(codes), Integer.toString(batch));
    }

    /** The codes a writer acknowledged so far: its complete lines (the last may be cut short by the kill). */
    private static List<Acknowledged> acknowledgedIn(Path output) throws IOException {
        String written = Files.readString(output, StandardCharsets.UTF_8);
        String complete = written.substring(0, written.lastIndexOf('\n') + 1);
        return complete.lines().map(ScannedCodesProcessesTest::parse).toList();
    }

    private static List<Acknowledged> read(Process process) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            List<Acknowledged> acknowledged = new ArrayList<>();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                acknowledged.add(parse(line));
            }
            return acknowledged;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Acknowledged parse(String line) {
        String[] words = line.split(" ");
        assertEquals("acknowledged", words[0], line);
        return new Acknowledged(words[1], Instant.parse(words[2]));
    }

    static ScannedCodes.Scanned scan(String codeId, Instant at) {
        return new ScannedCodes.Scanned(codeId, "CB1:" + codeId + "." + TEXT_PADDING, at);
    }
}
