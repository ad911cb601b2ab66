package dev.codebound.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.codebound.protocol.io.GroupCommitJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Fuzz tests for the scanned codes' files in the station home, which {@code watch} reads to pair
 * a photo with its code and which survive crashes, disk faults and hand edits
 * (docs/security-fuzzing.md): the journal ({@code scanned-codes.journal}), and an older agent's
 * {@code scanned-codes.json}, read once to carry its codes over. Seeds: files the real
 * {@link ScannedCodes} (and the agent before the journal) wrote, one with a torn last record, and
 * their records one per line.
 */
class ScannedCodesFuzzTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2027-06-01T12:00:00Z"), ZoneOffset.UTC);
    private static Path home;

    /**
     * Looking a code up in any journal lets only IOException escape, one naming the file and saying
     * to delete it; what is found is the entry asked for; and whatever the lookup left (a torn tail
     * cut, a compaction) is a journal that reads back with nothing to cut.
     */
    @FuzzTest(maxDuration = "60s")
    void file(byte[] input) throws IOException {
        Path journal = freshHome().resolve("scanned-codes.journal");
        Files.write(journal, input);
        if (lookUp(journal, journal)) {
            assertEquals(0, ScannedCodesFiles.cutBytes(journal), "a lookup leaves no torn tail behind");
        }
    }

    /**
     * As {@link #file}, with each line of the input framed as a record (its length and a CRC32C the
     * fuzzer could hardly forge), so that what a record holds is fuzzed, not only its framing.
     */
    @FuzzTest(maxDuration = "60s")
    void records(byte[] input) throws IOException {
        Path journal = freshHome().resolve("scanned-codes.journal");
        List<byte[]> payloads = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= input.length; i++) {
            if (i == input.length || input[i] == '\n') {
                payloads.add(Arrays.copyOfRange(input, start, i));
                start = i + 1;
            }
        }
        Files.write(journal, GroupCommitJournal.header());
        Files.write(journal, GroupCommitJournal.frame(payloads), StandardOpenOption.APPEND);
        if (lookUp(journal, journal)) {
            assertEquals(0, ScannedCodesFiles.cutBytes(journal), "a lookup leaves no torn tail behind");
        }
    }

    /** The same for an older agent's file, which the first lookup carries into a new journal. */
    @FuzzTest(maxDuration = "60s")
    void legacyFile(byte[] input) throws IOException {
        Path journal = freshHome().resolve("scanned-codes.journal");
        Path legacy = home.resolve("scanned-codes.json");
        Files.write(legacy, input);
        if (lookUp(journal, legacy)) {
            assertEquals(LegacyScannedCodes.MOVED, Files.readString(legacy));
        }
    }

    /** Whether the lookups succeeded; an IOException must name {@code blamed}. */
    private static boolean lookUp(Path journal, Path blamed) {
        ScannedCodes codes = new ScannedCodes(journal, CLOCK);
        for (String codeId : new String[] {"7GQ2-KX4M", ""}) {
            Optional<ScannedCodes.Scanned> found;
            try {
                found = codes.find(codeId);
            } catch (IOException e) {
                assertTrue(e.getMessage().startsWith(blamed.toString()), e.getMessage());
                assertTrue(e.getMessage().endsWith("delete it and scan the codes again"), e.getMessage());
                return false;
            }
            found.ifPresent(scanned -> assertEquals(codeId, scanned.codeId()));
        }
        return true;
    }

    private static Path freshHome() throws IOException {
        if (home == null) {
            home = Files.createTempDirectory("scanned-codes-fuzz");
        }
        for (String name : new String[] {"scanned-codes.journal", "scanned-codes.json",
            "scanned-codes.journal.compacting"}) {
            Files.deleteIfExists(home.resolve(name));
        }
        return home;
    }
}
