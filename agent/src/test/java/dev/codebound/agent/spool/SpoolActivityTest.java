package dev.codebound.agent.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The advisory activity record: workers' changes coalesced into few writes, nothing written after withdrawal. */
class SpoolActivityTest {
    @TempDir
    Path temp;

    @Test
    void changesArePublishedTogetherAndNothingIsWrittenAfterTheLockIsReleased() throws Exception {
        Path directory = temp.resolve("spool");
        Path record = directory.resolve(SpoolActivity.FILE);
        try (Spool spool = Spool.open(directory, Clock.systemUTC(), "upload")) {
            assertEquals(List.of(), SpoolActivity.read(directory).orElseThrow().entries(), "the holder, at once");
            spool.activity().started("a");
            spool.activity().started("b");
            spool.activity().finished("a");
            assertEquals(List.of("b"), awaitEntries(directory, List.of("b")));
            spool.activity().started("c");
        }
        // Withdrawn with the lock, the change to "c" still scheduled: it must not bring the record back.
        Thread.sleep(3 * SpoolActivity.COALESCE_MILLIS);
        assertTrue(Files.notExists(record), "no write after the record was withdrawn");
    }

    private static List<String> awaitEntries(Path directory, List<String> expected) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> seen = List.of();
        while (System.nanoTime() < deadline) {
            Optional<SpoolActivity.Snapshot> snapshot = SpoolActivity.read(directory);
            seen = snapshot.map(SpoolActivity.Snapshot::entries).orElse(List.of());
            if (seen.equals(expected)) {
                return seen;
            }
            Thread.sleep(20);
        }
        return seen;
    }
}
