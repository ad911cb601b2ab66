package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferLogTest {
    static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-26T04:05:06.123456Z"), ZoneOffset.UTC);
    static final String ENTRY = "3f2a9c1b0d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";
    static final String PHOTO = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809";

    @TempDir
    Path root;

    @Test
    void recordsAreCanonicalAndChained() throws Exception {
        AuditFixture station = new AuditFixture(root);
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            log.codeVerified("ABCDEFGHIJKLMNOP");
            log.captured(ENTRY, "ABCDEFGHIJKLMNOP", 34567, PHOTO);
        }
        List<String> lines = station.lines();
        assertEquals(2, lines.size());
        String canonical = "{\"seq\":2,\"time\":\"2026-11-26T04:05:06.123Z\",\"event\":\"captured\",\"entryId\":\""
                + ENTRY + "\",\"codeId\":\"ABCDEFGHIJKLMNOP\",\"photoSha256\":\"" + PHOTO
                + "\",\"envelopeLength\":34567,\"prev\":\"" + Sha256.hex(lines.get(0).getBytes(StandardCharsets.UTF_8))
                + "\"}";
        String hash = Sha256.hex(canonical.getBytes(StandardCharsets.UTF_8));
        assertEquals(canonical.substring(0, canonical.length() - 1) + ",\"hash\":\"" + hash + "\"}", lines.get(1));
        assertTrue(lines.get(0).contains("\"prev\":\"" + "0".repeat(64) + "\""), lines.get(0));
        assertTrue(LogVerifier.verify(station.home, LogVerifier.Options.none()).ok());
    }

    /**
     * A verification queued without waiting is on disk, in its place in the chain, by the time
     * the capture record that follows it returns (records are durable in order).
     */
    @Test
    void aVerificationQueuedWithTheNextRecordIsDurableWhenThatRecordReturns() throws Exception {
        AuditFixture station = new AuditFixture(root);
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            log.codeVerifiedWithNextRecord("ABCDEFGHIJKLMNOP");
            log.captured(ENTRY, "ABCDEFGHIJKLMNOP", 34567, PHOTO);
            List<String> lines = station.lines();
            assertEquals(2, lines.size(), "both on disk before the log is closed");
            assertTrue(lines.get(0).contains("\"event\":\"code-verified\""), lines.get(0));
            assertTrue(lines.get(1).contains("\"prev\":\"" + Sha256.hex(lines.get(0).getBytes(StandardCharsets.UTF_8))),
                    lines.get(1));
        }
        assertTrue(LogVerifier.verify(station.home, LogVerifier.Options.none()).ok());
    }

    /**
     * A verification held for the next record costs no write (and no sync) of its own; when no
     * record follows (the photo was refused), closing the log writes it.
     */
    @Test
    void aVerificationHeldForTheNextRecordIsWrittenWithItOrWhenTheLogCloses() throws Exception {
        AuditFixture station = new AuditFixture(root);
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            log.codeVerifiedWithNextRecord("ABCDEFGHIJKLMNOP");
            assertEquals(1, log.size(), "chained at once");
            assertEquals(0, Files.size(station.logFile()), "not written on its own");
            log.captured(ENTRY, "ABCDEFGHIJKLMNOP", 34567, PHOTO);
            assertEquals(2, station.lines().size());
            log.codeVerifiedWithNextRecord("QRSTUVWXYZ234567");
            assertEquals(2, station.lines().size());
        }
        List<String> lines = station.lines();
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(2).contains("\"event\":\"code-verified\"") && lines.get(2).contains("QRSTUVWXYZ234567"),
                lines.get(2));
        assertTrue(LogVerifier.verify(station.home, LogVerifier.Options.none()).ok());
    }

    /**
     * An upload's start and its delivery cost no write (and no sync) of their own: they go out, in their
     * place in the chain, with the log's next write (here the upload's flush at its end), and a start no
     * record follows (a transient failure) is written when the log closes.
     */
    @Test
    void anUploadStartIsWrittenWithTheAttemptsOutcomeOrWhenTheLogCloses() throws Exception {
        AuditFixture station = new AuditFixture(root);
        String retried = "9".repeat(64);
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            log.captured(ENTRY, "ABCDEFGHIJKLMNOP", 34567, PHOTO);
            log.captured(retried, "QRSTUVWXYZ234567", 34567, PHOTO);
            log.uploadStarted(ENTRY);
            assertEquals(3, log.size(), "chained at once");
            assertEquals(2, station.lines().size(), "not written on its own");
            station.delivered(log, ENTRY, "ABCDEFGHIJKLMNOP", PHOTO, 34567);
            assertEquals(2, station.lines().size(), "the delivery is held too");
            log.flush();
            List<String> lines = station.lines();
            assertEquals(4, lines.size(), "written at the flush, before the log is closed");
            assertTrue(lines.get(2).contains("\"event\":\"upload-started\""), lines.get(2));
            assertTrue(lines.get(3).contains("\"event\":\"delivered\""), lines.get(3));
            log.uploadResumed(retried, 4096);
            assertEquals(4, station.lines().size());
        }
        List<String> lines = station.lines();
        assertEquals(5, lines.size(), lines::toString);
        assertTrue(lines.get(4).contains("\"event\":\"upload-resumed\"") && lines.get(4).contains(retried),
                lines.get(4));
        AuditReport report = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertTrue(report.ok(), report.toText());
    }

    /**
     * A crash loses an upload start that no record followed; the log stays whole, and the entry's
     * next attempt and delivery follow from {@code captured} without contradicting it.
     */
    @Test
    void anUploadStartLostToACrashLeavesALogTheNextAttemptContinues() throws Exception {
        AuditFixture station = new AuditFixture(root);
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            log.captured(ENTRY, "ABCDEFGHIJKLMNOP", 34567, PHOTO);
            log.uploadStarted(ENTRY);
            // The process dies here: what the file holds is what a kill -9 would leave.
            List<String> survived = station.lines();
            assertEquals(1, survived.size(), survived::toString);
            Files.copy(station.logFile(), root.resolve("survived.jsonl"));
        }
        Files.copy(root.resolve("survived.jsonl"), station.logFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            log.uploadStarted(ENTRY);
            station.delivered(log, ENTRY, "ABCDEFGHIJKLMNOP", PHOTO, 34567);
        }
        List<String> lines = station.lines();
        assertEquals(3, lines.size(), lines::toString);
        AuditReport report = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertTrue(report.ok(), report.toText());
    }

    @Test
    void aRecordAppendedByAnInterruptedThreadGoesInOnceAndTheLogStaysUsable() throws Exception {
        AuditFixture station = new AuditFixture(root);
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            // A watch stopped (interrupted) while it logs a pairing decision: the record is queued for the disk
            // whatever the thread does, so the append must not give up, fail the log, or leave it to be written twice.
            Thread.currentThread().interrupt();
            try {
                log.pairingOpened("ABCDEFGHIJKLMNOP");
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller to stop after");
            } finally {
                Thread.interrupted();
            }
            log.pairingClosed("ABCDEFGHIJKLMNOP", "WATCH_STOPPED");
        }
        List<String> lines = station.lines();
        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("\"event\":\"pairing-opened\""), lines.get(0));
        assertTrue(lines.get(1).contains("\"event\":\"pairing-closed\""), lines.get(1));
    }

    @Test
    void fieldsOutsideTheWhitelistAndPersonalDataAreRefused() throws Exception {
        AuditFixture station = new AuditFixture(root);
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, () -> log.append(
                    EventType.CODE_VERIFIED, Map.of("codeId", "ABCDEFGHIJKLMNOP", "name", "张三")));
            assertTrue(extra.getMessage().contains("field 'name' is not allowed"), extra.getMessage());
            assertTrue(!extra.getMessage().contains("张三"), "the refused value is never echoed");
            assertThrows(IllegalArgumentException.class, () -> log.codeVerified("张三"));
            assertThrows(IllegalArgumentException.class, () -> log.codeVerified("2023001"), "a student number");
            assertThrows(IllegalArgumentException.class, () -> log.codeVerified("11010519491231002X"), "an ID number");
            assertThrows(IllegalArgumentException.class, () -> log.rejected(ENTRY, "photo of Zhang San is blurry"));
            assertThrows(IllegalArgumentException.class, () -> log.enrolled("station \"1\"", PHOTO));
            assertThrows(IllegalArgumentException.class, () -> log.append(EventType.CAPTURED,
                    Map.of("entryId", ENTRY, "codeId", "ABCDEFGHIJKLMNOP", "photoSha256", PHOTO)), "missing field");
            assertThrows(IllegalArgumentException.class, () -> log.append(EventType.CHECKPOINT, Map.of()));
            assertEquals(0, log.size());
        }
        assertEquals(0, Files.size(station.logFile()));
    }

    @Test
    void aTornLastLineIsRepairedAtOpenAndRecorded() throws Exception {
        AuditFixture station = new AuditFixture(root);
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), AuditFixture.STATION)) {
            log.codeVerified("ABCDEFGHIJKLMNOP");
        }
        byte[] torn = "{\"seq\":3,\"time\":\"2026-11-26T04:0".getBytes(StandardCharsets.UTF_8);
        Files.write(station.logFile(), torn, StandardOpenOption.APPEND);
        AuditReport before = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertTrue(before.ok(), before.toText());
        assertTrue(before.notes().stream().anyMatch(note -> note.contains("incomplete line of " + torn.length)),
                before.toText());

        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), AuditFixture.STATION)) {
            assertEquals(3, log.size());
        }
        List<String> lines = station.lines();
        TransferRecord repair = RecordParser.parse(lines.get(2));
        assertEquals(EventType.LOG_REPAIRED, repair.event());
        assertEquals((long) torn.length, repair.fields().get("discardedBytes"));
        assertEquals(Sha256.hex(torn), repair.fields().get("discardedSha256"));
        assertEquals(EventType.CHECKPOINT, RecordParser.parse(lines.get(3)).event(), "closing signs the repair");
        AuditReport after = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertTrue(after.ok() && after.notes().isEmpty(), after.toText());
    }

    @Test
    void aDamagedLastRecordIsNotRepairedButRefused() throws Exception {
        AuditFixture station = new AuditFixture(root);
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            log.codeVerified("ABCDEFGHIJKLMNOP");
        }
        Files.writeString(station.logFile(), "{\"seq\":2,\"garbage\":true}\n", StandardOpenOption.APPEND);
        long lastLineStart = Files.size(station.logFile()) - "{\"seq\":2,\"garbage\":true}\n".length();
        java.io.IOException refused = assertThrows(java.io.IOException.class,
                () -> TransferLog.open(station.home, FIXED));
        assertTrue(refused.getMessage().contains("(at byte " + lastLineStart + ") is damaged"), refused.getMessage());
    }

    /**
     * The scans for delivered entries and recorded deletions find the records of those events only.
     * A line without the canonical spelling of a delivery counts for nothing. One that has it counts
     * as the delivery it names, even if it is damaged elsewhere: its damage is {@code audit verify}'s
     * to report, and a second record of the same delivery would not repair it.
     */
    @Test
    void theScansFindTheirEventsOnlyAndIgnoreDamagedLines() throws Exception {
        AuditFixture station = new AuditFixture(root);
        String started = AuditFixture.randomSha256();
        String refused = AuditFixture.randomSha256();
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            log.captured(ENTRY, "ABCDEFGHIJKLMNOP", 34567, PHOTO);
            log.uploadStarted(started);
            log.delivered(ENTRY, PHOTO, 7);
            log.rejected(refused, "PHOTO_OUT_OF_SPEC");
            log.retentionDeleted(ENTRY, "ENVELOPE", "ENVELOPE_AFTER_DELIVERY");
            log.photoDeleted(PHOTO, "REFUSED_PHOTO", "REFUSED_PHOTO_EXPIRED");
        }
        List<String> lines = new ArrayList<>(station.lines());
        String delivered = lines.get(2);
        assertTrue(delivered.contains("\"event\":\"delivered\""), delivered);
        String spacedEntry = AuditFixture.randomSha256();
        String leadingZeroEntry = AuditFixture.randomSha256();
        String spaced = delivered.replace(ENTRY, spacedEntry)
                .replace("\"event\":\"delivered\"", "\"event\": \"delivered\"");
        String leadingZero = delivered.replace(ENTRY, leadingZeroEntry)
                .replace("\"logIndex\":7", "\"logIndex\":07");
        lines.addAll(3, List.of(spaced, leadingZero));
        Files.writeString(station.logFile(), String.join("\n", lines) + "\n");

        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            assertEquals(Set.of(spacedEntry, refused, started),
                    log.entriesWithoutDelivery(List.of(ENTRY, spacedEntry, leadingZeroEntry, refused, started)));
            assertEquals(Set.of(TransferLog.deletionKey("ENVELOPE", ENTRY),
                    TransferLog.deletionKey("REFUSED_PHOTO", PHOTO)), log.deletionsRecordedAfter(Optional.empty()));
        }
    }

    /**
     * A delivery this log chained is known without the file (here it is still held for the next
     * write, so the file does not have it yet); one recorded before the log was opened, or behind
     * its back, is found by reading the file backwards; an entry without any is reported missing.
     * Deletion keys: read once, then kept up to date as records are chained.
     */
    @Test
    void deliveriesChainedByTheLogAreKnownAndOthersAreFoundInTheFile() throws Exception {
        AuditFixture station = new AuditFixture(root);
        String second = AuditFixture.randomSha256();
        String foreign = AuditFixture.randomSha256();
        String neverDelivered = AuditFixture.randomSha256();
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            log.captured(ENTRY, "ABCDEFGHIJKLMNOP", 34567, PHOTO);
            log.delivered(ENTRY, PHOTO, 7);
            log.flush();
            assertEquals(Set.of(), log.deletionsRecordedAfter(Optional.empty()));
        }
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            Map<String, Object> fields = new java.util.LinkedHashMap<>();
            fields.put(Field.ENTRY_ID.jsonName(), foreign);
            fields.put(Field.RECEIPT_SHA256.jsonName(), PHOTO);
            fields.put(Field.LOG_INDEX.jsonName(), 9L);
            String line = TransferRecord.create(3, FIXED.instant(), EventType.DELIVERED, fields, "0".repeat(64)).line();
            Files.writeString(station.logFile(), line + "\n", StandardOpenOption.APPEND);
            log.captured(second, "QRSTUVWXYZ234567", 34567, PHOTO);
            log.delivered(second, PHOTO, 8);
            assertFalse(Files.readString(station.logFile()).contains(second + "\",\"receiptSha256"),
                    "the delivery is held for the next write");

            assertEquals(Set.of(), log.entriesWithoutDelivery(List.of(second)), "chained by this log");
            assertEquals(Set.of(neverDelivered), log.entriesWithoutDelivery(List.of(ENTRY, foreign, second,
                    neverDelivered)));

            log.deletionsIntended(List.of(TransferLog.DeletionIntent.ofEntry(ENTRY, "ENVELOPE",
                    "ENVELOPE_AFTER_DELIVERY")));
            log.photoDeleted(PHOTO, "REFUSED_PHOTO", "REFUSED_PHOTO_EXPIRED");
            assertEquals(Set.of(TransferLog.deletionKey("ENVELOPE", ENTRY),
                    TransferLog.deletionKey("REFUSED_PHOTO", PHOTO)), log.deletionsRecordedAfter(Optional.empty()));
        }
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            assertEquals(Set.of(neverDelivered), log.entriesWithoutDelivery(List.of(ENTRY, second, foreign,
                    neverDelivered)), "read again at open");
        }
    }

    /**
     * A sweep that did everything it recorded leaves a position; the next looks for an interrupted
     * sweep's records only after it. A position the log does not hold (another log's) reads it all.
     */
    @Test
    void deletionsAreLookedForAfterAPositionTheLogHoldsAndEverywhereOtherwise() throws Exception {
        AuditFixture station = new AuditFixture(root);
        String later = AuditFixture.randomSha256();
        TransferLog.Position swept;
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            log.retentionDeleted(ENTRY, "ENVELOPE", "ENVELOPE_AFTER_DELIVERY");
            swept = log.position();
            log.codeVerified("ABCDEFGHIJKLMNOP");
            log.retentionDeleted(later, "ORIGINAL", "ORIGINAL_NEVER_KEPT");
        }
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            assertEquals(Set.of(TransferLog.deletionKey("ORIGINAL", later)),
                    log.deletionsRecordedAfter(Optional.of(swept)));
            assertEquals(Set.of(TransferLog.deletionKey("ENVELOPE", ENTRY), TransferLog.deletionKey("ORIGINAL", later)),
                    log.deletionsRecordedAfter(Optional.of(new TransferLog.Position(swept.seq(), "0".repeat(64)))),
                    "not this log's position: all of it");
            assertEquals(2, log.deletionsRecordedAfter(Optional.empty()).size());
        }
    }

    @Test
    void checkpointsComeEveryNRecordsAndAtClose() throws Exception {
        AuditFixture station = new AuditFixture(root);
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), AuditFixture.STATION, 5)) {
            for (int i = 0; i < 12; i++) {
                log.codeVerified(AuditFixture.codeId());
            }
        }
        List<Long> checkpoints = new ArrayList<>();
        for (String line : station.lines()) {
            TransferRecord record = RecordParser.parse(line);
            if (record.event() == EventType.CHECKPOINT) {
                checkpoints.add(record.seq());
            }
        }
        assertEquals(List.of(6L, 12L, 15L), checkpoints);
        AuditReport report = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertTrue(report.ok() && report.notes().isEmpty(), report.toText());
        assertEquals(3L, report.counts().get("checkpoints"));
        assertTrue(Files.exists(LogFiles.certificates(station.home).resolve(
                dev.codebound.protocol.pki.Certificates.fingerprint(AuditFixture.STATION.certificate()) + ".pem")));
    }

    @Test
    void oneProcessAtATime() throws Exception {
        AuditFixture station = new AuditFixture(root);
        try (TransferLog log = TransferLog.open(station.home, FIXED)) {
            java.io.IOException busy = assertThrows(java.io.IOException.class,
                    () -> TransferLog.open(station.home, FIXED));
            assertTrue(busy.getMessage().contains("in use by another agent process"), busy.getMessage());
            log.codeVerified("ABCDEFGHIJKLMNOP");
        }
        TransferLog.open(station.home, FIXED).close();
    }

    @Test
    void parallelUploadWorkersShareOneLog() throws Exception {
        AuditFixture station = new AuditFixture(root);
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), AuditFixture.STATION, 50)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                done.add(workers.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        String entry = AuditFixture.randomSha256();
                        log.captured(entry, AuditFixture.codeId(), 50_000, AuditFixture.randomSha256());
                        log.uploadResumed(entry, i * 1024L);
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            workers.shutdown();
        }
        AuditReport report = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertTrue(report.ok(), report.toText());
        assertEquals(320L + 7L, report.counts().get("records"), "320 events and 7 checkpoints (6 periodic, 1 at close)");
    }
}
