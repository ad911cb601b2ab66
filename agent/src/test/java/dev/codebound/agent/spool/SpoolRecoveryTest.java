package dev.codebound.agent.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.testing.Envelopes;
import dev.codebound.agent.testing.FakeTime;
import dev.codebound.protocol.wire.Problem;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulates a crash at each point between the spool's writes by building the on-disk state that
 * crash would leave (the journal and the envelope files), then reopens the spool and checks the
 * repair.
 */
class SpoolRecoveryTest {
    @TempDir
    Path temp;

    private final FakeTime time = new FakeTime(Instant.parse("2026-06-01T23:00:00Z"));
    private Path root;
    private String id;

    @BeforeEach
    void spoolOneEntry() throws IOException {
        root = temp.resolve("spool");
        try (Spool spool = Spool.open(root, time.clock())) {
            id = spool.enqueue(Envelopes.write(temp, "x.cms", 4_000, 99), "code-1", "station-1", "x.cms").id();
        }
    }

    private Spool reopen() throws IOException {
        return Spool.open(root, time.clock());
    }

    private Path envelopes() {
        return root.resolve(Spool.ENVELOPES);
    }

    @Test
    void killedWhileSealingLeavesNothingBehind() throws IOException {
        Files.write(envelopes().resolve(".0123456789abcdef" + Spool.PARTIAL_SUFFIX), new byte[] {0x30, 1, 2});
        try (Spool spool = reopen()) {
            assertEquals(0, SpoolTest.countPartials(root));
            assertEquals(1, spool.entries().size());
            assertTrue(spool.recoveryReport().repairs().isEmpty(), "a half-sealed file is no news");
        }
    }

    @Test
    void killedBetweenSealAndCommitRemovesTheEnvelopeNobodyRecorded() throws IOException {
        byte[] sealed = Envelopes.bytes(5_000, 7);
        String orphan = Envelopes.sha256Hex(sealed);
        // What a kill after the rename into envelopes/ and before the entry's record leaves.
        Files.write(envelopes().resolve(orphan + Spool.ENVELOPE_SUFFIX), sealed);
        try (Spool spool = reopen()) {
            assertFalse(Files.exists(spool.envelopeFile(orphan)));
            assertEquals(List.of(id), spool.entries().stream().map(SpoolEntry::id).toList());
            RecoveryReport.Repair repair = spool.recoveryReport().repairs().get(0);
            assertEquals(orphan, repair.entryId());
            assertFalse(repair.corruption(), "an interrupted capture is not corruption");
        }
    }

    @Test
    void aTornJournalTailIsCutAndTheStateBeforeItStands() throws IOException {
        try (Spool spool = reopen()) {
            spool.markCreated(id, "http://127.0.0.1/files/41", 0);
        }
        long intact = Files.size(root.resolve(Spool.JOURNAL));
        // Half of a record: a length that promises more bytes than follow, as a kill mid-write leaves.
        Files.write(root.resolve(Spool.JOURNAL), new byte[] {0, 0, 1, 0, 0x12, 0x34, 0x56, 0x78, '{', '"'},
                StandardOpenOption.APPEND);
        try (Spool spool = reopen()) {
            SpoolEntry entry = spool.entry(id).orElseThrow();
            assertEquals(EntryState.CREATED, entry.state());
            assertEquals("http://127.0.0.1/files/41", entry.uploadUrl());
        }
        assertTrue(Files.size(root.resolve(Spool.JOURNAL)) <= intact, "the torn record is gone");
    }

    @Test
    void aRecordWhoseChecksumFailsEndsTheReplay() throws IOException {
        try (Spool spool = reopen()) {
            spool.markCreated(id, "http://127.0.0.1/files/41", 0);
            spool.recordAcknowledged(id, 1_000);
        }
        // Flip the last byte: the last record (IN_FLIGHT at 1000) no longer matches its CRC.
        try (RandomAccessFile journal = new RandomAccessFile(root.resolve(Spool.JOURNAL).toFile(), "rw")) {
            journal.seek(journal.length() - 1);
            int last = journal.read();
            journal.seek(journal.length() - 1);
            journal.write(last ^ 0xff);
        }
        try (Spool spool = reopen()) {
            assertEquals(EntryState.CREATED, spool.entry(id).orElseThrow().state(), "the record before it stands");
        }
    }

    @Test
    void creationSurvivesAndKeepsTheUploadUrlForResuming() throws IOException {
        try (Spool spool = reopen()) {
            spool.markCreated(id, "http://127.0.0.1/files/41", 0);
        }
        try (Spool spool = reopen()) {
            SpoolEntry entry = spool.entry(id).orElseThrow();
            assertEquals(EntryState.CREATED, entry.state());
            assertEquals("http://127.0.0.1/files/41", entry.uploadUrl());
            assertTrue(entry.isDue(time.now()));
        }
    }

    @Test
    void creationWithUploadIsOneRecordOfUrlAndOffset() throws IOException {
        try (Spool spool = reopen()) {
            SpoolEntry entry = spool.markCreated(id, "http://127.0.0.1/files/41", 4_000);
            assertEquals(EntryState.IN_FLIGHT, entry.state());
            assertEquals(4_000, entry.acknowledgedOffset());
        }
        try (Spool spool = reopen()) {
            assertEquals(4_000, spool.entry(id).orElseThrow().acknowledgedOffset());
        }
    }

