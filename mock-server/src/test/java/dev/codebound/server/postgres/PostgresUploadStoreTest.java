package dev.codebound.server.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.objects.FileObjectStore;
import dev.codebound.server.objects.ObjectStore;
import dev.codebound.server.upload.CompletionOutcome;
import dev.codebound.server.upload.UploadId;
import dev.codebound.server.upload.UploadInfo;
import dev.codebound.server.upload.UploadLocker;
import dev.codebound.server.upload.UploadState;
import dev.codebound.server.upload.UploadStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared upload store against a real PostgreSQL and a directory object store: the behaviour
 * the embedded store's tests check, chunks as multipart parts with an incomplete part, fencing of a
 * holder that lost its lock, and every crash point repaired by {@code recover()}.
 */
class PostgresUploadStoreTest {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
    /** Small parts, so that a few bytes exercise parts and the incomplete part. */
    private static final long MINIMUM_PART = 8;

    @TempDir
    Path directory;

    private Database database;
    private FileObjectStore objects;
    private PostgresUploadLocker locker;
    private PostgresUploadStore store;

    @BeforeEach
    void open() throws Exception {
        database = POSTGRES.newDatabase();
        SchemaMigrations.apply(database);
        objects = new FileObjectStore(directory.resolve("objects"), MINIMUM_PART);
        locker = new PostgresUploadLocker(database);
        store = new PostgresUploadStore(database, objects, locker, directory.resolve("spool-a"));
    }

    private UploadInfo created(long length) throws IOException {
        return store.create(length, UploadMetadata.empty().with("filename", "a.cms"), "station-1", NOW,
                NOW.plusSeconds(60));
    }

    /** One PATCH as the server runs it: lock, write, commit, release. */
    private static UploadInfo send(UploadStore on, UploadLocker lockedBy, UploadId id, byte[] chunk)
            throws IOException {
        try (UploadLocker.Lock lock = lockedBy.tryLock(id).orElseThrow();
                UploadStore.ChunkWriter writer = on.beginChunk(on.info(id).orElseThrow())) {
            writer.write(ByteBuffer.wrap(chunk));
            return writer.commit(NOW.plusSeconds(120));
        }
    }

    private byte[] stored(UploadInfo upload) throws IOException {
        return store.bytes(store.info(upload.id()).orElseThrow()).readAll();
    }

