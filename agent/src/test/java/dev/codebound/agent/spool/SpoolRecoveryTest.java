package dev.codebound.agent.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.testing.Envelopes;
import dev.codebound.agent.testing.FakeTime;
import dev.codebound.protocol.wire.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulates a crash between each pair of consecutive durable writes by building the on-disk state
 * that crash would leave, then reopens the spool and checks the repair.
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

    private Path entryFile(String name) {
        return root.resolve("entries").resolve(id).resolve(name);
    }

    private Spool reopen() throws IOException {
        return Spool.open(root, time.clock());
    }

    @Test
    void crashWhileCopyingIntoIncomingLeavesNothingBehind() throws IOException {
        Files.write(root.resolve("incoming").resolve("0123456789abcdef.partial"), new byte[100]);
        try (Spool spool = reopen()) {
            assertEquals(0, SpoolTest.countFiles(root.resolve("incoming")));
            assertEquals(1, spool.entries().size());
        }
    }

    @Test
    void crashAfterMetaBeforeEnvelopeMoveRemovesTheHalfEntry() throws IOException {
        Files.delete(entryFile(EntryStore.ENVELOPE));
        Files.delete(entryFile(EntryStore.STATE));
        try (Spool spool = reopen()) {
            assertTrue(spool.entries().isEmpty());
            assertFalse(Files.exists(root.resolve("entries").resolve(id)));
            RecoveryReport.Repair repair = spool.recoveryReport().repairs().get(0);
            assertFalse(repair.corruption(), "an interrupted enqueue is not corruption");
        }
    }

    @Test
    void crashAfterEnvelopeMoveBeforeStateQueuesTheEntry() throws IOException {
        Files.delete(entryFile(EntryStore.STATE));
        try (Spool spool = reopen()) {
            SpoolEntry entry = spool.entry(id).orElseThrow();
            assertEquals(EntryState.QUEUED, entry.state());
            assertEquals("code-1", entry.info().codeId(), "facts come from meta.json");
            assertEquals(1, spool.recoveryReport().repairs().size());
            assertTrue(Files.exists(entryFile(EntryStore.STATE)), "the repair is persisted");
        }
    }

    @Test
    void crashDuringAnAtomicWriteLeavesOnlyAStaleTemporary() throws IOException {
        Path stale = entryFile(".state.json.a1b2c3d4e5f6.tmp");
        Files.write(stale, "{\"format\":1,\"state\":\"DELI".getBytes(StandardCharsets.UTF_8));
        try (Spool spool = reopen()) {
            assertFalse(Files.exists(stale));
            assertEquals(EntryState.QUEUED, spool.entry(id).orElseThrow().state(), "the old state stands");
            assertTrue(spool.recoveryReport().repairs().isEmpty());
        }
    }

    @Test
    void crashAfterCreationKeepsTheUploadUrlForResuming() throws IOException {
        try (Spool spool = reopen()) {
            spool.markCreated(id, "http://127.0.0.1/files/41");
        }
        try (Spool spool = reopen()) {
            SpoolEntry entry = spool.entry(id).orElseThrow();
            assertEquals(EntryState.CREATED, entry.state());
            assertEquals("http://127.0.0.1/files/41", entry.uploadUrl());
            assertTrue(entry.isDue(time.now()));
        }
    }

    @Test
    void crashAfterReceiptBeforeDeliveredStateCompletesTheDelivery() throws IOException {
        try (Spool spool = reopen()) {
            spool.markCreated(id, "http://127.0.0.1/files/41");
            spool.recordAcknowledged(id, 4_000);
        }
        Files.write(entryFile(EntryStore.RECEIPT), "{\"receipt\":\"r\"}".getBytes(StandardCharsets.UTF_8));
        try (Spool spool = reopen()) {
            SpoolEntry entry = spool.entry(id).orElseThrow();
            assertEquals(EntryState.DELIVERED, entry.state(), "no second upload for a stored receipt");
            assertFalse(spool.recoveryReport().hasCorruption());
        }
    }

    @Test
    void crashAfterProblemBeforeRejectedStateCompletesTheRejection() throws IOException {
        try (Spool spool = reopen()) {
            spool.markCreated(id, "http://127.0.0.1/files/41");
            spool.recordAcknowledged(id, 4_000);
        }
        Files.write(entryFile(EntryStore.PROBLEM), Problem.of(422, "BAD_SIGNATURE", "Bad signature", null,
                "/files/41").toJson());
        try (Spool spool = reopen()) {
            SpoolEntry entry = spool.entry(id).orElseThrow();
            assertEquals(EntryState.REJECTED, entry.state());
            assertEquals("BAD_SIGNATURE", entry.lastError());
        }
    }

    @Test
    void crashDuringOperatorRetryCannotResurrectTheRejection() throws IOException {
        try (Spool spool = reopen()) {
            spool.markCreated(id, "http://127.0.0.1/files/41");
            spool.markRejected(id, Problem.of(422, "PHOTO_SPEC", "Spec", null, "/files/41"));
        }
        // retry deletes problem.json first; the crash strikes before the new state is written.
        Files.delete(entryFile(EntryStore.PROBLEM));
        try (Spool spool = reopen()) {
            assertEquals(EntryState.REJECTED, spool.entry(id).orElseThrow().state(), "still waits for the operator");
            assertEquals(EntryState.QUEUED, spool.retry(id).state());
        }
    }

    @Test
    void crashDuringRemoveLeavesNoHalfEntry() throws IOException {
        Path trash = Files.createDirectories(root.resolve("trash").resolve(id + ".0011223344556677"));
        Files.write(trash.resolve(EntryStore.ENVELOPE), new byte[10]);
        try (Spool spool = reopen()) {
            assertEquals(0, SpoolTest.countFiles(root.resolve("trash")));
            assertEquals(1, spool.entries().size());
        }
    }

    @Test
    void missingEnvelopeIsReportedAsCorruption() throws IOException {
        Files.delete(entryFile(EntryStore.ENVELOPE));
        try (Spool spool = reopen()) {
            SpoolEntry entry = spool.entry(id).orElseThrow();
            assertEquals(EntryState.CORRUPT, entry.state());
            assertEquals("envelope file is missing", entry.lastError());
            assertTrue(spool.recoveryReport().hasCorruption());
        }
    }

    @Test
    void unreadableStateRestartsTheUpload() throws IOException {
        Files.write(entryFile(EntryStore.STATE), "not json".getBytes(StandardCharsets.UTF_8));
        try (Spool spool = reopen()) {
            SpoolEntry entry = spool.entry(id).orElseThrow();
            assertEquals(EntryState.QUEUED, entry.state());
            assertTrue(spool.recoveryReport().hasCorruption());
        }
    }

    @Test
    void unreadableMetaIsQuarantinedForAnOperator() throws IOException {
        Files.write(entryFile(EntryStore.META), "{".getBytes(StandardCharsets.UTF_8));
        try (Spool spool = reopen()) {
            assertTrue(spool.entries().isEmpty());
            assertEquals(1, SpoolTest.countFiles(root.resolve("quarantine")));
            assertTrue(spool.recoveryReport().hasCorruption());
        }
    }
}
