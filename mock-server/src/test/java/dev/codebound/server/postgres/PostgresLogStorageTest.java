package dev.codebound.server.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.log.ConsistencyProof;
import dev.codebound.protocol.log.InclusionProof;
import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.log.LogOrigins;
import dev.codebound.protocol.log.MerkleTree;
import dev.codebound.protocol.log.NoteSigner;
import dev.codebound.protocol.log.NoteVerifier;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.wire.LogInclusion;
import dev.codebound.server.transparency.AlreadyLoggedException;
import dev.codebound.server.transparency.LogStorage;
import dev.codebound.server.transparency.TransparencyLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The transparency log in PostgreSQL: durable, one log for several nodes, checkpoints never going back. */
class PostgresLogStorageTest {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();
    private static final Duration NEVER_ON_ITS_OWN = Duration.ofDays(1);
    private static final Instant NOW = Instant.parse("2026-06-01T08:00:00Z");

    private Database database;

    @BeforeEach
    void migrate() throws Exception {
        database = POSTGRES.newDatabase();
        SchemaMigrations.apply(database);
    }

    @Test
    void appendsSurviveReopeningWithTheTreeStationsCompute() throws Exception {
        List<LogEntry> all = entries(0, 25);
        try (PostgresLogStorage log = PostgresLogStorage.open(database, NEVER_ON_ITS_OWN)) {
            assertEquals(0, log.append(all.subList(0, 10)));
            assertEquals(10, log.append(all.subList(10, 25)));
        }
        try (PostgresLogStorage reopened = PostgresLogStorage.open(database, NEVER_ON_ITS_OWN)) {
            assertEquals(25, reopened.size());
            assertArrayEquals(treeOf(all).rootHash(), reopened.rootHash(25));
            assertEquals(all.get(17), reopened.entry(17));
            assertEquals(OptionalLong.of(17), reopened.indexOf(all.get(17).envelopeSha256()));
            assertEquals(OptionalLong.empty(), reopened.indexOf(sample(99).envelopeSha256()));
            reopened.inclusionProof(17, 25).verify(all.get(17).leafHash(), treeOf(all).rootHash());
        }
    }

