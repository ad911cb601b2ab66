package dev.codebound.server.upload;

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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store's contract: commits are durable records, everything else is cut back on recovery. */
class FileUploadStoreTest {
    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");

    @TempDir
    Path root;

    private UploadInfo created(FileUploadStore store, long length) throws Exception {
        return store.create(length, UploadMetadata.empty().with("filename", "a.cms"), "station-1", NOW,
                NOW.plusSeconds(60));
    }

    @Test
    void committedChunkIsRecordedAndUncommittedOneIsDiscarded() throws Exception {
        FileUploadStore store = new FileUploadStore(root);
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

    @Test
    void writerRefusesBytesPastTheLength() throws Exception {
        FileUploadStore store = new FileUploadStore(root);
        UploadInfo upload = created(store, 2);
        try (UploadStore.ChunkWriter writer = store.beginChunk(upload)) {
            assertThrows(IllegalArgumentException.class, () -> writer.write(ByteBuffer.wrap(new byte[3])));
        }
    }

    @Test
    void recoveryCutsUnacknowledgedBytesAndDropsHalfCreatedUploads() throws Exception {
        FileUploadStore store = new FileUploadStore(root);
        UploadInfo upload = created(store, 10);
        try (UploadStore.ChunkWriter writer = store.beginChunk(upload)) {
            writer.write(ByteBuffer.wrap(new byte[4]));
            writer.commit(NOW.plusSeconds(60));
        }
        // As a crash mid-chunk leaves it: bytes past the recorded offset.
        Files.write(store.dataFile(upload.id()), new byte[3], StandardOpenOption.APPEND);
        // As a crash inside create() leaves it: a directory without a record.
        UploadId orphan = UploadId.random();
        Files.createDirectories(root.resolve(orphan.value()));
        Files.createFile(root.resolve(orphan.value()).resolve("data"));
        Files.writeString(root.resolve(upload.id().value()).resolve(".info.json.0123456789ab.tmp"), "{");

        List<UploadInfo> awaiting = new FileUploadStore(root).recover();
        assertTrue(awaiting.isEmpty());
        assertEquals(4, Files.size(store.dataFile(upload.id())));
        assertFalse(Files.exists(root.resolve(orphan.value())));
        assertFalse(Files.exists(root.resolve(upload.id().value()).resolve(".info.json.0123456789ab.tmp")));
        assertEquals(List.of(upload.id()), store.list().stream().map(UploadInfo::id).toList());
    }

    @Test
    void completeUploadWithoutOutcomeIsReportedByRecoveryAndOutcomeIsDurable() throws Exception {
        FileUploadStore store = new FileUploadStore(root);
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

    @Test
    void expireKeepsTheRecordAndTerminateRemovesEverything() throws Exception {
        FileUploadStore store = new FileUploadStore(root);
        UploadInfo upload = created(store, 5);
        assertEquals(UploadState.EXPIRED, store.expire(upload.id()).state());
        assertFalse(Files.exists(store.dataFile(upload.id())));
        assertTrue(store.info(upload.id()).orElseThrow().isExpiredAt(NOW));
        assertTrue(store.terminate(upload.id()));
        assertTrue(store.info(upload.id()).isEmpty());
        assertFalse(store.terminate(upload.id()));
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
