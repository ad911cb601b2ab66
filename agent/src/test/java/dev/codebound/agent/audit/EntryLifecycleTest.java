package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 3: each entry's records must follow the life an entry can have, before and after
 * the last checkpoint; the sequences the agent really writes (retries, retakes, resumed uploads,
 * refusals retried or removed) pass.
 */
class EntryLifecycleTest {
    @TempDir
    Path root;

    /** The agent's log calls for one entry, so each test states its sequence. */
    interface Steps {
        void write(TransferLog log, AuditFixture station, Entry entry) throws Exception;
    }

    /** An entry's capture facts. */
    record Entry(String id, String codeId, String photo, long length) {
        static Entry random() {
            return new Entry(AuditFixture.randomSha256(), AuditFixture.codeId(), AuditFixture.randomSha256(), 30_000);
        }

        void captured(TransferLog log) throws Exception {
            log.captured(id, codeId, length, photo);
        }

        void delivered(TransferLog log, AuditFixture station) throws Exception {
            station.delivered(log, id, codeId, photo, length);
        }
    }

    @Test
    void aRefusalAndARemovalOfADeliveredEntryAfterTheLastCheckpointFail() throws Exception {
        List<AuditReport.Failure> failures = contradictions((log, station, entry) -> {
            entry.captured(log);
            log.uploadStarted(entry.id());
            entry.delivered(log, station);
            log.checkpoint(AuditFixture.STATION);
            log.rejected(entry.id(), "CODE_REVOKED");
            log.spoolEntryRemoved(entry.id());
        });
        assertEquals(2, failures.size(), failures.toString());
        assertEquals(5, failures.get(0).seq());
        assertTrue(failures.get(0).message().startsWith("'rejected' for entry "), failures.toString());
        assertTrue(failures.get(0).message().contains("after it was delivered (seq 3)"), failures.toString());
        assertEquals(6, failures.get(1).seq());
        assertTrue(failures.get(1).message().contains("'spool-entry-removed'"), failures.toString());
    }

    @Test
    void aWithdrawalEndsAnEntryThatTheRegistryNeverHad() throws Exception {
        assertEquals(List.of(), contradictions((log, station, entry) -> {
            entry.captured(log);
            log.entryWithdrawn(entry.id());
        }));
        assertEquals(List.of(), contradictions((log, station, entry) -> {
            entry.captured(log);
            log.uploadStarted(entry.id());
            log.entryWithdrawn(entry.id());
        }), "an attempt that failed before the registry created the upload");
        List<AuditReport.Failure> afterDelivery = contradictions((log, station, entry) -> {
            entry.captured(log);
            log.uploadStarted(entry.id());
            entry.delivered(log, station);
            log.entryWithdrawn(entry.id());
        });
        assertEquals(1, afterDelivery.size(), afterDelivery.toString());
        assertTrue(afterDelivery.get(0).message().startsWith("'entry-withdrawn' for entry "), afterDelivery.toString());
        List<AuditReport.Failure> uploadAfterWithdrawal = contradictions((log, station, entry) -> {
            entry.captured(log);
            log.entryWithdrawn(entry.id());
            log.uploadStarted(entry.id());
        });
        assertTrue(uploadAfterWithdrawal.get(0).message().contains("after it was withdrawn before upload"),
                uploadAfterWithdrawal.toString());
    }

    @Test
    void nothingFollowsADelivery() throws Exception {
        for (Steps after : List.<Steps>of(
                (log, station, entry) -> log.uploadStarted(entry.id()),
                (log, station, entry) -> log.uploadResumed(entry.id(), 4096),
                (log, station, entry) -> log.delivered(entry.id(), AuditFixture.randomSha256(), 7),
                (log, station, entry) -> entry.captured(log))) {
            List<AuditReport.Failure> failures = contradictions((log, station, entry) -> {
                entry.captured(log);
                log.uploadStarted(entry.id());
                entry.delivered(log, station);
                after.write(log, station, entry);
            });
            assertEquals(1, failures.size(), failures.toString());
            assertEquals(4, failures.get(0).seq(), failures.toString());
        }
    }

