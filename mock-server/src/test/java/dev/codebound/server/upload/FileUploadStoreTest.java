package dev.codebound.server.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.UploadMetadata;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's contract: commits are durable journal records, everything else is cut back on recovery. */
class FileUploadStoreTest {
    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");

    @TempDir
    Path root;

    private UploadInfo created(FileUploadStore store, long length) throws Exception {
        return store.create(length, UploadMetadata.empty().with("filename", "a.cms"), "station-1", NOW,
                NOW.plusSeconds(60));
    }

    /** Created as the tus handler creates without a body: the creation, then an empty chunk committed. */
    private UploadInfo createdAndRecorded(FileUploadStore store, long length) throws Exception {
        UploadInfo upload = created(store, length);
        try (UploadStore.ChunkWriter writer = store.beginChunk(upload)) {
            return writer.commit(upload.expires());
        }
    }

    @Test
    void aCreationIsRecordedWithItsFirstChunkAndAWholeOneWithItsOutcome() throws Exception {
        UploadInfo whole;
        UploadInfo undecided;
        UploadInfo partial;
        UploadInfo refusedChunk;
        UploadInfo neverAnswered;
        try (FileUploadStore store = new FileUploadStore(root)) {
            long before = store.journalSyncs();
            // Sent whole in its creation request: creation, offset and outcome in one record, one journal sync.
            whole = created(store, 3);
            assertEquals(before, store.journalSyncs(), "nothing is written before the first chunk");
            try (UploadStore.ChunkWriter writer = store.beginChunk(whole)) {
                writer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                assertEquals(UploadState.AWAITING_OUTCOME, writer.commit(NOW.plusSeconds(60)).state());
                assertEquals(before, store.journalSyncs(), "the bytes are forced; the record waits for the outcome");
                store.recordOutcome(whole.id(), new CompletionOutcome.Accepted("{\"receipt\":1}".getBytes()));
                assertEquals(before + 1, store.journalSyncs(), "creation, offset and outcome: one journal sync");
            }
            assertEquals(before + 1, store.journalSyncs(), "closing the writer adds nothing");
            // Whole, but its completion failed: recorded awaiting its outcome when the writer closes.
            undecided = created(store, 2);
            try (UploadStore.ChunkWriter writer = store.beginChunk(undecided)) {
                writer.write(ByteBuffer.wrap(new byte[] {1, 2}));
                writer.commit(NOW.plusSeconds(60));
            }
            // A first chunk that does not complete the upload: creation and offset in one record.
            partial = created(store, 3);
            try (UploadStore.ChunkWriter writer = store.beginChunk(partial)) {
                writer.write(ByteBuffer.wrap(new byte[] {1}));
                writer.commit(NOW.plusSeconds(60));
            }
            // A first chunk refused (a checksum mismatch, a body too slow): the empty creation is still recorded.
            refusedChunk = created(store, 3);
            try (UploadStore.ChunkWriter writer = store.beginChunk(refusedChunk)) {
                writer.write(ByteBuffer.wrap(new byte[] {1, 2}));
            }
            // As a crash between the creation and its first chunk leaves it: never answered, never recorded.
            neverAnswered = created(store, 3);
        }
        try (FileUploadStore reopened = new FileUploadStore(root)) {
            assertEquals(List.of(undecided.id()), reopened.recover().stream().map(UploadInfo::id).toList());
            assertEquals(UploadState.ACCEPTED, reopened.info(whole.id()).orElseThrow().state());
            assertEquals("{\"receipt\":1}", new String(((CompletionOutcome.Accepted) reopened.outcome(whole.id())
                    .orElseThrow()).receiptJson()));
            assertEquals(3, Files.size(reopened.dataFile(whole.id())));
            assertEquals(1, reopened.info(partial.id()).orElseThrow().offset());
            assertEquals(0, reopened.info(refusedChunk.id()).orElseThrow().offset());
            assertEquals(0, Files.size(reopened.dataFile(refusedChunk.id())));
            assertTrue(reopened.info(neverAnswered.id()).isEmpty());
            assertFalse(Files.exists(reopened.dataFile(neverAnswered.id())), "its data file is deleted");
        }
    }

