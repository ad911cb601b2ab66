package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit verify} against logs whose retention deletions break the policy: a station that
 * deletes an envelope it has no delivery for, an original before its capture, or a delivered
 * entry's record is caught; the sequences the sweep really writes pass.
 */
class RetentionRecordsAuditTest {
    @TempDir
    Path root;

    @Test
    void theDeletionsASweepWritesPass() throws Exception {
        assertEquals(List.of(), retentionFailures((log, station, entry) -> {
            entry.captured(log);
            log.uploadStarted(entry.id());
            entry.delivered(log, station);
            log.retentionDeleted(entry.id(), "ENVELOPE", "ENVELOPE_AFTER_DELIVERY");
            log.retentionDeleted(entry.id(), "ORIGINAL", "ORIGINAL_AFTER_DELIVERY");
            log.photoDeleted(AuditFixture.randomSha256(), "REFUSED_PHOTO", "REFUSED_PHOTO_EXPIRED");
        }));
        assertEquals(List.of(), retentionFailures((log, station, entry) -> {
            entry.captured(log);
            log.retentionDeleted(entry.id(), "ORIGINAL", "ORIGINAL_NEVER_KEPT");
            log.uploadStarted(entry.id());
            log.rejected(entry.id(), "CODE_REVOKED");
            log.retentionDeleted(entry.id(), "ENTRY", "UNDELIVERED_ENTRY");
        }));
    }

    @Test
    void anEnvelopeDeletedBeforeItsDeliveryFails() throws Exception {
        List<AuditReport.Failure> failures = retentionFailures((log, station, entry) -> {
            entry.captured(log);
            log.uploadStarted(entry.id());
            log.retentionDeleted(entry.id(), "ENVELOPE", "ENVELOPE_AFTER_DELIVERY");
            entry.delivered(log, station);
        });
        assertEquals(2, failures.size(), failures.toString());
        assertTrue(failures.get(0).message().contains("before any delivery of it was recorded"), failures.toString());
        assertTrue(failures.get(1).message().startsWith("'delivered' for entry ") && failures.get(1).message()
                .contains("after its envelope was deleted"), failures.toString());
    }

    @Test
    void anOriginalDeletedBeforeItsCaptureAndADeliveredEntryDeletedAsUndeliveredFail() throws Exception {
        List<AuditReport.Failure> failures = retentionFailures((log, station, entry) -> {
            log.retentionDeleted(entry.id(), "ORIGINAL", "ORIGINAL_NEVER_KEPT");
            entry.captured(log);
            log.uploadStarted(entry.id());
            entry.delivered(log, station);
            log.retentionDeleted(entry.id(), "ENTRY", "UNDELIVERED_ENTRY");
            log.retentionDeleted(entry.id(), "ENVELOPE", "REFUSED_PHOTO_EXPIRED");
        });
        assertEquals(3, failures.size(), failures.toString());
        assertTrue(failures.get(0).message().contains("with no earlier 'captured' record"), failures.toString());
        assertTrue(failures.get(1).message().contains("a delivered entry and its receipt are kept"), failures.toString());
        assertTrue(failures.get(2).message().contains("names rule REFUSED_PHOTO_EXPIRED, which does not delete that "
                + "kind"), failures.toString());
    }

    private List<AuditReport.Failure> retentionFailures(EntryLifecycleTest.Steps steps) throws Exception {
        AuditFixture station = new AuditFixture(root.resolve("home-" + System.nanoTime()));
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC())) {
            steps.write(log, station, EntryLifecycleTest.Entry.random());
        }
        return LogVerifier.verify(station.home, LogVerifier.Options.none()).failures().stream()
                .filter(failure -> failure.check().equals("retention")).toList();
    }
}
