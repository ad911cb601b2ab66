package dev.codebound.server.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.server.objects.FileObjectStore;
import dev.codebound.server.registry.AlreadyRecordedException;
import dev.codebound.server.registry.PhotoArchive;
import dev.codebound.server.registry.PhotoArchive.AcceptedPhoto;
import dev.codebound.server.registry.VersionTakenException;
import dev.codebound.server.upload.StoredObjectBytes;
import dev.codebound.server.upload.UploadBytes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared photo archive over a real PostgreSQL and a directory object store: envelopes adopted
 * by server-side copy, records found by every node, versions dense and unique per code whichever
 * nodes record them, and the same envelope recorded once when two nodes accept it at once.
 */
class PostgresPhotoArchiveTest {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();
    private static final Instant NOW = Instant.parse("2026-06-01T08:00:00Z");

    @TempDir
    Path directory;

    private Database database;
    private FileObjectStore objects;
    private PostgresPhotoArchive nodeA;
    private PostgresPhotoArchive nodeB;

    @BeforeEach
    void open() throws Exception {
        database = POSTGRES.newDatabase();
        SchemaMigrations.apply(database);
        objects = new FileObjectStore(directory.resolve("objects"));
        nodeA = new PostgresPhotoArchive(database, objects);
        nodeB = new PostgresPhotoArchive(database, new FileObjectStore(directory.resolve("objects")));
    }

    private static String sha(int n) {
        return HexFormat.of().formatHex(new byte[] {(byte) n}).repeat(32);
    }

    private static AcceptedPhoto photo(int n, String codeId, int version) {
        return new AcceptedPhoto(sha(n), 8, codeId, version, "station-1", "ab".repeat(32), "image/jpeg",
                NOW.minusSeconds(60), NOW.plusMillis(n), "receipt " + n);
    }

    private static UploadBytes bytes(String text) {
        byte[] content = text.getBytes(StandardCharsets.US_ASCII);
        return new UploadBytes() {
            @Override
            public long length() {
                return content.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(content);
            }
        };
    }

    @Test
    void anAdoptedAndRecordedEnvelopeIsFoundAndServedByEveryNode() throws Exception {
        objects.put("uploads/x/data", "envelope".getBytes(StandardCharsets.US_ASCII));
        nodeA.adopt(sha(1), new StoredObjectBytes(objects, "uploads/x/data", 8));
        // The upload's own object may go (expiry, termination): the archive holds a copy of its own.
        objects.delete("uploads/x/data");
        nodeA.record(photo(1, "C-1", 1)).join();

        assertEquals(photo(1, "C-1", 1), nodeB.find(sha(1)).orElseThrow());
        assertEquals(List.of(photo(1, "C-1", 1)), nodeB.versions("C-1"));
        try (InputStream envelope = nodeB.openEnvelope(sha(1))) {
            assertArrayEquals("envelope".getBytes(StandardCharsets.US_ASCII), envelope.readAllBytes());
        }
        assertEquals(2, nodeB.nextVersion("C-1"));
        assertTrue(nodeB.find(sha(2)).isEmpty());
    }

    @Test
    void bytesFromElsewhereAreStreamedIn() throws Exception {
        nodeA.adopt(sha(3), bytes("streamed"));
        try (InputStream envelope = nodeA.openEnvelope(sha(3))) {
            assertArrayEquals("streamed".getBytes(StandardCharsets.US_ASCII), envelope.readAllBytes());
        }
    }

    @Test
    void aRecordWithoutItsEnvelopeIsRefused() {
        CompletionException refused = assertThrows(CompletionException.class,
                () -> nodeA.record(photo(1, "C-1", 1)).join());
        assertTrue(refused.getCause() instanceof IOException);
    }

    @Test
    void aVersionAnotherNodeGaveMeanwhileIsRefusedAndTheNextOneTaken() throws Exception {
        nodeA.adopt(sha(1), bytes("first"));
        nodeB.adopt(sha(2), bytes("second"));
        assertEquals(1, nodeA.nextVersion("C-1"));
        assertEquals(1, nodeB.nextVersion("C-1"));
        nodeA.record(photo(1, "C-1", 1)).join();
        CompletionException taken = assertThrows(CompletionException.class,
                () -> nodeB.record(photo(2, "C-1", 1)).join());
        assertTrue(taken.getCause() instanceof VersionTakenException);
        nodeB.record(photo(2, "C-1", nodeB.nextVersion("C-1"))).join();
        assertEquals(List.of(1, 2), nodeA.versions("C-1").stream().map(AcceptedPhoto::version).toList());
    }

