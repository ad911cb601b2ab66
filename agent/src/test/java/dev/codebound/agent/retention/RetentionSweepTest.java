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
import java.nio.file.attribute.FileTime;
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
            StationData.archiveReceipt(spool, home, id, T0);
            // The state a kill -9 leaves between the intent and the deletion: the record is durable, the file is not gone.
            try (TransferLog log = TransferLog.open(home, clock)) {
                log.retentionDeleted(id, "ENVELOPE", "ENVELOPE_AFTER_DELIVERY");
            }
            assertTrue(Files.exists(spool.envelopeFile(id)));

            SweepReport report = new RetentionSweep(home, POLICY, spool, clock).run(T0);
            assertEquals(List.of(RetentionRule.ENVELOPE_AFTER_DELIVERY),
                    report.deleted().stream().map(Deletion::rule).toList());
            assertFalse(Files.exists(spool.envelopeFile(id)));
            assertTrue(Files.exists(home.receipt(id)), "the archive keeps the receipt");
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
                StationData.archiveReceipt(spool, home, ids.get(i - 1), T0);
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

    /**
     * A delivered entry whose envelope is gone and whose receipt is archived leaves the spool, so
     * that the spool holds what is on its way and not the station's history: its receipt stays in
     * the archive and its delivery in the log (a record a crash lost is written first). Entries the
     * spool still has work for, or whose archived copy is not the spool's, stay.
     */
    @Test
    void deliveredEntriesLeaveTheSpoolOnceTheArchiveAndTheLogHoldTheirDelivery() throws Exception {
        StationHome home = new StationHome(temp.resolve("station"));
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        RetentionPolicy keepOriginals = new RetentionPolicy(Optional.of(Duration.ofHours(1)), Duration.ZERO,
                Duration.ofDays(14), Duration.ofDays(7));
        String settled;
        try (Spool spool = Spool.open(home.spool(), clock)) {
            settled = StationData.delivered(spool, temp, 1);
            StationData.archiveReceipt(spool, home, settled, T0);
            String notArchived = StationData.delivered(spool, temp, 2);
            String otherCopy = StationData.delivered(spool, temp, 3);
            StationData.archiveReceipt(spool, home, otherCopy, T0);
            Files.writeString(home.receipt(otherCopy), "{\"receipt\":\"not the spool's\"}");
            String originalKept = StationData.delivered(spool, temp, 4);
            StationData.archiveReceipt(spool, home, originalKept, T0);
            Path hot = temp.resolve("hot");
            new HotFolders(home).register(hot);
            Path done = Files.createDirectories(hot.resolve("done"));
            Files.write(done.resolve(RetentionPlanner.originalName(originalKept)), new byte[] {1});
            String queued = StationData.queued(spool, temp, 5);

            new RetentionSweep(home, keepOriginals, spool, clock).run(T0);

            assertTrue(spool.entry(settled).isEmpty(), "settled: it left the spool");
            assertTrue(Files.exists(home.receipt(settled)));
            assertEquals(1, records(home, "\"event\":\"delivered\",\"entryId\":\"" + settled + "\""),
                    "the delivery a crash kept out of the log is recorded before the entry goes");
            for (String kept : List.of(notArchived, otherCopy, originalKept, queued)) {
                assertTrue(spool.entry(kept).isPresent(), Spool.shortId(kept) + " stays");
            }
        }
        try (Spool reopened = Spool.open(home.spool(), clock)) {
            assertTrue(reopened.entry(settled).isEmpty(), "the spool's journal says so durably");
            assertEquals(4, reopened.entries().size());
        }
    }

    /**
     * A sweep that did all it recorded marks the log; the next one looks for an interrupted sweep's
     * records after the mark only: an intent a crash left after it is still finished without a second
     * record, while a photo dropped again after a finished sweep deleted it gets a record of its own.
     */
    @Test
    void aFinishedSweepMarksTheLogAndTheNextLooksForInterruptedOnesAfterIt() throws Exception {
        StationHome home = new StationHome(temp.resolve("station"));
        Instant now = T0.plus(Duration.ofDays(8));
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        Path hot = temp.resolve("hot");
        new HotFolders(home).register(hot);
        Path rejected = Files.createDirectories(hot.resolve("rejected"));
        byte[] refusedPhoto = {(byte) 0xFF, (byte) 0xD8, 7};
        try (Spool spool = Spool.open(home.spool(), clock)) {
            Files.setLastModifiedTime(Files.write(rejected.resolve("a.jpg"), refusedPhoto), FileTime.from(T0));
            assertEquals(1, new RetentionSweep(home, POLICY, spool, clock).run(now).deleted().size());
            assertTrue(Files.exists(RetentionSweep.sweptThroughFile(home)));

            String id = StationData.delivered(spool, temp, 1);
            StationData.archiveReceipt(spool, home, id, T0);
            try (TransferLog log = TransferLog.open(home, clock)) {
                log.retentionDeleted(id, "ENVELOPE", "ENVELOPE_AFTER_DELIVERY");
            }
            Files.setLastModifiedTime(Files.write(rejected.resolve("a.jpg"), refusedPhoto), FileTime.from(T0));

            assertEquals(2, new RetentionSweep(home, POLICY, spool, clock).run(now).deleted().size());
            assertEquals(1, records(home, "\"entryId\":\"" + id + "\",\"kind\":\"ENVELOPE\""),
                    "the interrupted deletion after the mark is finished without a second record");
            assertEquals(2, records(home, "\"kind\":\"REFUSED_PHOTO\""), "the photo dropped again has its own");
        }
    }

    private static long records(StationHome home, String text) throws Exception {
        return Files.readAllLines(home.log().resolve("transfer-log.jsonl"), StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains(text)).count();
    }
}
