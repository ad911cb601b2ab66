package dev.codebound.agent.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A station upgraded with envelopes still queued in the spool layout before the journal (one
 * directory per entry) loses nothing: every entry, its transfer state and its receipt or problem
 * move into the journal, the envelopes into {@code envelopes/}, and the old layout is deleted.
 */
class SpoolMigrationTest {
    @TempDir
    Path temp;

    private final FakeTime time = new FakeTime(Instant.parse("2026-06-01T23:00:00Z"));

    /** Writes one entry as the agents before the journal did; returns its id. */
    private String legacyEntry(Path root, int seed, EntryState state, String uploadUrl, long acknowledged,
            String outcomeFile, byte[] outcome) throws IOException {
        byte[] envelope = Envelopes.bytes(3_000 + seed, seed);
        String id = Envelopes.sha256Hex(envelope);
        Path directory = Files.createDirectories(root.resolve("entries").resolve(id));
        Files.write(directory.resolve(EntryStore.ENVELOPE), envelope);
        Files.write(directory.resolve(EntryStore.META), EntryStore.JSON.writeValueAsBytes(new EnvelopeInfo("code-" + seed,
                "station-1", "photo-" + seed + ".cms", id, envelope.length, time.now())));
        if (state != null) {
            Files.write(directory.resolve(EntryStore.STATE), EntryStore.JSON.writeValueAsBytes(
                    new EntryStore.StateRecord(EntryStore.STATE_FORMAT, state, uploadUrl, acknowledged, 0, null, null,
                            time.now())));
        }
        if (outcomeFile != null) {
            Files.write(directory.resolve(outcomeFile), outcome);
        }
        return id;
    }

    @Test
    void anOldSpoolIsMigratedWithEveryStateAndOutcome() throws IOException {
        Path root = Files.createDirectories(temp.resolve("spool"));
        Files.createDirectories(root.resolve("incoming"));
        Files.createDirectories(root.resolve("trash"));
        byte[] receipt = "{\"receipt\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] problem = Problem.of(422, "PHOTO_SPEC", "Spec", null, "/files/2").toJson();
        String queued = legacyEntry(root, 1, EntryState.QUEUED, null, 0, null, null);
        String inFlight = legacyEntry(root, 2, EntryState.IN_FLIGHT, "http://127.0.0.1/files/2", 1_000, null, null);
        String delivered = legacyEntry(root, 3, EntryState.DELIVERED, "http://127.0.0.1/files/3", 3_003,
                EntryStore.RECEIPT, receipt);
        String rejected = legacyEntry(root, 4, EntryState.REJECTED, "http://127.0.0.1/files/4", 3_004,
                EntryStore.PROBLEM, problem);
        // Killed by the old agent after the receipt and before the state that announces it.
        String receiptOnly = legacyEntry(root, 5, EntryState.IN_FLIGHT, "http://127.0.0.1/files/5", 3_005,
                EntryStore.RECEIPT, receipt);
        // Killed by the old agent after the envelope was moved in and before its state.
        String noState = legacyEntry(root, 6, null, null, 0, null, null);

        try (Spool spool = Spool.open(root, time.clock())) {
            assertEquals(6, spool.entries().size());
            assertEquals(EntryState.QUEUED, spool.entry(queued).orElseThrow().state());
            SpoolEntry resumed = spool.entry(inFlight).orElseThrow();
            assertEquals(EntryState.IN_FLIGHT, resumed.state());
            assertEquals("http://127.0.0.1/files/2", resumed.uploadUrl(), "the upload resumes where it stood");
            assertEquals(1_000, resumed.acknowledgedOffset());
            assertArrayEquals(receipt, spool.receipt(delivered).orElseThrow());
            assertEquals("PHOTO_SPEC", spool.problem(rejected).orElseThrow().reason());
            assertEquals(EntryState.DELIVERED, spool.entry(receiptOnly).orElseThrow().state());
            assertEquals(EntryState.QUEUED, spool.entry(noState).orElseThrow().state());
            assertFalse(spool.recoveryReport().hasCorruption());
            for (String id : new String[] {queued, inFlight, delivered, rejected, receiptOnly, noState}) {
                assertEquals(spool.entry(id).orElseThrow().info().length(), Files.size(spool.envelopeFile(id)));
                assertEquals(id, spool.verify(id).id());
            }
        }
        for (String old : new String[] {"entries", "incoming", "trash", SpoolRecovery.MIGRATED}) {
            assertFalse(Files.exists(root.resolve(old)), old + " of the old layout is gone");
        }
        try (Spool spool = Spool.open(root, time.clock())) {
            assertEquals(6, spool.entries().size(), "the journal holds the migrated spool");
            assertEquals(EntryState.IN_FLIGHT, spool.entry(inFlight).orElseThrow().state());
        }
    }