    @Test
    void theReceiptIsDurableWithTheDeliveredState() throws IOException {
        byte[] receipt = "{\"receipt\":\"r\"}".getBytes(StandardCharsets.UTF_8);
        try (Spool spool = reopen()) {
            spool.markCreated(id, "http://127.0.0.1/files/41", 4_000);
            spool.markDelivered(id, receipt);
        }
        try (Spool spool = reopen()) {
            assertEquals(EntryState.DELIVERED, spool.entry(id).orElseThrow().state());
            assertArrayEquals(receipt, spool.receipt(id).orElseThrow());
        }
        assertEquals(EntryState.DELIVERED, Spool.peek(root).get(0).state(), "status sees it without the lock");
    }

    @Test
    void aRetryDropsTheStoredProblemInTheSameRecord() throws IOException {
        try (Spool spool = reopen()) {
            spool.markCreated(id, "http://127.0.0.1/files/41", 0);
            spool.markRejected(id, Problem.of(422, "PHOTO_SPEC", "Spec", null, "/files/41"));
            assertEquals(EntryState.QUEUED, spool.retry(id).state());
        }
        try (Spool spool = reopen()) {
            assertEquals(EntryState.QUEUED, spool.entry(id).orElseThrow().state());
            assertTrue(spool.problem(id).isEmpty(), "the rejection cannot come back");
        }
    }

    @Test
    void killedAfterARemovalWasRecordedDeletesTheEnvelopeOnOpen() throws IOException {
        byte[] envelope;
        try (Spool spool = reopen()) {
            envelope = Files.readAllBytes(spool.envelopeFile(id));
            spool.withdraw(id);
        }
        // The removal's record is durable; the kill struck before the file was deleted.
        Files.write(envelopes().resolve(id + Spool.ENVELOPE_SUFFIX), envelope);
        try (Spool spool = reopen()) {
            assertTrue(spool.entries().isEmpty());
            assertFalse(Files.exists(spool.envelopeFile(id)));
        }
    }

    @Test
    void missingEnvelopeIsReportedAsCorruption() throws IOException {
        Files.delete(envelopes().resolve(id + Spool.ENVELOPE_SUFFIX));
        try (Spool spool = reopen()) {
            SpoolEntry entry = spool.entry(id).orElseThrow();
            assertEquals(EntryState.CORRUPT, entry.state());
            assertEquals("envelope file is missing", entry.lastError());
            assertTrue(spool.recoveryReport().hasCorruption());
        }
    }

    @Test
    void aFileThatIsNotAnEnvelopeIsQuarantinedForAnOperator() throws IOException {
        Files.write(envelopes().resolve("holiday.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8});
        try (Spool spool = reopen()) {
            assertEquals(1, SpoolTest.countFiles(root.resolve(SpoolRecovery.QUARANTINE)));
            assertEquals(1, spool.entries().size());
            assertTrue(spool.recoveryReport().hasCorruption());
        }
    }

    @Test
    void aJournalRecordThisAgentCannotReadFailsTheOpenInsteadOfDroppingEntries() throws IOException {
        try (Spool spool = reopen()) {
            spool.markCreated(id, "http://127.0.0.1/files/41", 0);
        }
        // A well-framed record of a format from the future: not a crash, so refuse rather than guess.
        try (dev.codebound.protocol.io.GroupCommitJournal journal = dev.codebound.protocol.io.GroupCommitJournal
                .open(root.resolve(Spool.JOURNAL), false, record -> {})) {
            journal.append("{\"format\":99,\"op\":\"put\"}".getBytes(StandardCharsets.UTF_8)).join();
        }
        IOException refused = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, this::reopen);
        assertTrue(refused.getMessage().contains("format 99"), refused.getMessage());
    }

    @Test
    void parallelWorkersStateChangesShareFsyncs() throws Exception {
        int workers = 8;
        int entriesPerWorker = 25;
        try (Spool spool = reopen()) {
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < workers * entriesPerWorker; i++) {
                ids.add(spool.enqueue(Envelopes.write(temp, "p" + i + ".cms", 600, 1_000 + i), "code-" + i,
                        "station-1", "p" + i + ".cms").id());
            }
            long syncsBefore = spool.journalSyncs();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            try {
                List<Future<?>> done = new java.util.ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    List<String> mine = ids.subList(w * entriesPerWorker, (w + 1) * entriesPerWorker);
                    done.add(pool.submit(() -> {
                        start.await();
                        for (String entry : mine) {
                            spool.markCreated(entry, "http://127.0.0.1/files/" + entry, 600);
                            spool.markDelivered(entry, "{}".getBytes(StandardCharsets.UTF_8));
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> future : done) {
                    future.get();
                }
            } finally {
                pool.shutdownNow();
            }
            long changes = 2L * workers * entriesPerWorker;
            long syncs = spool.journalSyncs() - syncsBefore;
            assertTrue(syncs < changes, "group commit: " + syncs + " fsyncs for " + changes + " durable changes");
            assertEquals(workers * entriesPerWorker, spool.status().count(EntryState.DELIVERED));
        }
    }
}