    @Test
    void theSameEnvelopeRecordedOnTwoNodesAtOnceAnswersBothWithTheFirstRecord() throws Exception {
        nodeA.adopt(sha(1), bytes("same"));
        nodeB.adopt(sha(1), bytes("same"));
        nodeA.record(photo(1, "C-1", 1)).join();
        AcceptedPhoto later = new AcceptedPhoto(sha(1), 8, "C-1", 1, "station-1", "ab".repeat(32), "image/jpeg",
                NOW.minusSeconds(60), NOW.plusSeconds(1), "the later node's receipt");
        CompletionException already = assertThrows(CompletionException.class, () -> nodeB.record(later).join());
        assertEquals(photo(1, "C-1", 1), ((AlreadyRecordedException) already.getCause()).recorded());
        assertEquals(1, nodeA.versions("C-1").size());
    }

    @Test
    void versionsStayDenseAndUniqueWhenTwoNodesRecordOneCodeConcurrently() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> records = new ArrayList<>();
            for (int n = 1; n <= 24; n++) {
                PhotoArchive node = n % 2 == 0 ? nodeA : nodeB;
                int envelope = n;
                records.add(threads.submit(() -> {
                    node.adopt(sha(envelope), bytes("envelope " + envelope));
                    // What each node's sequencer does on a refusal: sign again with the next version.
                    while (true) {
                        try {
                            node.record(photo(envelope, "C-RETAKES", node.nextVersion("C-RETAKES"))).join();
                            return null;
                        } catch (CompletionException e) {
                            if (!(e.getCause() instanceof VersionTakenException)) {
                                throw e;
                            }
                        }
                    }
                }));
            }
            for (Future<?> record : records) {
                record.get();
            }
        } finally {
            threads.shutdown();
        }
        List<Integer> versions = nodeB.versions("C-RETAKES").stream().map(AcceptedPhoto::version).toList();
        List<Integer> dense = new ArrayList<>();
        for (int v = 1; v <= 24; v++) {
            dense.add(v);
        }
        assertEquals(dense, versions);
    }

    @Test
    void recordsQueuedWhileAWriteCommitsAreWrittenTogetherInOneTransaction() throws Exception {
        for (int n = 0; n <= 5; n++) {
            nodeA.adopt(sha(n), bytes("envelope " + n));
        }
        CompletableFuture<Void> first;
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        // Another session holds the first record's code, so its write waits while the others queue behind it.
        try (Connection other = database.connect()) {
            other.setAutoCommit(true);
            try (PreparedStatement hold = other.prepareStatement("SELECT pg_advisory_lock(?)")) {
                hold.setLong(1, PostgresPhotoArchive.codeLock("C-0"));
                hold.execute();
            }
            first = nodeA.record(photo(0, "C-0", 1));
            for (int n = 1; n <= 5; n++) {
                queued.add(nodeA.record(photo(n, "C-" + n, nodeA.nextVersion("C-" + n))));
            }
            // A retake queued behind its code's first version gets the next one, before either is written.
            nodeA.adopt(sha(6), bytes("retake"));
            assertEquals(2, nodeA.nextVersion("C-5"));
            queued.add(nodeA.record(photo(6, "C-5", 2)));
            assertTrue(queued.stream().noneMatch(CompletableFuture::isDone), "nothing answered before its commit");
            try (PreparedStatement release = other.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                release.setLong(1, PostgresPhotoArchive.codeLock("C-0"));
                release.execute();
            }
        }
        first.join();
        queued.forEach(CompletableFuture::join);
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                ResultSet transactions = statement.executeQuery(
                        "SELECT count(DISTINCT xmin::text) FROM photos WHERE code_id <> 'C-0'")) {
            transactions.next();
            assertEquals(1, transactions.getLong(1), "the six records queued together committed together");
        }
        assertEquals(List.of(1, 2), nodeB.versions("C-5").stream().map(AcceptedPhoto::version).toList());
    }

    @Test
    void aRecordRefusedInABatchLeavesTheBatchsOtherRecordsWritten() throws Exception {
        nodeA.adopt(sha(1), bytes("first"));
        nodeB.adopt(sha(2), bytes("second"));
        nodeB.adopt(sha(3), bytes("third"));
        nodeA.record(photo(1, "C-1", 1)).join();
        CompletableFuture<Void> taken = nodeB.record(photo(2, "C-1", 1));
        CompletableFuture<Void> other = nodeB.record(photo(3, "C-3", 1));
        CompletionException refused = assertThrows(CompletionException.class, taken::join);
        assertTrue(refused.getCause() instanceof VersionTakenException, refused.toString());
        other.join();
        assertEquals(photo(3, "C-3", 1), nodeA.find(sha(3)).orElseThrow());
        assertEquals(2, nodeB.nextVersion("C-1"), "a refused version is not counted as queued");
    }
}