    /** status, init's undelivered check and audit verify read without the lock, before any migration. */
    @Test
    void peekSeesAnOldSpoolBeforeItIsMigrated() throws IOException {
        Path root = Files.createDirectories(temp.resolve("spool"));
        byte[] receipt = "{\"receipt\":1}".getBytes(StandardCharsets.UTF_8);
        String queued = legacyEntry(root, 1, EntryState.QUEUED, null, 0, null, null);
        String delivered = legacyEntry(root, 3, EntryState.DELIVERED, "http://127.0.0.1/files/3", 3_003,
                EntryStore.RECEIPT, receipt);

        assertEquals(java.util.Set.of(queued, delivered), Spool.peek(root).stream().map(SpoolEntry::id)
                .collect(java.util.stream.Collectors.toSet()));
        assertArrayEquals(receipt, Spool.peekReceipts(root).get(delivered));
        assertTrue(Files.isDirectory(root.resolve("entries")), "a look changes nothing");
    }

    @Test
    void aMigrationInterruptedAfterMovingAnEnvelopeLosesNothing() throws IOException {
        Path root = Files.createDirectories(temp.resolve("spool"));
        String moved = legacyEntry(root, 1, EntryState.CREATED, "http://127.0.0.1/files/1", 0, null, null);
        String notYet = legacyEntry(root, 2, EntryState.QUEUED, null, 0, null, null);
        // What a kill leaves after the first envelope's rename and before the journal held anything.
        Path envelopes = Files.createDirectories(root.resolve(Spool.ENVELOPES));
        Files.move(root.resolve("entries").resolve(moved).resolve(EntryStore.ENVELOPE),
                envelopes.resolve(moved + Spool.ENVELOPE_SUFFIX));

        try (Spool spool = Spool.open(root, time.clock())) {
            assertEquals(EntryState.CREATED, spool.entry(moved).orElseThrow().state(), "not taken for corrupt");
            assertEquals(EntryState.QUEUED, spool.entry(notYet).orElseThrow().state());
            assertTrue(Files.exists(spool.envelopeFile(moved)));
            assertFalse(spool.recoveryReport().hasCorruption());
        }
    }

    @Test
    void anUnreadableOldEntryIsQuarantinedAndTheOthersMigrate() throws IOException {
        Path root = Files.createDirectories(temp.resolve("spool"));
        String good = legacyEntry(root, 1, EntryState.QUEUED, null, 0, null, null);
        String bad = legacyEntry(root, 2, EntryState.QUEUED, null, 0, null, null);
        Files.write(root.resolve("entries").resolve(bad).resolve(EntryStore.META), "{".getBytes(StandardCharsets.UTF_8));

        try (Spool spool = Spool.open(root, time.clock())) {
            assertEquals(1, spool.entries().size());
            assertTrue(spool.entry(good).isPresent());
            assertEquals(1, SpoolTest.countFiles(root.resolve(SpoolRecovery.QUARANTINE)), "kept for an operator");
            assertTrue(spool.recoveryReport().hasCorruption());
        }
    }
}