    @Test
    void theUploadsDirectoryIsSyncedOnlyForRecordsThatNeedTheirDataFileAfterACrash() throws Exception {
        try (FileUploadStore store = new FileUploadStore(root)) {
            // Sent whole and decided in its creation request: its bytes are never read again, no directory sync.
            UploadInfo whole = created(store, 3);
            try (UploadStore.ChunkWriter writer = store.beginChunk(whole)) {
                writer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                writer.commit(NOW.plusSeconds(60));
                store.recordOutcome(whole.id(), new CompletionOutcome.Accepted("{}".getBytes()));
            }
            assertEquals(0, store.directorySyncs(), "a decided creation needs no directory entry");
            // Created empty: recovery makes an empty file again, so no sync; its first bytes need the name.
            UploadInfo empty = createdAndRecorded(store, 3);
            assertEquals(0, store.directorySyncs(), "an empty creation needs no directory entry");
            try (UploadStore.ChunkWriter writer = store.beginChunk(empty)) {
                writer.write(ByteBuffer.wrap(new byte[] {1}));
                writer.commit(NOW.plusSeconds(60));
            }
            assertEquals(1, store.directorySyncs(), "the first record naming bytes syncs the directory");
            UploadInfo resumed = store.info(empty.id()).orElseThrow();
            try (UploadStore.ChunkWriter writer = store.beginChunk(resumed)) {
                writer.write(ByteBuffer.wrap(new byte[] {2}));
                writer.commit(NOW.plusSeconds(60));
            }
            assertEquals(1, store.directorySyncs(), "once synced, later chunks need no directory sync");
            // Whole, but undecided: its bytes are read again at the next start, so its name must be durable.
            UploadInfo undecided = created(store, 2);
            try (UploadStore.ChunkWriter writer = store.beginChunk(undecided)) {
                writer.write(ByteBuffer.wrap(new byte[] {1, 2}));
                writer.commit(NOW.plusSeconds(60));
            }
            assertEquals(2, store.directorySyncs(), "an upload awaiting its outcome syncs the directory");
        }
    }

    @Test
    void recoveryKeepsADecidedUploadWhoseFileACrashTookBackAndMakesAnEmptyUploadsFileAgain() throws Exception {
        UploadInfo accepted;
        UploadInfo rejected;
        UploadInfo empty;
        try (FileUploadStore store = new FileUploadStore(root)) {
            accepted = created(store, 2);
            try (UploadStore.ChunkWriter writer = store.beginChunk(accepted)) {
                writer.write(ByteBuffer.wrap(new byte[] {1, 2}));
                writer.commit(NOW.plusSeconds(60));
                store.recordOutcome(accepted.id(), new CompletionOutcome.Accepted("{\"receipt\":1}".getBytes()));
            }
            rejected = created(store, 2);
            try (UploadStore.ChunkWriter writer = store.beginChunk(rejected)) {
                writer.write(ByteBuffer.wrap(new byte[] {1, 2}));
                writer.commit(NOW.plusSeconds(60));
                store.recordOutcome(rejected.id(),
                        new CompletionOutcome.Rejected(Problem.of(422, "NOPE", "No", "no", null)));
            }
            empty = createdAndRecorded(store, 2);
        }
        // As a power loss leaves them: the records are durable, the data files' unsynced names are gone.
        Files.delete(root.resolve(accepted.id().value() + ".data"));
        Files.delete(root.resolve(rejected.id().value() + ".data"));
        Files.delete(root.resolve(empty.id().value() + ".data"));
        try (FileUploadStore reopened = new FileUploadStore(root)) {
            assertTrue(reopened.recover().isEmpty(), "nothing to decide again");
            assertEquals(UploadState.ACCEPTED, reopened.info(accepted.id()).orElseThrow().state());
            assertEquals("{\"receipt\":1}", new String(((CompletionOutcome.Accepted) reopened.outcome(accepted.id())
                    .orElseThrow()).receiptJson()));
            assertEquals(UploadState.REJECTED, reopened.info(rejected.id()).orElseThrow().state());
            assertEquals("NOPE", ((CompletionOutcome.Rejected) reopened.outcome(rejected.id()).orElseThrow())
                    .problem().reason());
            UploadInfo resumable = reopened.info(empty.id()).orElseThrow();
            assertEquals(UploadState.RECEIVING, resumable.state());
            assertEquals(0, resumable.offset());
            try (UploadStore.ChunkWriter writer = reopened.beginChunk(resumable)) {
                writer.write(ByteBuffer.wrap(new byte[] {1, 2}));
                assertEquals(UploadState.AWAITING_OUTCOME, writer.commit(NOW.plusSeconds(60)).state());
            }
            assertEquals(2, Files.size(reopened.dataFile(empty.id())));
        }
    }

