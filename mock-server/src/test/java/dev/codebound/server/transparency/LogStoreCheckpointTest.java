package dev.codebound.server.transparency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.log.MerkleTree;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint slots of a log file of format version 2: a batch and its checkpoint in one write,
 * and every state a crash in that write can leave repaired at open without losing an acknowledged
 * checkpoint or reviving one that was never acknowledged.
 */
class LogStoreCheckpointTest {
    private static final long RECORDS = LogFileFormat.recordsStart(LogFileFormat.FILE_VERSION);
    private static final int RECORD = LogFileFormat.RECORD_SIZE;
    /** Signs nothing: a stand-in note naming the tree it was asked for. */
    private static final LogStorage.CheckpointSigner NOTES =
            (size, root) -> "checkpoint " + size + " " + HexFormat.of().formatHex(root) + "\n";

    @TempDir
    Path dir;

    @Test
    void aBatchAndItsCheckpointSurviveReopen() throws Exception {
        Path file = dir.resolve("log");
        List<LogEntry> entries = entries(0, 5);
        try (LogStore store = LogStore.open(file)) {
            assertTrue(store.holdsCheckpoints());
            assertEquals(Optional.empty(), store.checkpoint());
            assertEquals(0, store.appendAll(entries, NOTES));
            assertEquals(Optional.of(note(entries)), store.checkpoint());
        }
        assertEquals(RECORDS + 5L * RECORD, Files.size(file));
        try (LogStore store = LogStore.open(file)) {
            assertEquals(5, store.size());
            assertEquals(Optional.of(note(entries)), store.checkpoint());
            assertArrayEquals(treeOf(entries).rootHash(), store.rootHash());
        }
    }

    @Test
    void theNewestOfManyCheckpointsIsCurrentAfterReopen() throws Exception {
        Path file = dir.resolve("log");
        try (LogStore store = LogStore.open(file)) {
            store.appendAll(entries(0, 3), NOTES);
            store.appendAll(entries(3, 4), NOTES);
            store.storeCheckpoint(4, "re-signed 4\n");
            store.appendAll(entries(4, 9), NOTES);
        }
        try (LogStore store = LogStore.open(file)) {
            assertEquals(9, store.size());
            assertEquals(Optional.of(note(entries(0, 9))), store.checkpoint());
        }
    }

    @Test
    void aLongCallIsWrittenInBatchesWithTheCheckpointInTheLast() throws Exception {
        Path file = dir.resolve("log");
        List<LogEntry> entries = entries(0, 2_100);
        try (LogStore store = LogStore.open(file)) {
            store.appendAll(entries, NOTES);
        }
        try (LogStore store = LogStore.open(file)) {
            assertEquals(2_100, store.size());
            assertEquals(Optional.of(note(entries)), store.checkpoint());
        }
    }

    /** The crash tore the batch's records but its checkpoint reached the disk: it was never acknowledged. */
    @Test
    void theCheckpointOfATornBatchIsIgnoredAndNeverComesBack() throws Exception {
        Path file = dir.resolve("log");
        try (LogStore store = LogStore.open(file)) {
            store.appendAll(entries(0, 3), NOTES);
            store.appendAll(entries(3, 8), NOTES);
        }
        String torn = note(entries(0, 8));
        truncate(file, RECORDS + 6L * RECORD + 100);
        try (LogStore store = LogStore.open(file)) {
            assertEquals(3, store.size());
            assertEquals(4, store.discardedAtOpen(), "three whole records of the batch and a partial one");
            assertEquals(Optional.of(note(entries(0, 3))), store.checkpoint());
            store.appendAll(entries(100, 102), NOTES);
        }
        // The next checkpoint took the ignored one's slot: damaging it brings back the one before, not the torn one.
        damageSlotHolding(file, note(concat(entries(0, 3), entries(100, 102))));
        try (LogStore store = LogStore.open(file)) {
            assertEquals(5, store.size());
            assertEquals(Optional.of(note(entries(0, 3))), store.checkpoint());
        }
        assertFalse(slotNotes(file).contains(torn));
    }

    /** The crash lost every record of the batch (the file's length too) but not its checkpoint. */
    @Test
    void theCheckpointOfABatchThatNeverReachedTheDiskIsIgnored() throws Exception {
        Path file = dir.resolve("log");
        try (LogStore store = LogStore.open(file)) {
            store.appendAll(entries(0, 3), NOTES);
            store.appendAll(entries(3, 8), NOTES);
        }
        truncate(file, RECORDS + 3L * RECORD);
        try (LogStore store = LogStore.open(file)) {
            assertEquals(3, store.size());
            assertEquals(0, store.discardedAtOpen());
            assertEquals(Optional.of(note(entries(0, 3))), store.checkpoint());
        }
    }

    /** The batch's records reached the disk, its checkpoint slot was torn: the previous checkpoint stands. */
    @Test
    void aTornCheckpointLeavesThePreviousOne() throws Exception {
        Path file = dir.resolve("log");
        try (LogStore store = LogStore.open(file)) {
            store.appendAll(entries(0, 3), NOTES);
            store.appendAll(entries(3, 8), NOTES);
        }
        damageSlotHolding(file, note(entries(0, 8)));
        try (LogStore store = LogStore.open(file)) {
            assertEquals(8, store.size());
            assertEquals(Optional.of(note(entries(0, 3))), store.checkpoint());
            store.appendAll(entries(8, 9), NOTES);
        }
        try (LogStore store = LogStore.open(file)) {
            assertEquals(Optional.of(note(entries(0, 9))), store.checkpoint());
        }
    }