    private static byte[] range(int from, int to) {
        byte[] bytes = new byte[to - from];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (from + i);
        }
        return bytes;
    }

    // What the embedded store's tests check

    @Test
    void committedChunkIsRecordedAndUncommittedOneIsDiscarded() throws Exception {
        UploadInfo upload = created(10);
        UploadInfo first = send(store, locker, upload.id(), range(0, 3));
        assertEquals(3, first.offset());
        assertEquals(NOW.plusSeconds(120), store.info(upload.id()).orElseThrow().expires());
        try (UploadLocker.Lock lock = locker.tryLock(upload.id()).orElseThrow();
                UploadStore.ChunkWriter writer = store.beginChunk(first)) {
            writer.write(ByteBuffer.wrap(range(3, 5)));
        }
        UploadInfo after = store.info(upload.id()).orElseThrow();
        assertEquals(3, after.offset());
        assertEquals("a.cms", after.metadata().get("filename").orElseThrow());
        assertEquals("station-1", after.stationId());
        assertEquals(upload.created(), after.created(), "the created record reads back as it was handed out");
    }

    @Test
    void writerRefusesBytesPastTheLength() throws Exception {
        UploadInfo upload = created(2);
        try (UploadLocker.Lock lock = locker.tryLock(upload.id()).orElseThrow();
                UploadStore.ChunkWriter writer = store.beginChunk(upload)) {
            assertThrows(IllegalArgumentException.class, () -> writer.write(ByteBuffer.wrap(new byte[3])));
        }
    }

    @Test
    void outcomeIsRecordedAndExpireKeepsTheRecordAndTerminateRemovesEverything() throws Exception {
        UploadInfo done = created(4);
        send(store, locker, done.id(), range(0, 4));
        assertEquals(UploadState.AWAITING_OUTCOME, store.info(done.id()).orElseThrow().state());
        assertEquals(Optional.empty(), store.outcome(done.id()));
        store.recordOutcome(done.id(), new CompletionOutcome.Accepted("{\"receipt\":1}".getBytes()));
        assertEquals(UploadState.ACCEPTED, store.info(done.id()).orElseThrow().state());
        assertArrayEquals("{\"receipt\":1}".getBytes(),
                ((CompletionOutcome.Accepted) store.outcome(done.id()).orElseThrow()).receiptJson());

        UploadInfo refused = created(1);
        send(store, locker, refused.id(), range(0, 1));
        Problem problem = Problem.of(422, "CODE_UNKNOWN", "Refused", "no such code", "/files/x");
        store.recordOutcome(refused.id(), new CompletionOutcome.Rejected(problem));
        assertEquals("CODE_UNKNOWN",
                ((CompletionOutcome.Rejected) store.outcome(refused.id()).orElseThrow()).problem().reason());

        UploadInfo unfinished = created(10);
        send(store, locker, unfinished.id(), range(0, 3));
        assertEquals(UploadState.EXPIRED, store.expire(unfinished.id()).state());
        assertEquals(UploadState.EXPIRED, store.info(unfinished.id()).orElseThrow().state());
        assertEquals(List.of(), objects.list("uploads/" + unfinished.id().value() + "/"));

        assertTrue(store.terminate(done.id()));
        assertFalse(store.terminate(done.id()));
        assertEquals(Optional.empty(), store.info(done.id()));
        assertEquals(List.of(), objects.list("uploads/" + done.id().value() + "/"));
        assertEquals(2, store.list().size());
    }

    // Chunks as multipart parts

    @Test
    void smallChunksWaitAsAnIncompletePartAndTheFinishedObjectIsServed() throws Exception {
        UploadInfo upload = created(20);
        String prefix = "uploads/" + upload.id().value() + "/";
        send(store, locker, upload.id(), range(0, 3));
        send(store, locker, upload.id(), range(3, 6));
        assertEquals(1, objects.list(prefix + "incomplete-").size(), "6 bytes wait as one incomplete part");
        send(store, locker, upload.id(), range(6, 11));
        assertEquals(List.of(), objects.list(prefix + "incomplete-"), "11 bytes make part 1");
        UploadInfo last = send(store, locker, upload.id(), range(11, 20));
        assertEquals(UploadState.AWAITING_OUTCOME, last.state());
        assertArrayEquals(range(0, 20), stored(upload));
        assertEquals(List.of(prefix + "data"), objects.list(prefix));
        assertEquals(List.of(11L, 9L), partLengths(upload.id()));
    }

    @Test
    void anUploadBegunOnOneNodeIsFinishedOnAnother() throws Exception {
        PostgresUploadLocker otherLocker = new PostgresUploadLocker(database);
        PostgresUploadStore otherNode = new PostgresUploadStore(database,
                new FileObjectStore(directory.resolve("objects"), MINIMUM_PART), otherLocker,
                directory.resolve("spool-b"));
        UploadInfo upload = created(30);
        send(store, locker, upload.id(), range(0, 12));
        send(store, locker, upload.id(), range(12, 15));
        assertEquals(15, otherNode.info(upload.id()).orElseThrow().offset());
        send(otherNode, otherLocker, upload.id(), range(15, 30));
        assertArrayEquals(range(0, 30), stored(upload));
    }

    // Fencing

    @Test
    void aHolderWhoseLockSessionDiedCannotCommitAndTheNextHolderResumes() throws Exception {
        UploadInfo upload = created(10);
        PostgresUploadLocker otherLocker = new PostgresUploadLocker(database);
        PostgresUploadStore otherNode = new PostgresUploadStore(database, objects, otherLocker,
                directory.resolve("spool-b"));
        UploadLocker.Lock lost = locker.tryLock(upload.id()).orElseThrow();
        try (UploadStore.ChunkWriter writer = store.beginChunk(upload)) {
            writer.write(ByteBuffer.wrap(range(0, 5)));
            terminateLockSessions();
            // The next holder takes the lock and commits first.
            send(otherNode, otherLocker, upload.id(), range(0, 5));
            assertThrows(IOException.class, () -> writer.commit(NOW.plusSeconds(120)));
        } finally {
            lost.close();
        }
        assertEquals(5, store.info(upload.id()).orElseThrow().offset());
        send(store, locker, upload.id(), range(5, 10));
        assertArrayEquals(range(0, 10), stored(upload));
    }

    @Test
    void aHolderWhoseLockSessionDiedCannotCommitEvenWhenNobodyElseWrote() throws Exception {
        UploadInfo upload = created(10);
        try (UploadLocker.Lock lost = locker.tryLock(upload.id()).orElseThrow();
                UploadStore.ChunkWriter writer = store.beginChunk(upload)) {
            writer.write(ByteBuffer.wrap(range(0, 5)));
            terminateLockSessions();
            assertThrows(IOException.class, () -> writer.commit(NOW.plusSeconds(120)));
        }
        assertEquals(0, store.info(upload.id()).orElseThrow().offset());
    }

    @Test
    void aChunkBegunAtAnOffsetThatMovedOnIsNotRecorded() throws Exception {
        UploadInfo upload = created(10);
        try (UploadLocker.Lock lock = locker.tryLock(upload.id()).orElseThrow();
                UploadStore.ChunkWriter stale = store.beginChunk(upload)) {
            try (UploadStore.ChunkWriter first = store.beginChunk(upload)) {
                first.write(ByteBuffer.wrap(range(0, 4)));
                first.commit(NOW.plusSeconds(120));
            }
            stale.write(ByteBuffer.wrap(range(100, 104)));
            assertThrows(IOException.class, () -> stale.commit(NOW.plusSeconds(120)));
        }
        send(store, locker, upload.id(), range(4, 10));
        assertArrayEquals(range(0, 10), stored(upload));
    }

    @Test
    void onlyTheHolderOfTheLockCommits() throws Exception {
        UploadInfo upload = created(10);
        try (UploadStore.ChunkWriter writer = store.beginChunk(upload)) {
            writer.write(ByteBuffer.wrap(range(0, 5)));
            assertThrows(IllegalStateException.class, () -> writer.commit(NOW.plusSeconds(120)));
        }
        assertEquals(0, store.info(upload.id()).orElseThrow().offset());
    }

    // Crash points

    @Test
    void aPartUploadedButNeverRecordedIsReplacedByTheNextChunk() throws Exception {
        UploadInfo upload = created(20);
        send(store, locker, upload.id(), range(0, 9));
        // A crash after part 2 was stored and before its record committed.
        objects.uploadPart(PostgresUploadStore.dataKey(upload.id()), multipartId(upload.id()), 2,
                new ByteArrayInputStream(new byte[11]), 11);
        assertTrue(store.recover().isEmpty());
        send(store, locker, upload.id(), range(9, 20));
        assertArrayEquals(range(0, 20), stored(upload));
    }

    @Test
    void anIncompletePartNeverRecordedIsDeletedAndTheRecordedOneKept() throws Exception {
        UploadInfo upload = created(20);
        String prefix = "uploads/" + upload.id().value() + "/";
        send(store, locker, upload.id(), range(0, 3));
        String recorded = objects.list(prefix + "incomplete-").get(0);
        // A crash after the next incomplete part was stored and before its record committed.
        objects.put(prefix + "incomplete-000000000000000000000000", range(0, 6));
        store.recover();
        assertEquals(List.of(recorded), objects.list(prefix + "incomplete-"));
        send(store, locker, upload.id(), range(3, 20));
        assertArrayEquals(range(0, 20), stored(upload));
    }

    @Test
    void anUploadRecordedCompleteWhoseObjectWasNeverCompletedIsCompletedByRecovery() throws Exception {
        UploadInfo upload = created(12);
        send(store, locker, upload.id(), range(0, 8));
        PostgresUploadStore crashing = new PostgresUploadStore(database, new FailingCompletion(objects), locker,
                directory.resolve("spool-a"));
        assertThrows(IOException.class, () -> send(crashing, locker, upload.id(), range(8, 12)));
        assertEquals(UploadState.AWAITING_OUTCOME, store.info(upload.id()).orElseThrow().state());
        assertEquals(Optional.empty(), objects.length(PostgresUploadStore.dataKey(upload.id())));

        List<UploadInfo> awaiting = store.recover();
        assertEquals(List.of(upload.id()), awaiting.stream().map(UploadInfo::id).toList());
        assertArrayEquals(range(0, 12), stored(upload));
    }

    @Test
    void anExpiryOrTerminationCutShortIsFinishedByRecovery() throws Exception {
        UploadInfo expiring = created(10);
        send(store, locker, expiring.id(), range(0, 3));
        UploadInfo terminating = created(10);
        send(store, locker, terminating.id(), range(0, 9));
        // Crashes after each record committed and before any byte was deleted.
        sql("UPDATE uploads SET state = 'EXPIRED', incomplete_key = NULL WHERE upload_id = '"
                + expiring.id().value() + "'");
        sql("UPDATE uploads SET removing = true WHERE upload_id = '" + terminating.id().value() + "'");
        assertEquals(Optional.empty(), store.info(terminating.id()), "a termination once marked has happened");

        store.recover();
        assertEquals(List.of(), objects.list("uploads/"));
        assertEquals(List.of(expiring.id()), store.list().stream().map(UploadInfo::id).toList());
        assertEquals(0, count("SELECT count(*) FROM uploads WHERE removing"));
    }

    @Test
    void recoveryLeavesAnUploadAnotherNodeHoldsAlone() throws Exception {
        UploadInfo upload = created(20);
        send(store, locker, upload.id(), range(0, 3));
        String prefix = "uploads/" + upload.id().value() + "/";
        try (UploadLocker.Lock writing = new PostgresUploadLocker(database).tryLock(upload.id()).orElseThrow()) {
            // The other node's next incomplete part, stored and about to be recorded.
            objects.put(prefix + "incomplete-111111111111111111111111", range(0, 6));
            store.recover();
            assertEquals(2, objects.list(prefix + "incomplete-").size());
        }
    }

    private void terminateLockSessions() throws Exception {
        // What a broken connection or kill -9 of the holder does to its session: the database ends it, and the
        // timeout waits until the session is gone with its locks, not only signalled.
        sql("SELECT pg_terminate_backend(pid, 10000) FROM pg_locks WHERE locktype = 'advisory' "
                + "AND pid <> pg_backend_pid()");
    }

    private void sql(String statement) throws Exception {
        try (Connection connection = database.connect(); Statement run = connection.createStatement()) {
            run.execute(statement);
            connection.commit();
        }
    }

    private long count(String query) throws Exception {
        try (Connection connection = database.connect(); Statement run = connection.createStatement();
                ResultSet row = run.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }

    private String multipartId(UploadId id) throws Exception {
        try (Connection connection = database.connect(); PreparedStatement select = connection.prepareStatement(
                "SELECT multipart_id FROM uploads WHERE upload_id = ?")) {
            select.setString(1, id.value());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    private List<Long> partLengths(UploadId id) throws Exception {
        try (Connection connection = database.connect(); PreparedStatement select = connection.prepareStatement(
                "SELECT length FROM upload_parts WHERE upload_id = ? ORDER BY part_number")) {
            select.setString(1, id.value());
            try (ResultSet rows = select.executeQuery()) {
                List<Long> lengths = new ArrayList<>();
                while (rows.next()) {
                    lengths.add(rows.getLong(1));
                }
                return lengths;
            }
        }
    }

    /** An object store whose multipart completion fails: the crash between the record and the completion. */
    private record FailingCompletion(ObjectStore store) implements ObjectStore {
        @Override
        public void completeMultipart(String key, String uploadId, List<Part> parts) throws IOException {
            throw new IOException("the node died before completing " + key);
        }

        @Override
        public void put(String key, byte[] bytes) throws IOException {
            store.put(key, bytes);
        }

        @Override
        public void put(String key, InputStream content, long length) throws IOException {
            store.put(key, content, length);
        }

        @Override
        public InputStream open(String key) throws IOException {
            return store.open(key);
        }

        @Override
        public Optional<Long> length(String key) throws IOException {
            return store.length(key);
        }

        @Override
        public void copy(String from, String to) throws IOException {
            store.copy(from, to);
        }

        @Override
        public void delete(String key) throws IOException {
            store.delete(key);
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            return store.list(prefix);
        }

        @Override
        public long minimumPartSize() {
            return store.minimumPartSize();
        }

        @Override
        public String beginMultipart(String key) throws IOException {
            return store.beginMultipart(key);
        }

        @Override
        public Part uploadPart(String key, String uploadId, int partNumber, InputStream content, long length)
                throws IOException {
            return store.uploadPart(key, uploadId, partNumber, content, length);
        }

        @Override
        public void abortMultipart(String key, String uploadId) throws IOException {
            store.abortMultipart(key, uploadId);
        }

        @Override
        public void close() throws IOException {
            store.close();
        }
    }
}
