package dev.codebound.server.transparency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.wire.LogInclusion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the embedded log keeps its checkpoints: in the entries file (version 2), or a journal (version 1). */
class FileLogStorageTest {
    private static final Instant NOW = Instant.parse("2026-06-15T09:30:00Z");
    private static final RegistryKeyring KEYRING = RegistryKeyring.generate("test registry",
            NOW.minus(Duration.ofDays(1)), Duration.ofDays(365));

    @TempDir
    Path dir;

    @Test
    void aNewLogKeepsItsCheckpointInTheEntriesFile() throws Exception {
        String served;
        try (TransparencyLog log = TransparencyLog.open(dir, KEYRING)) {
            LogInclusion first = log.append(sample(1));
            LogInclusion second = log.append(sample(2));
            assertEquals(1, first.treeSize());
            assertEquals(2, second.treeSize());
            served = log.latestCheckpoint();
            assertEquals(second.checkpoint(), served);
        }
        assertFalse(Files.exists(dir.resolve("checkpoints.journal")));
        try (FileLogStorage storage = FileLogStorage.open(dir)) {
            assertEquals(served, storage.checkpoint().orElseThrow());
            assertEquals(2, storage.size());
        }
        try (TransparencyLog log = TransparencyLog.open(dir, KEYRING)) {
            assertEquals(2, log.size());
        }
    }

    @Test
    void aVersion1LogKeepsItsCheckpointsInTheJournal() throws Exception {
        Files.write(dir.resolve("entries.log"),
                LogFileFormat.header(LogFileFormat.FILE_VERSION_WITHOUT_CHECKPOINTS));
        String served;
        try (TransparencyLog log = TransparencyLog.open(dir, KEYRING)) {
            log.append(sample(1));
            served = log.append(sample(2)).checkpoint();
        }
        assertTrue(Files.exists(dir.resolve("checkpoints.journal")));
        assertEquals(LogFileFormat.HEADER_SIZE + 2L * LogFileFormat.RECORD_SIZE,
                Files.size(dir.resolve("entries.log")), "still version 1: no checkpoint slots");
        try (FileLogStorage storage = FileLogStorage.open(dir)) {
            assertEquals(served, storage.checkpoint().orElseThrow());
        }
    }

    private static LogEntry sample(int n) throws Exception {
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(("envelope " + n).getBytes(StandardCharsets.US_ASCII));
        return new LogEntry(sha, "C-" + n, "station-1", NOW);
    }
}
