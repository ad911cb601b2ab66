package dev.codebound.agent.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.codebound.agent.testing.Envelopes;
import dev.codebound.agent.testing.FakeTime;
import dev.codebound.protocol.wire.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path temp;

    private final FakeTime time = new FakeTime(Instant.parse("2026-06-01T12:00:00Z"));

    private Spool open() throws IOException {
        return Spool.open(temp.resolve("spool"), time.clock());
    }

    @Test
    void enqueueCopiesTheEnvelopeAndRecordsItsFacts() throws IOException {
        byte[] content = Envelopes.bytes(5_000, 1);
        Path source = Files.write(temp.resolve("photo-1.cms"), content);
        try (Spool spool = open()) {
            SpoolEntry entry = spool.enqueue(source, "code-17", "station-9", "photo-1.cms");
            assertEquals(Envelopes.sha256Hex(content), entry.id());
            assertEquals(EntryState.QUEUED, entry.state());
            assertEquals(5_000, entry.info().length());
            assertEquals("code-17", entry.info().codeId());
            assertEquals(time.now(), entry.info().createdAt());
            assertArrayEquals(content, Files.readAllBytes(spool.envelopeFile(entry.id())));
            assertTrue(Files.exists(source), "the caller's file is left alone");
            assertTrue(spool.recoveryReport().repairs().isEmpty());
        }
    }

    @Test
    void onlyAnEntryWithoutAnUploadAtTheRegistryCanBeWithdrawn() throws IOException {
        try (Spool spool = open()) {
            String queued = spool.enqueue(Envelopes.write(temp, "q.cms", 2_000, 21), "code-1", "s", "q.cms").id();
            String failedBeforeCreation = spool.enqueue(Envelopes.write(temp, "f.cms", 2_000, 22), "code-2", "s",
                    "f.cms").id();
            spool.markFailed(failedBeforeCreation, "connection refused", time.now().plusSeconds(30));
            String failedWithUpload = spool.enqueue(Envelopes.write(temp, "u.cms", 2_000, 23), "code-3", "s",
                    "u.cms").id();
            spool.markCreated(failedWithUpload, "http://127.0.0.1/files/3", 0);
            spool.markFailed(failedWithUpload, "HTTP 503", time.now().plusSeconds(30));

            assertEquals(EntryState.QUEUED, spool.withdraw(queued).state());
            assertEquals(EntryState.FAILED, spool.withdraw(failedBeforeCreation).state());
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> spool.withdraw(failedWithUpload));
            assertTrue(refused.getMessage().contains("is FAILED and has an upload at the registry"),
                    refused.getMessage());
            assertEquals(1, spool.entries().size());
        }
        try (Spool spool = open()) {
            assertEquals(1, spool.entries().size(), "withdrawn entries stay gone");
            assertTrue(spool.recoveryReport().repairs().isEmpty());
        }
    }

    @Test
    void aStagedEnvelopeThatIsNotCommittedLeavesNothingBehind() throws IOException {
        Path source = Envelopes.write(temp, "s.cms", 4_000, 24);
        try (Spool spool = open()) {
            String id;
            try (Spool.Staged staged = spool.stage(source)) {
                id = staged.sha256();
                assertEquals(4_000, staged.length());
                assertEquals(1, countPartials(temp.resolve("spool")));
            }
            assertEquals(0, countPartials(temp.resolve("spool")));
            assertEquals(0, spool.entries().size());
            try (Spool.Staged staged = spool.stage(source)) {
                assertEquals(id, spool.commit(staged, "code-4", "s", "s.cms").id());
            }
            assertEquals(0, countPartials(temp.resolve("spool")));
            assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(spool.envelopeFile(id)));
        }
    }

    @Test
    void enqueueingTheSameEnvelopeTwiceKeepsOneEntry() throws IOException {
        Path source = Envelopes.write(temp, "a.cms", 3_000, 2);
        try (Spool spool = open()) {
            SpoolEntry first = spool.enqueue(source, "code-1", "station-1", "a.cms");
            spool.markCreated(first.id(), "http://127.0.0.1/files/1", 0);
            SpoolEntry second = spool.enqueue(source, "code-1", "station-1", "a.cms");
            assertEquals(EntryState.CREATED, second.state(), "the existing entry and its progress are kept");
            assertEquals(1, spool.entries().size());
            assertEquals(0, countPartials(temp.resolve("spool")), "no partial copy left");
        }
    }

    @Test
    void stateChangesArePersistedAndSurviveReopening() throws IOException {
        Path source = Envelopes.write(temp, "b.cms", 10_000, 3);
        String id;
        try (Spool spool = open()) {
            id = spool.enqueue(source, "code-2", "station-1", "b.cms").id();
            spool.markCreated(id, "http://127.0.0.1/files/7", 0);
            spool.recordAcknowledged(id, 4_096);
            spool.markFailed(id, "upload: HTTP 503", time.now().plusSeconds(30));
        }
        try (Spool spool = open()) {
            SpoolEntry entry = spool.entry(id).orElseThrow();
            assertEquals(EntryState.FAILED, entry.state());
            assertEquals("http://127.0.0.1/files/7", entry.uploadUrl(), "URL kept so the next run resumes");
            assertEquals(4_096, entry.acknowledgedOffset());
            assertEquals(1, entry.transientErrors());
            assertEquals("upload: HTTP 503", entry.lastError());
            assertFalse(entry.isDue(time.now()));
            assertTrue(entry.isDue(time.now().plusSeconds(30)));
            assertTrue(spool.recoveryReport().repairs().isEmpty());

            SpoolEntry resumed = spool.recordAcknowledged(id, 8_192);
            assertEquals(EntryState.IN_FLIGHT, resumed.state());
            assertEquals(0, resumed.transientErrors(), "progress resets the error count");
            assertNull(resumed.lastError());
        }
    }

    @Test
    void deliveryStoresTheReceipt() throws IOException {
        Path source = Envelopes.write(temp, "c.cms", 100, 4);
        try (Spool spool = open()) {
            String id = spool.enqueue(source, "code-3", "station-1", "c.cms").id();
            spool.markCreated(id, "http://127.0.0.1/files/1", 0);
            byte[] receipt = "{\"receipt\":\"r-1\"}".getBytes(StandardCharsets.UTF_8);
            SpoolEntry delivered = spool.markDelivered(id, receipt);
            assertEquals(EntryState.DELIVERED, delivered.state());
            assertEquals(100, delivered.acknowledgedOffset());
            assertArrayEquals(receipt, spool.receipt(id).orElseThrow());
            assertThrows(IllegalStateException.class, () -> spool.markFailed(id, "late", time.now()),
                    "a delivered entry is final");
        }
    }

    @Test
    void rejectionStaysVisibleUntilAnOperatorRetriesOrRemoves() throws IOException {
        Path source = Envelopes.write(temp, "d.cms", 100, 5);
        try (Spool spool = open()) {
            String id = spool.enqueue(source, "code-4", "station-1", "d.cms").id();
            spool.markCreated(id, "http://127.0.0.1/files/1", 0);
            spool.markRejected(id, Problem.of(422, "PHOTO_SPEC", "Photo does not meet the specification",
                    "background colour is not allowed", "/files/1"));
            SpoolEntry rejected = spool.entry(id).orElseThrow();
            assertEquals(EntryState.REJECTED, rejected.state());
            assertEquals("PHOTO_SPEC: background colour is not allowed", rejected.lastError());
            assertFalse(rejected.isDue(time.now().plus(Duration.ofDays(365))), "never retried on its own");
            assertEquals("PHOTO_SPEC", spool.problem(id).orElseThrow().reason());

            SpoolEntry retried = spool.retry(id);
            assertEquals(EntryState.QUEUED, retried.state());
            assertNull(retried.uploadUrl(), "a retry starts a fresh upload");
            assertTrue(spool.problem(id).isEmpty());

            spool.remove(id);
            assertTrue(spool.entry(id).isEmpty());
            assertFalse(Files.exists(spool.envelopeFile(id)), "the envelope is deleted with its entry");
        }
        try (Spool spool = open()) {
            assertTrue(spool.entries().isEmpty());
        }
    }

    @Test
    void refusesAFileThatIsNotACmsEnvelope() throws IOException {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16};
        Path photo = Files.write(temp.resolve("photo.jpg"), jpeg);
        try (Spool spool = open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> spool.enqueue(photo, "code-1", "station-1", "photo.jpg"));
            assertTrue(e.getMessage().contains("never takes plaintext photos"));
            assertTrue(spool.entries().isEmpty());
        }
    }

    @Test
    void retryingAFailedEntryMakesItDueNowAndKeepsItsUpload() throws IOException {
        Path source = Envelopes.write(temp, "f.cms", 10_000, 7);
        try (Spool spool = open()) {
            String id = spool.enqueue(source, "code-6", "station-1", "f.cms").id();
            spool.markCreated(id, "http://127.0.0.1/files/9", 0);
            spool.recordAcknowledged(id, 2_000);
            spool.markFailed(id, "upload: HTTP 503", time.now().plus(Duration.ofHours(1)));
            SpoolEntry retried = spool.retry(id);
            assertTrue(retried.isDue(time.now()));
            assertEquals("http://127.0.0.1/files/9", retried.uploadUrl());
            assertEquals(2_000, retried.acknowledgedOffset());
        }
    }

    @Test
    void onlyStoppedEntriesCanBeRetried() throws IOException {
        Path source = Envelopes.write(temp, "e.cms", 100, 6);
        try (Spool spool = open()) {
            String id = spool.enqueue(source, "code-5", "station-1", "e.cms").id();
            assertThrows(IllegalStateException.class, () -> spool.retry(id));
        }
    }

    @Test
    void statusCountsStatesPendingBytesAndTheLastError() throws IOException {
        try (Spool spool = open()) {
            String a = spool.enqueue(Envelopes.write(temp, "a.cms", 1_000, 10), "c-a", "s-1", "a.cms").id();
            time.advance(Duration.ofMinutes(1));
            String b = spool.enqueue(Envelopes.write(temp, "b.cms", 2_000, 11), "c-b", "s-1", "b.cms").id();
            String c = spool.enqueue(Envelopes.write(temp, "c.cms", 3_000, 12), "c-c", "s-1", "c.cms").id();
            spool.markCreated(b, "http://127.0.0.1/files/b", 0);
            spool.recordAcknowledged(b, 500);
            spool.markCreated(c, "http://127.0.0.1/files/c", 0);
            spool.markDelivered(c, "{}".getBytes(StandardCharsets.UTF_8));
            time.advance(Duration.ofMinutes(1));
            spool.markFailed(a, "create: HTTP 503", time.now());

            SpoolStatus status = spool.status();
            assertEquals(3, status.entries());
            assertEquals(1, status.count(EntryState.FAILED));
            assertEquals(1, status.count(EntryState.IN_FLIGHT));
            assertEquals(1, status.count(EntryState.DELIVERED));
            assertEquals(0, status.count(EntryState.REJECTED));
            assertEquals(1_000 + 1_500, status.bytesPending());
            assertEquals("create: HTTP 503", status.lastError());
            assertEquals(a, status.lastErrorEntry());
            assertEquals(Instant.parse("2026-06-01T12:00:00Z"), status.oldestPendingSince());

            JsonNode json = EntryStore.JSON.valueToTree(status);
            assertEquals(1, json.get("counts").get("FAILED").asInt());
            assertEquals("2026-06-01T12:00:00Z", json.get("oldestPendingSince").asText(), "ISO-8601 timestamps");
        }
    }

    @Test
    void aSecondOpenerCannotUseTheSameSpool() throws IOException {
        Spool first = open();
        try {
            IOException e = assertThrows(IOException.class, this::open);
            assertTrue(e.getMessage().contains("in use"));
        } finally {
            first.close();
        }
        try (Spool reopened = open()) {
            assertTrue(reopened.entries().isEmpty(), "the lock is released on close");
        }
    }

    /** Envelopes being sealed or copied into the spool, not yet committed. */
    static long countPartials(Path spool) throws IOException {
        try (var list = Files.list(spool.resolve(Spool.ENVELOPES))) {
            return list.filter(file -> file.getFileName().toString().endsWith(Spool.PARTIAL_SUFFIX)).count();
        }
    }

    static long countFiles(Path directory) throws IOException {
        try (var list = Files.list(directory)) {
            return list.count();
        }
    }
    /**
     * An entry is listed only once its record is durable: an upload that picked it up earlier could
     * have the registry accept an envelope that a crash then takes out of the spool, leaving a
     * delivery the station can never record. Here the new entry's record waits behind a large one
     * being written and synced, while another thread lists the spool: when it first sees the entry,
     * the journal already holds every record.
     */
    @Test
    void aNewEntryIsListedOnlyOnceItsRecordIsDurable() throws Exception {
        try (Spool spool = open()) {
            String large = spool.enqueue(Envelopes.write(temp, "large.cms", 2_000, 31), "code-1", "s", "large.cms")
                    .id();
            Path next = Envelopes.write(temp, "next.cms", 2_000, 32);
            String nextId = Envelopes.sha256Hex(Files.readAllBytes(next));
            byte[] bigReceipt = new byte[24 * 1024 * 1024];
            java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                java.util.concurrent.Future<SpoolEntry> delivered = writers.submit(() -> spool.markDelivered(large,
                        bigReceipt));
                // In memory means queued: the new entry's record goes after the large one.
                while (spool.entry(large).orElseThrow().state() != EntryState.DELIVERED) {
                    Thread.onSpinWait();
                }
                java.util.concurrent.Future<SpoolEntry> committed = writers.submit(() -> spool.enqueue(next, "code-2",
                        "s", "next.cms"));
                // The journal file's size when the entry is first listed: once its record is durable, the file
                // holds it and every record queued before it.
                long sizeWhenListed = -1;
                while (!committed.isDone() && sizeWhenListed < 0) {
                    if (spool.entries().stream().anyMatch(entry -> entry.id().equals(nextId))) {
                        sizeWhenListed = Files.size(Spool.journalFile(spool.directory()));
                    }
                }
                committed.get();
                delivered.get();
                if (sizeWhenListed >= 0) {
                    assertEquals(Files.size(Spool.journalFile(spool.directory())), sizeWhenListed,
                            "listed before its record was written");
                }
                assertTrue(spool.entry(nextId).isPresent());
                assertTrue(spool.entries().stream().anyMatch(entry -> entry.id().equals(nextId)));
            } finally {
                writers.shutdownNow();
            }
        }
    }
}
