package dev.codebound.server.transparency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.log.MerkleHashes;
import dev.codebound.protocol.log.MerkleTree;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogStoreTest {
    private static final long HEADER = LogFileFormat.recordsStart(LogFileFormat.FILE_VERSION);
    private static final int RECORD = LogFileFormat.RECORD_SIZE;

    @TempDir
    Path dir;

    @Test
    void appendsSurviveReopenWithTheSameRoot() throws Exception {
        Path file = dir.resolve("log");
        byte[] root;
        List<LogEntry> all = entries(0, 2_510);
        try (LogStore store = LogStore.open(file)) {
            assertEquals(0, store.size());
            assertArrayEquals(MerkleHashes.emptyRoot(), store.rootHash());
            for (int i = 0; i < 10; i++) {
                assertEquals(i, store.append(all.get(i)));
            }
            // More than one batch's worth, to cross the 1024-record batch split.
            assertEquals(10, store.appendAll(all.subList(10, all.size())));
            root = store.rootHash();
        }
        assertEquals(HEADER + (long) all.size() * RECORD, Files.size(file));
        try (LogStore store = LogStore.open(file)) {
            assertEquals(all.size(), store.size());
            assertEquals(0, store.discardedAtOpen());
            assertArrayEquals(root, store.rootHash());
            assertArrayEquals(treeOf((all)).rootHash(), root);
            for (long index : new long[] {0, 9, 10, 1033, 2509}) {
                LogEntry entry = store.entry(index);
                assertEquals(all.get((int) index), entry);
                store.inclusionProof(index, store.size()).verify(entry.leafHash(), root);
            }
            store.consistencyProof(10, store.size()).verify(store.rootHash(10), root);
        }
    }

    @Test
    void entriesAreFoundByEnvelopeHashAfterReopen() throws Exception {
        Path file = dir.resolve("log");
        List<LogEntry> all = entries(0, 3_000);
        try (LogStore store = LogStore.open(file)) {
            store.appendAll(all);
            store.append(all.get(7));
            assertEquals(OptionalLong.of(7), store.indexOf(all.get(7).envelopeSha256()));
        }
        try (LogStore store = LogStore.open(file)) {
            for (int i = 0; i < all.size(); i += 37) {
                assertEquals(OptionalLong.of(i), store.indexOf(all.get(i).envelopeSha256()));
            }
            assertEquals(OptionalLong.of(7), store.indexOf(all.get(7).envelopeSha256()), "the first of two");
            byte[] absent = all.get(5).envelopeSha256();
            absent[31] ^= 1;
            assertEquals(OptionalLong.empty(), store.indexOf(absent), "same 8-byte prefix, other hash");
            assertEquals(OptionalLong.empty(), store.indexOf(new byte[32]));
        }
    }

    @Test
    void aRecordCutShortByACrashIsDroppedAtOpen() throws Exception {
        Path file = dir.resolve("log");
        writeSingles(file, 5);
        truncate(file, HEADER + 4L * RECORD + 100);
        try (LogStore store = LogStore.open(file)) {
            assertEquals(4, store.size());
            assertEquals(1, store.discardedAtOpen());
            assertArrayEquals(treeOf((entries(0, 4))).rootHash(), store.rootHash());
            assertEquals(HEADER + 4L * RECORD, Files.size(file));
            assertEquals(4, store.append(sample(99)));
        }
        try (LogStore store = LogStore.open(file)) {
            assertEquals(5, store.size());
            assertEquals(0, store.discardedAtOpen());
            assertEquals(sample(99), store.entry(4));
        }
    }

    @Test
    void aFinalRecordOfZerosIsDroppedAtOpen() throws Exception {
        Path file = dir.resolve("log");
        writeSingles(file, 3);
        overwrite(file, HEADER + 2L * RECORD, new byte[RECORD]);
        try (LogStore store = LogStore.open(file)) {
            assertEquals(2, store.size());
            assertEquals(1, store.discardedAtOpen());
        }
    }

    @Test
    void aFinalBatchWithADamagedRecordIsDroppedWhole() throws Exception {
        Path file = dir.resolve("log");
        try (LogStore store = LogStore.open(file)) {
            store.appendAll(entries(0, 3));
            store.appendAll(entries(3, 13));
        }
        flipByte(file, HEADER + 7L * RECORD + 30);
        try (LogStore store = LogStore.open(file)) {
            assertEquals(3, store.size());
            assertEquals(10, store.discardedAtOpen());
            assertArrayEquals(treeOf((entries(0, 3))).rootHash(), store.rootHash());
        }
    }

    @Test
    void aFinalBatchCutShortIsDroppedWhole() throws Exception {
        Path file = dir.resolve("log");
        try (LogStore store = LogStore.open(file)) {
            store.appendAll(entries(0, 3));
            store.appendAll(entries(3, 13));
        }
        truncate(file, HEADER + 8L * RECORD);
        try (LogStore store = LogStore.open(file)) {
            assertEquals(3, store.size());
            assertEquals(5, store.discardedAtOpen());
        }
    }

    @Test
    void damageBeforeAcknowledgedRecordsRefusesToOpen() throws Exception {
        Path file = dir.resolve("log");
        writeSingles(file, 5);
        flipByte(file, HEADER + RECORD + 50);
        IOException e = assertThrows(IOException.class, () -> LogStore.open(file));
        assertTrue(e.getMessage().contains("damaged at record 1 of 5"), e.getMessage());
        assertEquals(HEADER + 5L * RECORD, Files.size(file));
    }

    @Test
    void aFileThatIsNotALogIsRefused() throws Exception {
        Path file = dir.resolve("other");
        Files.write(file, new byte[(int) HEADER + RECORD]);
        IOException e = assertThrows(IOException.class, () -> LogStore.open(file));
        assertTrue(e.getMessage().contains("not a Codebound transparency log"), e.getMessage());
    }

    @Test
    void aLogOpensOnlyOnce() throws Exception {
        Path file = dir.resolve("log");
        try (LogStore store = LogStore.open(file)) {
            IOException e = assertThrows(IOException.class, () -> LogStore.open(file));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            assertEquals(0, store.size());
        }
        LogStore reopened = LogStore.open(file);
        reopened.close();
        reopened.close();
    }

    @Test
    void queriesOutsideTheLogAreRefused() throws Exception {
        try (LogStore store = LogStore.open(dir.resolve("log"))) {
            store.append(sample(1));
            assertThrows(IllegalArgumentException.class, () -> store.entry(1));
            assertThrows(IllegalArgumentException.class, () -> store.inclusionProof(0, 2));
            assertThrows(IllegalArgumentException.class, () -> store.appendAll(List.of()));
        }
    }

    private static void writeSingles(Path file, int count) throws IOException {
        try (LogStore store = LogStore.open(file)) {
            for (LogEntry entry : entries(0, count)) {
                store.append(entry);
            }
        }
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
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The tree the protocol library builds from the same entries: what stations and auditors compute. */
    private static MerkleTree treeOf(List<LogEntry> entries) {
        MerkleTree tree = new MerkleTree();
        entries.forEach(entry -> tree.append(entry.leafHash()));
        return tree;
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
    }

    private static void overwrite(Path file, long position, byte[] bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            raf.write(bytes);
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x01);
        }
    }
}