    @Test
    void nodesAppendingAtOnceWriteOneDenseLog() throws Exception {
        PostgresLogStorage first = PostgresLogStorage.open(database, NEVER_ON_ITS_OWN);
        PostgresLogStorage second = PostgresLogStorage.open(database, NEVER_ON_ITS_OWN);
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            Future<List<Long>> fromFirst = nodes.submit(() -> appendBatches(first, 0));
            Future<List<Long>> fromSecond = nodes.submit(() -> appendBatches(second, 1_000));
            List<Long> starts = new ArrayList<>(fromFirst.get());
            starts.addAll(fromSecond.get());
            starts.sort(null);
            for (int i = 0; i < starts.size(); i++) {
                assertEquals(4L * i, starts.get(i), "batches follow one another without gaps or overlap");
            }
        } finally {
            nodes.shutdownNow();
        }
        second.refresh();
        first.refresh();
        assertEquals(80, first.size());
        assertEquals(80, second.size());
        assertArrayEquals(first.rootHash(80), second.rootHash(80), "both nodes see one log");
        List<LogEntry> logged = new ArrayList<>();
        for (long i = 0; i < 80; i++) {
            logged.add(first.entry(i));
        }
        assertArrayEquals(treeOf(logged).rootHash(), second.rootHash(80));
    }

    @Test
    void anEnvelopeIsNeverLoggedTwiceWhicheverNodeTries() throws Exception {
        PostgresLogStorage first = PostgresLogStorage.open(database, NEVER_ON_ITS_OWN);
        PostgresLogStorage second = PostgresLogStorage.open(database, NEVER_ON_ITS_OWN);
        first.append(List.of(sample(1)));
        assertThrows(AlreadyLoggedException.class, () -> second.append(List.of(sample(2), sample(1))));
        assertEquals(1, PostgresLogStorage.open(database, NEVER_ON_ITS_OWN).size(), "the batch left nothing behind");
        assertEquals(1, second.append(List.of(sample(2))),
                "losing the race is no storage failure: the node keeps appending");
    }

    /**
     * Regression: two nodes accepting the same envelope at once both found it missing, the slower
     * one's append then failed on the unique key, and that node refused every later append until
     * restarted. Now the slower node reuses the other's entry and goes on.
     */
    @Test
    void theNodeThatLosesTheRaceToLogAnEnvelopeReusesTheEntryAndKeepsAppending() throws Exception {
        RegistryKeyring keyring = RegistryKeyring.generate("Two Node Registry", NOW.minus(Duration.ofDays(1)),
                Duration.ofDays(3650));
        PostgresLogStorage winnerStorage = PostgresLogStorage.open(database, NEVER_ON_ITS_OWN);
        PostgresLogStorage loserStorage = PostgresLogStorage.open(database, NEVER_ON_ITS_OWN);
        try (TransparencyLog winner = TransparencyLog.open(winnerStorage, keyring);
                TransparencyLog loser = TransparencyLog.open(new LateLookup(loserStorage, () -> {
                    winner.append(sample(7));
                    return null;
                }), keyring)) {
            LogInclusion reused = loser.append(sample(7));
            assertEquals(0, reused.leafIndex(), "the winner's entry, not a second one");
            assertEquals(1, loser.append(sample(8)).leafIndex(), "the loser keeps appending");
            assertEquals(2, winnerStorage.append(List.of(sample(9))));
        }
    }

    /** A storage whose first lookup misses an envelope that the other node logs right after it. */
    private static final class LateLookup implements LogStorage {
        private final LogStorage storage;
        private Callable<Void> otherNode;

        LateLookup(LogStorage storage, Callable<Void> otherNode) {
            this.storage = storage;
            this.otherNode = otherNode;
        }

        @Override
        public OptionalLong indexOf(byte[] envelopeSha256) throws IOException {
            OptionalLong found = storage.indexOf(envelopeSha256);
            if (otherNode != null) {
                try {
                    otherNode.call();
                } catch (Exception e) {
                    throw new IOException(e);
                }
                otherNode = null;
            }
            return found;
        }

        @Override
        public long append(List<LogEntry> entries) throws IOException {
            return storage.append(entries);
        }

        @Override
        public long size() {
            return storage.size();
        }

        @Override
        public LogEntry entry(long index) throws IOException {
            return storage.entry(index);
        }

        @Override
        public byte[] rootHash(long treeSize) {
            return storage.rootHash(treeSize);
        }

        @Override
        public InclusionProof inclusionProof(long leafIndex, long treeSize) {
            return storage.inclusionProof(leafIndex, treeSize);
        }

        @Override
        public ConsistencyProof consistencyProof(long oldSize, long newSize) {
            return storage.consistencyProof(oldSize, newSize);
        }

        @Override
        public Optional<String> checkpoint() throws IOException {
            return storage.checkpoint();
        }

        @Override
        public void storeCheckpoint(String note) throws IOException {
            storage.storeCheckpoint(note);
        }

        @Override
        public void close() throws IOException {
            storage.close();
        }
    }

    @Test
    void theCheckpointOfTheLargestTreeIsKept() throws Exception {
        PostgresLogStorage log = PostgresLogStorage.open(database, NEVER_ON_ITS_OWN);
        log.storeCheckpoint("origin\n5\nroot5\n\n— sig\n");
        log.storeCheckpoint("origin\n3\nroot3\n\n— sig\n");
        assertEquals("origin\n5\nroot5\n\n— sig\n", log.checkpoint().orElseThrow());
        log.storeCheckpoint("origin\n6\nroot6\n\n— sig\n");
        assertEquals("origin\n6\nroot6\n\n— sig\n", log.checkpoint().orElseThrow());
    }

    @Test
    void receiptsFromEitherNodeVerifyAgainstTheirSignedCheckpoints() throws Exception {
        RegistryKeyring keyring = RegistryKeyring.generate("Two Node Registry", NOW.minus(Duration.ofDays(1)),
                Duration.ofDays(3650));
        String origin = LogOrigins.forRegistry(keyring.registryName());
        NoteVerifier verifier = new NoteSigner(origin, keyring.receiptSigning().privateKey(),
                keyring.receiptSigning().certificate().getPublicKey()).verifier();
        try (TransparencyLog first = TransparencyLog.open(PostgresLogStorage.open(database, NEVER_ON_ITS_OWN),
                keyring);
                TransparencyLog second = TransparencyLog.open(PostgresLogStorage.open(database, NEVER_ON_ITS_OWN),
                        keyring)) {
            List<LogInclusion> receipts = new ArrayList<>();
            List<LogEntry> logged = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                LogEntry entry = sample(i);
                receipts.add((i % 2 == 0 ? first : second).append(entry));
                logged.add(entry);
            }
            for (int i = 0; i < 6; i++) {
                LogInclusion receipt = receipts.get(i);
                assertEquals(i, receipt.leafIndex(), "one log: indexes in acceptance order across nodes");
                Checkpoint checkpoint = Checkpoint.verify(receipt.checkpoint(), verifier, origin);
                assertEquals(receipt.treeSize(), checkpoint.size());
                new InclusionProof(receipt.leafIndex(), receipt.treeSize(), receipt.proof())
                        .verify(logged.get(i).leafHash(), checkpoint.rootHash());
            }
            assertEquals(0, first.append(sample(0)).leafIndex(), "an envelope already logged keeps its entry");
            LogInclusion loggedByTheOther = first.append(sample(5));
            assertEquals(5, loggedByTheOther.leafIndex(), "found even when the other node logged it");
            Checkpoint checkpoint = Checkpoint.verify(loggedByTheOther.checkpoint(), verifier, origin);
            new InclusionProof(5, loggedByTheOther.treeSize(), loggedByTheOther.proof())
                    .verify(sample(5).leafHash(), checkpoint.rootHash());
        }
    }

    private static List<Long> appendBatches(PostgresLogStorage log, int offset) throws IOException {
        List<Long> starts = new ArrayList<>();
        for (int batch = 0; batch < 10; batch++) {
            starts.add(log.append(entries(offset + batch * 4, offset + batch * 4 + 4)));
        }
        return starts;
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
            byte[] sha = MessageDigest.getInstance("SHA-256")
                    .digest(("envelope " + n).getBytes(StandardCharsets.UTF_8));
            return new LogEntry(sha, "C-" + n, "station-" + (n % 7), NOW.plusMillis(n));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static MerkleTree treeOf(List<LogEntry> entries) {
        MerkleTree tree = new MerkleTree();
        entries.forEach(entry -> tree.append(entry.leafHash()));
        return tree;
    }
}
