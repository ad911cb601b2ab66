package dev.codebound.agent.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep's order of writes: the record first, the deletion after, finished by the next sweep after a crash. */
class RetentionSweepTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final RetentionPolicy POLICY = new RetentionPolicy(Optional.of(Duration.ofHours(1)), Duration.ZERO,
            Duration.ofDays(14), Duration.ofDays(7));

    @TempDir
    Path temp;

    @Test
    void aDeletionRecordedBeforeACrashIsFinishedWithoutASecondRecord() throws Exception {
        StationHome home = new StationHome(temp.resolve("station"));
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        try (Spool spool = Spool.open(home.spool(), clock)) {
            String id = StationData.delivered(spool, temp, 1);
            StationData.archiveReceipt(home, id, T0);
            // The state a kill -9 leaves between the intent and the deletion: the record is durable, the file is not gone.
            try (TransferLog log = TransferLog.open(home, clock)) {
                log.retentionDeleted(id, "ENVELOPE", "ENVELOPE_AFTER_DELIVERY");
            }
            assertTrue(Files.exists(spool.envelopeFile(id)));

            SweepReport report = new RetentionSweep(home, POLICY, spool, clock).run(T0);
            assertEquals(List.of(RetentionRule.ENVELOPE_AFTER_DELIVERY),
                    report.deleted().stream().map(Deletion::rule).toList());
            assertFalse(Files.exists(spool.envelopeFile(id)));
            assertTrue(spool.receipt(id).isPresent(), "the entry keeps its receipt");
            assertEquals(1, records(home, "\"kind\":\"ENVELOPE\""));
            assertEquals(List.of(), new RetentionSweep(home, POLICY, spool, clock).run(T0).deleted(),
                    "nothing left to do");
        }
    }

    @Test
    void aSweepRecordsEveryIntentOnceAndDeletesNothingItCouldNotRecord() throws Exception {
        StationHome home = new StationHome(temp.resolve("station"));
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        try (Spool spool = Spool.open(home.spool(), clock)) {
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                ids.add(StationData.delivered(spool, temp, 10 + i));
                StationData.archiveReceipt(home, ids.get(i - 1), T0);
            }
            // A log that refuses records (here: closed; in the field: a full disk): no intent, so no deletion.
            TransferLog refusing = TransferLog.open(home, clock);
            refusing.close();
            SweepReport refused = new RetentionSweep(home, POLICY, spool, clock).run(T0, refusing);
            assertEquals(List.of(), refused.deleted());
            assertEquals(5, refused.problems().size());
            for (String id : ids) {
                assertTrue(Files.exists(spool.envelopeFile(id)), "kept: its deletion was never recorded");
            }

            SweepReport report = new RetentionSweep(home, POLICY, spool, clock).run(T0);
            assertEquals(5, report.deleted().size());
            for (String id : ids) {
                assertFalse(Files.exists(spool.envelopeFile(id)));
                assertEquals(1, records(home, "\"entryId\":\"" + id + "\",\"kind\":\"ENVELOPE\""));
            }
        }
    }

    @Test
    void anUndeliveredEntryPastItsDeadlineLeavesTheSpoolWithItsEnvelope() throws Exception {
        StationHome home = new StationHome(temp.resolve("station"));
        try (Spool spool = Spool.open(home.spool(), Clock.fixed(T0, ZoneOffset.UTC))) {
            String id = spool.markCorrupt(StationData.queued(spool, temp, 2), "envelope file is missing").id();
            Instant before = T0.plus(Duration.ofDays(14)).minusSeconds(1);
            Clock clock = Clock.fixed(before, ZoneOffset.UTC);
            assertEquals(List.of(), new RetentionSweep(home, POLICY, spool, clock).run(before).deleted());
            assertTrue(spool.entry(id).isPresent(), "kept until its deadline");

            Instant after = before.plusSeconds(1);
            new RetentionSweep(home, POLICY, spool, Clock.fixed(after, ZoneOffset.UTC)).run(after);
            assertTrue(spool.entry(id).isEmpty());
            assertFalse(Files.exists(spool.envelopeFile(id)));
            assertEquals(1, records(home, "\"entryId\":\"" + id + "\",\"kind\":\"ENTRY\",\"rule\":\"UNDELIVERED_ENTRY\""));
        }
    }

    private static long records(StationHome home, String text) throws Exception {
        return Files.readAllLines(home.log().resolve("transfer-log.jsonl"), StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains(text)).count();
    }
}