    @Test
    void committedChunkIsRecordedAndUncommittedOneIsDiscarded() throws Exception {
        try (FileUploadStore store = new FileUploadStore(root)) {
            UploadInfo upload = created(store, 10);
            try (UploadStore.ChunkWriter writer = store.beginChunk(upload)) {
                writer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                UploadInfo stored = writer.commit(NOW.plusSeconds(120));
                assertEquals(3, stored.offset());
                assertEquals(NOW.plusSeconds(120), stored.expires());
            }
            UploadInfo afterFirst = store.info(upload.id()).orElseThrow();
            try (UploadStore.ChunkWriter writer = store.beginChunk(afterFirst)) {
                writer.write(ByteBuffer.wrap(new byte[] {4, 5}));
            }
            assertEquals(3, store.info(upload.id()).orElseThrow().offset());
            assertEquals(3, Files.size(store.dataFile(upload.id())));
            assertEquals("a.cms", store.info(upload.id()).orElseThrow().metadata().get("filename").orElseThrow());
        }
    }

    /**
     * Pieces written together (one gathered write) and alone land in order at the chunk's start, also for a
     * chunk that starts past offset zero after one that was cut back.
     */
    @Test
    void gatheredPiecesLandAtTheChunksOffset() throws Exception {
        try (FileUploadStore store = new FileUploadStore(root)) {
            UploadInfo upload = created(store, 8);
            try (UploadStore.ChunkWriter writer = store.beginChunk(upload)) {
                writer.write(ByteBuffer.wrap(new byte[] {1, 2}), ByteBuffer.wrap(new byte[] {3}));
                writer.commit(NOW.plusSeconds(120));
            }
            UploadInfo afterFirst = store.info(upload.id()).orElseThrow();
            try (UploadStore.ChunkWriter writer = store.beginChunk(afterFirst)) {
                writer.write(ByteBuffer.wrap(new byte[] {9, 9, 9}));
            }
            try (UploadStore.ChunkWriter writer = store.beginChunk(afterFirst)) {
                writer.write(ByteBuffer.wrap(new byte[] {4, 5}), ByteBuffer.wrap(new byte[] {6}));
                writer.write(ByteBuffer.wrap(new byte[] {7, 8}));
                assertEquals(5, writer.written());
                assertThrows(IllegalArgumentException.class, () -> writer.write(ByteBuffer.wrap(new byte[1])));
                assertEquals(8, writer.commit(NOW.plusSeconds(120)).offset());
            }
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, Files.readAllBytes(store.dataFile(upload.id())));
        }
    }

    @Test
    void writerRefusesBytesPastTheLength() throws Exception {
        try (FileUploadStore store = new FileUploadStore(root)) {
            UploadInfo upload = created(store, 2);
            try (UploadStore.ChunkWriter writer = store.beginChunk(upload)) {
                assertThrows(IllegalArgumentException.class, () -> writer.write(ByteBuffer.wrap(new byte[3])));
            }
        }
    }

    @Test
    void recoveryCutsUnacknowledgedBytesAndDropsHalfCreatedUploads() throws Exception {
        UploadInfo upload;
        try (FileUploadStore store = new FileUploadStore(root)) {
            upload = created(store, 10);
            try (UploadStore.ChunkWriter writer = store.beginChunk(upload)) {
                writer.write(ByteBuffer.wrap(new byte[4]));
                writer.commit(NOW.plusSeconds(60));
            }
            // As a crash between a chunk's bytes and its record leaves it: bytes past the recorded offset.
            Files.write(store.dataFile(upload.id()), new byte[3], StandardOpenOption.APPEND);
        }
        // As a crash inside create() leaves it: a data file whose record never became durable.
        UploadId orphan = UploadId.random();
        Files.createFile(root.resolve(orphan.value() + ".data"));

        try (FileUploadStore reopened = new FileUploadStore(root)) {
            List<UploadInfo> awaiting = reopened.recover();
            assertTrue(awaiting.isEmpty());
            assertEquals(4, Files.size(reopened.dataFile(upload.id())));
            assertFalse(Files.exists(root.resolve(orphan.value() + ".data")));
            assertEquals(List.of(upload.id()), reopened.list().stream().map(UploadInfo::id).toList());
            assertEquals(4, reopened.info(upload.id()).orElseThrow().offset());
        }
    }

    @Test
    void aTornJournalTailLosesOnlyTheUnacknowledgedChange() throws Exception {
        UploadInfo upload;
        try (FileUploadStore store = new FileUploadStore(root)) {
            upload = created(store, 10);
            try (UploadStore.ChunkWriter writer = store.beginChunk(upload)) {
                writer.write(ByteBuffer.wrap(new byte[4]));
                writer.commit(NOW.plusSeconds(60));
            }
        }
        // As a crash in the middle of the journal's write of the next chunk's record leaves it.
        Path journal = root.resolve(FileUploadStore.JOURNAL);
        Files.write(journal, new byte[] {0, 0, 1, 0, 42, 42, 42}, StandardOpenOption.APPEND);
        try (FileUploadStore reopened = new FileUploadStore(root)) {
            assertTrue(reopened.recover().isEmpty());
            assertEquals(4, reopened.info(upload.id()).orElseThrow().offset());
        }
    }

    @Test
    void aCrashDuringCompactionLeavesTheOldJournalStanding() throws Exception {
        UploadInfo upload;
        try (FileUploadStore store = new FileUploadStore(root)) {
            upload = createdAndRecorded(store, 10);
        }
        // As a crash inside the rewrite leaves it: a half-written snapshot beside the journal.
        Path leftover = root.resolve("." + FileUploadStore.JOURNAL + ".0123456789ab.tmp");
        Files.write(leftover, new byte[] {'C', 'B', 'J'});
        try (FileUploadStore reopened = new FileUploadStore(root)) {
            assertTrue(reopened.recover().isEmpty());
            assertEquals(List.of(upload.id()), reopened.list().stream().map(UploadInfo::id).toList());
            assertFalse(Files.exists(leftover), "the temporary snapshot is removed");
        }
    }

    @Test
    void compactionKeepsEveryLiveUploadAndDropsHistory() throws Exception {
        long threshold = 16 * 1024;
        UploadInfo kept;
        UploadInfo decided;
        try (FileUploadStore store = new FileUploadStore(root, threshold)) {
            kept = created(store, 500);
            decided = created(store, 1);
            try (UploadStore.ChunkWriter writer = store.beginChunk(decided)) {
                writer.write(ByteBuffer.wrap(new byte[1]));
                writer.commit(NOW);
            }
            store.recordOutcome(decided.id(), new CompletionOutcome.Accepted("{\"receipt\":1}".getBytes()));
            // Many chunks and short-lived uploads grow the journal far past its two live records.
            UploadInfo current = kept;
            for (int i = 0; i < 150; i++) {
                try (UploadStore.ChunkWriter writer = store.beginChunk(current)) {
                    writer.write(ByteBuffer.wrap(new byte[1]));
                    current = writer.commit(NOW.plusSeconds(i));
                }
                assertTrue(store.terminate(created(store, 5).id()));
            }
        }
        long size = Files.size(root.resolve(FileUploadStore.JOURNAL));
        assertTrue(size <= threshold + 1024, "the journal was compacted: " + size + " bytes");
        try (FileUploadStore reopened = new FileUploadStore(root, threshold)) {
            assertTrue(reopened.recover().isEmpty());
            assertEquals(150, reopened.info(kept.id()).orElseThrow().offset());
            assertEquals("{\"receipt\":1}", new String(((CompletionOutcome.Accepted) reopened.outcome(decided.id())
                    .orElseThrow()).receiptJson()));
            assertEquals(2, reopened.list().size());
        }
    }

    @Test
    void concurrentChangesShareFsyncs() throws Exception {
        try (FileUploadStore store = new FileUploadStore(root)) {
            long before = store.journalSyncs();
            int threads = 8;
            int perThread = 25;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            createdAndRecorded(store, 1);
                        }
                        return null;
                    }));
                }
                for (Future<?> future : done) {
                    future.get();
                }
            } finally {
                pool.shutdown();
            }
            assertEquals(threads * perThread, store.list().size());
            long syncs = store.journalSyncs() - before;
            assertTrue(syncs < threads * perThread, syncs + " journal fsyncs for " + threads * perThread
                    + " concurrent creations: group commit shares them");
        }
    }

    @Test
    void anOldLayoutDirectoryIsMigrated() throws Exception {
        UploadId receiving = UploadId.random();
        UploadId accepted = UploadId.random();
        UploadId halfCreated = UploadId.random();
        oldUpload(receiving, 10, 3, "RECEIVING", null);
        oldUpload(accepted, 2, 2, "ACCEPTED", "{\"receipt\":2}");
        Files.createDirectories(root.resolve(halfCreated.value()));
        Files.write(root.resolve(halfCreated.value()).resolve("data"), new byte[1]);

        try (FileUploadStore store = new FileUploadStore(root)) {
            assertTrue(store.recover().isEmpty());
            assertEquals(3, store.info(receiving).orElseThrow().offset());
            assertEquals(3, Files.size(store.dataFile(receiving)));
            assertEquals("a.cms", store.info(receiving).orElseThrow().metadata().get("filename").orElseThrow());
            assertEquals(UploadState.ACCEPTED, store.info(accepted).orElseThrow().state());
            assertEquals("{\"receipt\":2}", new String(((CompletionOutcome.Accepted) store.outcome(accepted)
                    .orElseThrow()).receiptJson()));
            assertTrue(store.info(halfCreated).isEmpty());
            for (UploadId id : List.of(receiving, accepted, halfCreated)) {
                assertFalse(Files.exists(root.resolve(id.value())), "old directory removed");
            }
        }
        try (FileUploadStore again = new FileUploadStore(root)) {
            assertEquals(2, again.list().size(), "the migration is not repeated");
        }
    }

    private void oldUpload(UploadId id, long length, long offset, String state, String result) throws Exception {
        Path directory = Files.createDirectories(root.resolve(id.value()));
        Files.write(directory.resolve("data"), new byte[(int) offset]);
        Files.writeString(directory.resolve("info.json"), "{\"id\":\"" + id.value() + "\",\"length\":" + length
                + ",\"metadata\":{\"filename\":\"a.cms\"},\"stationId\":\"station-1\",\"created\":\"" + NOW
                + "\",\"expires\":\"" + NOW.plusSeconds(60) + "\",\"offset\":" + offset + ",\"state\":\"" + state
                + "\"}");
        if (result != null) {
            Files.writeString(directory.resolve("result.json"), result);
        }
    }

    @Test
    void completeUploadWithoutOutcomeIsReportedByRecoveryAndOutcomeIsDurable() throws Exception {
        try (FileUploadStore store = new FileUploadStore(root)) {
            UploadInfo upload = created(store, 2);
            UploadInfo complete;
            try (UploadStore.ChunkWriter writer = store.beginChunk(upload)) {
                writer.write(ByteBuffer.wrap(new byte[2]));
                complete = writer.commit(NOW);
            }
            assertEquals(UploadState.AWAITING_OUTCOME, complete.state());
            assertEquals(List.of(upload.id()), store.recover().stream().map(UploadInfo::id).toList());
            store.recordOutcome(upload.id(), new CompletionOutcome.Rejected(Problem.of(422, "NOPE", "No", "no", null)));
            assertEquals(UploadState.REJECTED, store.info(upload.id()).orElseThrow().state());
            assertTrue(store.recover().isEmpty());
            CompletionOutcome outcome = store.outcome(upload.id()).orElseThrow();
            assertEquals("NOPE", ((CompletionOutcome.Rejected) outcome).problem().reason());
        }
    }

    @Test
    void expireKeepsTheRecordAndTerminateRemovesEverything() throws Exception {
        try (FileUploadStore store = new FileUploadStore(root)) {
            UploadInfo upload = created(store, 5);
            assertEquals(UploadState.EXPIRED, store.expire(upload.id()).state());
            assertFalse(Files.exists(store.dataFile(upload.id())));
            assertTrue(store.info(upload.id()).orElseThrow().isExpiredAt(NOW));
            assertTrue(store.terminate(upload.id()));
            assertTrue(store.info(upload.id()).isEmpty());
            assertFalse(store.terminate(upload.id()));
        }
    }

    @Test
    void uploadIdsAcceptOnlyTheirOwnForm() {
        assertTrue(UploadId.parse(UploadId.random().value()).isPresent());
        for (String bad : new String[] {"..", "../../etc/passwd", "AAAAAAAAAAAAAAAAAAAAA/", "AAAAAAAAAAAAAAAAAAAAA",
                "AAAAAAAAAAAAAAAAAAAAAAA", "%2e%2e", "", "AAAAAAAAAAAAAAAAAAAA.."}) {
            assertTrue(UploadId.parse(bad).isEmpty(), bad);
        }
    }
}