    /**
     * Acknowledged batches lost (here: every record): the older checkpoint too signs more entries than
     * the log holds, so it stays current and the transparency log refuses to serve a shorter log.
     */
    @Test
    void lostAcknowledgedEntriesLeaveACheckpointBeyondTheLog() throws Exception {
        Path file = dir.resolve("log");
        try (LogStore store = LogStore.open(file)) {
            store.appendAll(entries(0, 3), NOTES);
            store.appendAll(entries(3, 8), NOTES);
        }
        truncate(file, RECORDS);
        try (LogStore store = LogStore.open(file)) {
            assertEquals(0, store.size());
            assertEquals(Optional.of(note(entries(0, 3))), store.checkpoint());
        }
    }

    @Test
    void aCheckpointThatCannotBeMadeWritesNothingAndStopsAppendsUntilReopened() throws Exception {
        Path file = dir.resolve("log");
        try (LogStore store = LogStore.open(file)) {
            store.appendAll(entries(0, 2), NOTES);
            String huge = "x".repeat(LogFileFormat.MAX_NOTE_LENGTH + 1);
            assertThrows(IllegalArgumentException.class, () -> store.appendAll(entries(2, 4), (size, root) -> huge));
            assertEquals(2, store.size());
            assertArrayEquals(treeOf(entries(0, 2)).rootHash(), store.rootHash());
            assertThrows(IOException.class, () -> store.appendAll(entries(2, 4), NOTES));
        }
        assertEquals(RECORDS + 2L * RECORD, Files.size(file));
        try (LogStore store = LogStore.open(file)) {
            assertEquals(2, store.appendAll(entries(2, 4), NOTES));
            assertEquals(Optional.of(note(entries(0, 4))), store.checkpoint());
        }
    }

    /** A log written before the slots (format version 1) is read and appended to, its checkpoints elsewhere. */
    @Test
    void aVersion1LogIsStillReadAndAppendedTo() throws Exception {
        Path file = dir.resolve("log");
        List<LogEntry> entries = entries(0, 4);
        ByteBuffer v1 = ByteBuffer.allocate(LogFileFormat.HEADER_SIZE + entries.size() * RECORD);
        v1.put(LogFileFormat.header(LogFileFormat.FILE_VERSION_WITHOUT_CHECKPOINTS));
        for (int i = 0; i < entries.size(); i++) {
            LogFileFormat.putRecord(v1, i, 0, entries.size(), entries.get(i).encode());
        }
        Files.write(file, v1.array());
        try (LogStore store = LogStore.open(file)) {
            assertFalse(store.holdsCheckpoints());
            assertEquals(4, store.size());
            assertEquals(entries.get(2), store.entry(2));
            assertEquals(4, store.append(sample(4)));
            assertThrows(IllegalStateException.class, () -> store.appendAll(entries(5, 6), NOTES));
        }
        try (LogStore store = LogStore.open(file)) {
            assertEquals(5, store.size());
            assertArrayEquals(treeOf(entries(0, 5)).rootHash(), store.rootHash());
        }
    }

    private static String note(List<LogEntry> entries) {
        return NOTES.sign(entries.size(), treeOf(entries).rootHash());
    }

    private static List<String> slotNotes(Path file) throws IOException {
        List<String> notes = new ArrayList<>();
        for (int slot = 0; slot < LogFileFormat.SLOTS; slot++) {
            LogFileFormat.Slot read = LogFileFormat.readSlot(slotBytes(file, slot));
            notes.add(read == null ? null : read.note());
        }
        return notes;
    }

    private static void damageSlotHolding(Path file, String note) throws IOException {
        int slot = slotNotes(file).indexOf(note);
        assertTrue(slot >= 0, "a slot holds " + note);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long position = LogFileFormat.slotPosition(slot) + 30;
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x01);
        }
    }

    private static byte[] slotBytes(Path file, int slot) throws IOException {
        byte[] bytes = new byte[LogFileFormat.SLOT_SIZE];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            raf.seek(LogFileFormat.slotPosition(slot));
            raf.readFully(bytes);
        }
        return bytes;
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
    }

    private static List<LogEntry> concat(List<LogEntry> first, List<LogEntry> second) {
        List<LogEntry> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static List<LogEntry> entries(int from, int to) {
        List<LogEntry> entries = new ArrayList<>();
        for (int i = from; i < to; i++) {
            entries.add(sample(i));
        }
        return entries;
    }

    private static LogEntry sample(int n) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(("envelope " + n).getBytes(StandardCharsets.US_ASCII));
            return new LogEntry(sha, "C-" + n, "station-" + (n % 7), Instant.ofEpochMilli(1_780_000_000_000L + n));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static MerkleTree treeOf(List<LogEntry> entries) {
        MerkleTree tree = new MerkleTree();
        entries.forEach(entry -> tree.append(entry.leafHash()));
        return tree;
    }
}