    @Test
    void anEntryMustBeCapturedOnceBeforeAnythingElse() throws Exception {
        List<AuditReport.Failure> uncaptured = contradictions((log, station, entry) -> log.uploadStarted(entry.id()));
        assertTrue(uncaptured.get(0).message().contains("with no earlier 'captured' record"), uncaptured.toString());
        List<AuditReport.Failure> twice = contradictions((log, station, entry) -> {
            entry.captured(log);
            entry.captured(log);
        });
        assertEquals(2, twice.get(0).seq(), twice.toString());
    }

    @Test
    void aDeliveryOrRefusalEndsAnUploadAttempt() throws Exception {
        List<AuditReport.Failure> unsent = contradictions((log, station, entry) -> {
            entry.captured(log);
            log.rejected(entry.id(), "CODE_REVOKED");
        });
        assertTrue(unsent.get(0).message().startsWith("'rejected' for entry ")
                && unsent.get(0).message().contains("before any upload of it began"), unsent.toString());
        List<AuditReport.Failure> refusedTwice = contradictions((log, station, entry) -> {
            entry.captured(log);
            log.uploadStarted(entry.id());
            log.rejected(entry.id(), "CODE_REVOKED");
            entry.delivered(log, station);
        });
        assertTrue(refusedTwice.get(0).message().contains("after the registry refused it (seq 3)"),
                refusedTwice.toString());
    }

    @Test
    void nothingFollowsARemoval() throws Exception {
        List<AuditReport.Failure> failures = contradictions((log, station, entry) -> {
            entry.captured(log);
            log.spoolEntryRemoved(entry.id());
            log.uploadStarted(entry.id());
        });
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).message().contains("after it was removed from the spool (seq 2)"),
                failures.toString());
    }

    @Test
    void theSequencesTheAgentWritesPass() throws Exception {
        for (Steps legal : List.<Steps>of(
                // an attempt failed, the upload was gone (started again from 0), then resumed after a crash
                (log, station, entry) -> {
                    entry.captured(log);
                    log.uploadStarted(entry.id());
                    log.uploadStarted(entry.id());
                    log.uploadResumed(entry.id(), 16_384);
                    entry.delivered(log, station);
                },
                // refused, retried by the operator, delivered
                (log, station, entry) -> {
                    entry.captured(log);
                    log.uploadStarted(entry.id());
                    log.rejected(entry.id(), "CODE_REVOKED");
                    log.uploadResumed(entry.id(), 1);
                    entry.delivered(log, station);
                },
                // a delivery the killed upload left unrecorded, recorded by the next run from the stored receipt
                (log, station, entry) -> {
                    entry.captured(log);
                    entry.delivered(log, station);
                },
                // refused and removed; a retake is a new entry
                (log, station, entry) -> {
                    entry.captured(log);
                    log.uploadStarted(entry.id());
                    log.rejected(entry.id(), "PHOTO_SPEC");
                    log.spoolEntryRemoved(entry.id());
                    Entry retake = Entry.random();
                    retake.captured(log);
                    log.uploadStarted(retake.id());
                    retake.delivered(log, station);
                },
                // corrupt before any upload, or failed during one, then removed
                (log, station, entry) -> {
                    entry.captured(log);
                    log.spoolEntryRemoved(entry.id());
                    Entry failed = Entry.random();
                    failed.captured(log);
                    log.uploadStarted(failed.id());
                    log.spoolEntryRemoved(failed.id());
                })) {
            assertEquals(List.of(), contradictions(legal));
        }
    }

    private List<AuditReport.Failure> contradictions(Steps steps) throws Exception {
        AuditFixture station = new AuditFixture(root.resolve("home-" + System.nanoTime()));
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC())) {
            steps.write(log, station, Entry.random());
        }
        return LogVerifier.verify(station.home, LogVerifier.Options.none()).failures().stream()
                .filter(failure -> failure.check().equals("lifecycle")).toList();
    }
}
