package dev.codebound.protocol.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitJournalTest {
    @TempDir
    Path directory;

    private Path file() {
        return directory.resolve("state").resolve("journal");
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> replayAll(Path file) throws IOException {
        List<String> seen = new ArrayList<>();
        try (GroupCommitJournal journal = GroupCommitJournal.open(file, false,
                record -> seen.add(StandardCharsets.UTF_8.decode(record).toString()))) {
            assertEquals(seen.size(), journal.replay().records());
        }
        return seen;
    }

    @Test
    void recordsSurviveAReopenInAppendOrder() throws IOException {
        try (GroupCommitJournal journal = GroupCommitJournal.open(file(), false, record -> {})) {
            GroupCommitJournal.await(journal.append(text("one")));
            GroupCommitJournal.await(journal.append(text("")));
            GroupCommitJournal.await(journal.append(text("three")));
        }
        assertEquals(List.of("one", "", "three"), replayAll(file()));
    }

    @Test
    void aTornTailIsCutAndNeverReplayed() throws IOException {
        try (GroupCommitJournal journal = GroupCommitJournal.open(file(), false, record -> {})) {
            GroupCommitJournal.await(journal.append(text("kept")));
        }
        long intact = Files.size(file());
        // A crash in the middle of a write: the length says 100 bytes, only 3 arrived.
        ByteBuffer torn = ByteBuffer.allocate(11).putInt(100).putInt(0).put(new byte[] {1, 2, 3}).flip();
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.APPEND)) {
            channel.write(torn);
        }
        List<String> seen = new ArrayList<>();
        try (GroupCommitJournal journal = GroupCommitJournal.open(file(), false,
                record -> seen.add(StandardCharsets.UTF_8.decode(record).toString()))) {
            assertEquals(new GroupCommitJournal.Replay(1, intact, 11), journal.replay());
            assertEquals(intact, Files.size(file()), "the torn bytes are cut from the file");
            GroupCommitJournal.await(journal.append(text("after")));
        }
        assertEquals(List.of("kept"), seen);
        assertEquals(List.of("kept", "after"), replayAll(file()));
    }

    @Test
    void aRecordFailingItsChecksumEndsTheReplay() throws IOException {
        try (GroupCommitJournal journal = GroupCommitJournal.open(file(), false, record -> {})) {
            GroupCommitJournal.await(journal.append(text("good")));
            GroupCommitJournal.await(journal.append(text("flipped")));
        }
        byte[] bytes = Files.readAllBytes(file());
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(file(), bytes);
        assertEquals(List.of("good"), replayAll(file()));
    }

    @Test
    void concurrentAppendsShareFsyncs() throws Exception {
        int threads = 8;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try (GroupCommitJournal journal = GroupCommitJournal.open(file(), false, record -> {})) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        GroupCommitJournal.await(journal.append(text(thread + ":" + i)));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get();
            }
            assertTrue(journal.syncs() < threads * perThread,
                    "800 awaited appends from 8 threads took " + journal.syncs() + " fsyncs: nothing was shared");
        } finally {
            pool.shutdownNow();
        }
        List<String> seen = replayAll(file());
        assertEquals(threads * perThread, seen.size());
        for (int t = 0; t < threads; t++) {
            List<String> mine = new ArrayList<>();
            for (String record : seen) {
                if (record.startsWith(t + ":")) {
                    mine.add(record);
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                expected.add(t + ":" + i);
            }
            assertEquals(expected, mine, "each thread's records in the order it appended them");
        }
    }

    @Test
    void aRewriteSupersedesEarlierRecordsAndKeepsLaterOnes() throws IOException {
        try (GroupCommitJournal journal = GroupCommitJournal.open(file(), false, record -> {})) {
            journal.append(text("a"));
            journal.append(text("b"));
            CompletableFuture<Void> compacted = journal.rewrite(List.of(text("a+b")));
            CompletableFuture<Void> later = journal.append(text("c"));
            GroupCommitJournal.await(compacted);
            GroupCommitJournal.await(later);
            assertEquals(Files.size(file()), journal.size());
        }
        assertEquals(List.of("a+b", "c"), replayAll(file()));
        try (var stale = Files.list(file().getParent())) {
            assertEquals(List.of(file()), stale.toList(), "no temporary file is left beside the journal");
        }
    }

    @Test
    void closingWaitsForQueuedRecordsAndRefusesLaterOnes() throws IOException {
        CompletableFuture<Void> queued;
        GroupCommitJournal journal = GroupCommitJournal.open(file(), false, record -> {});
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(journal.append(text("r" + i)));
        }
        journal.close();
        for (CompletableFuture<Void> future : all) {
            assertTrue(future.isDone() && !future.isCompletedExceptionally());
        }
        queued = journal.append(text("late"));
        IOException refused = assertThrows(IOException.class, () -> GroupCommitJournal.await(queued));
        assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
        assertEquals(50, replayAll(file()).size());
    }

    @Test
    void aFailedBatchFailsEveryLaterAppend() throws IOException {
        try (GroupCommitJournal journal = GroupCommitJournal.open(file(), false, record -> {})) {
            GroupCommitJournal.await(journal.append(text("before")));
            Path missing = directory.resolve("no-such-directory");
            assertThrows(IOException.class, () -> GroupCommitJournal.await(journal.append(text("x"), missing)));
            IOException later = assertThrows(IOException.class,
                    () -> GroupCommitJournal.await(journal.append(text("after"))));
            assertTrue(later.getMessage().contains("no-such-directory"), later.getMessage());
        }
        assertEquals(List.of("before"), replayAll(file()));
    }

    @Test
    void anOwnerOnlyJournalIsPrivate() throws IOException {
        try (GroupCommitJournal journal = GroupCommitJournal.open(file(), true, record -> {})) {
            GroupCommitJournal.await(journal.rewrite(Collections.singletonList(text("snapshot"))));
        }
        assertEquals(DurableFiles.OWNER_ONLY, Files.getPosixFilePermissions(file()));
        assertEquals(DurableFiles.OWNER_ONLY_DIRECTORY, Files.getPosixFilePermissions(file().getParent()));
    }

    @Test
    void aFileThatIsNotAJournalIsRefusedWithWhatToDo() throws IOException {
        Files.createDirectories(file().getParent());
        Files.write(file(), text("{\"json\": true}"));
        IOException refused = assertThrows(IOException.class,
                () -> GroupCommitJournal.open(file(), false, record -> {}));
        assertTrue(refused.getMessage().contains("not a Codebound journal"), refused.getMessage());
        assertArrayEquals(text("{\"json\": true}"), Files.readAllBytes(file()), "the file is left untouched");
    }
}
