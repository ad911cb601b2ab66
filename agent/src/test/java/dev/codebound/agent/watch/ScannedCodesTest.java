package dev.codebound.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.codebound.protocol.io.GroupCommitJournal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scanned codes' journal: appends, reopening, expiry, the count limit, compaction, a torn or
 * damaged record, two users of one file, and carrying over (and fencing off) an older agent's
 * {@code scanned-codes.json} (its damaged-file cases are the findings of {@code ScannedCodesFuzzTest},
 * docs/security-fuzzing.md).
 */
class ScannedCodesTest {
    private static final Instant MORNING = Instant.parse("2027-06-01T09:00:00Z");

    @TempDir
    Path home;

    @Test
    void rememberedCodesAreFoundAfterReopeningAndTheFileIsTheOwnersOnly() throws IOException {
        codes().rememberScans(List.of(scan("AAAA", MORNING), scan("BBBB", MORNING)), MORNING);
        codes().rememberScans(List.of(scan("CCCC", MORNING.plusSeconds(60))), MORNING.plusSeconds(60));

        ScannedCodes reopened = codes();
        assertEquals("CB1:AAAA.text", reopened.find("AAAA").orElseThrow().text());
        assertEquals(MORNING.plusSeconds(60), reopened.find("CCCC").orElseThrow().scannedAt());
        assertTrue(reopened.find("DDDD").isEmpty());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal())));
    }

    /** The defect this journal fixes: every scan rewrote the whole file, so a scan cost more the more codes it held. */
    @Test
    void aScanAppendsOneRecordInsteadOfRewritingTheFile() throws IOException {
        ScannedCodes codes = codes();
        codes.rememberScans(List.of(scan("FIRST", MORNING)), MORNING);
        Object inode = fileKey();
        long size = Files.size(journal());
        for (int i = 0; i < 300; i++) {
            Instant at = MORNING.plusSeconds(i);
            codes.rememberScans(List.of(scan("CODE" + i, at)), at);
        }
        assertEquals(inode, fileKey(), "the same file, appended to, never replaced");
        assertEquals(301, records().size());
        long recordBytes = Files.size(journal()) - size;
        assertTrue(recordBytes < 300 * 120, "each scan adds one small record: " + recordBytes + " bytes for 300");
    }

    @Test
    void scanningACodeAgainMakesItTheLatestAndCompactionKeepsOnlyThat() throws IOException {
        ScannedCodes codes = codes();
        codes.rememberScans(List.of(scan("AAAA", MORNING), scan("BBBB", MORNING)), MORNING);
        codes.rememberScans(List.of(scan("AAAA", MORNING.plusSeconds(5))), MORNING.plusSeconds(5));
        assertEquals(MORNING.plusSeconds(5), codes.find("AAAA").orElseThrow().scannedAt());
        assertEquals(3, records().size());

        // The next process's first use compacts the superseded record away.
        assertEquals(MORNING.plusSeconds(5), codes(MORNING.plusSeconds(10)).find("AAAA").orElseThrow().scannedAt());
        assertEquals(List.of("BBBB", "AAAA"), records().stream().map(ScannedCodes.Scanned::codeId).toList());
    }

    @Test
    void anAppendAfterThreeDaysDropsTheExpiredCodesFromTheFile() throws IOException {
        ScannedCodes codes = codes();
        codes.rememberScans(List.of(scan("OLD1", MORNING), scan("OLD2", MORNING)), MORNING);
        Instant later = MORNING.plus(ScannedCodes.RETENTION).plusSeconds(1);
        codes.rememberScans(List.of(scan("NEW1", later)), later);

        assertTrue(codes.find("OLD1").isEmpty());
        assertEquals(List.of("NEW1"), records().stream().map(ScannedCodes.Scanned::codeId).toList());
    }

    /** A watch left running without scans still drops codes after three days, and compacts only when one expired. */
    @Test
    void dropExpiredCompactsOnlyOnceACodeIsOlderThanThreeDays() throws IOException {
        ScannedCodes codes = codes();
        codes.rememberScans(List.of(scan("OLD1", MORNING)), MORNING);
        Instant soon = MORNING.plusSeconds(30);
        codes.rememberScans(List.of(scan("SOON", soon)), soon);
        Object inode = fileKey();

        codes.dropExpired(MORNING.plus(ScannedCodes.RETENTION));
        assertEquals(inode, fileKey(), "nothing older than three days yet: no rewrite");

        codes.dropExpired(MORNING.plus(ScannedCodes.RETENTION).plusSeconds(1));
        assertNotEquals(inode, fileKey());
        // Within the hour before its expiry: dropped by the same compaction, so the next one is an hour away.
        assertEquals(List.of(), records());
        assertTrue(codes.find("SOON").isEmpty());
    }

    @Test
    void theFileNeverHoldsMoreThanCapacityAndKeepsTheNewestCodes() throws IOException {
        ScannedCodes codes = codes();
        int total = ScannedCodes.CAPACITY + 300;
        List<Integer> sizes = new ArrayList<>();
        for (int batch = 0; batch < total / 100; batch++) {
            Instant at = MORNING.plusSeconds(batch);
            int first = batch * 100;
            codes.rememberScans(IntStream.range(first, first + 100).mapToObj(i -> scan("CODE" + i, at)).toList(), at);
            sizes.add(records().size());
        }
        assertTrue(sizes.stream().allMatch(size -> size <= ScannedCodes.CAPACITY), sizes.toString());
        assertEquals(ScannedCodes.CAPACITY, sizes.get(ScannedCodes.CAPACITY / 100 - 1));
        // Passing the limit compacted down to the newest COMPACTED_CAPACITY, then appends resumed.
        assertEquals(ScannedCodes.COMPACTED_CAPACITY + 200, sizes.get(sizes.size() - 1));
        assertTrue(codes.find("CODE" + (total - 1)).isPresent());
        assertTrue(codes.find("CODE" + (total - ScannedCodes.COMPACTED_CAPACITY - 200)).isPresent());
        assertTrue(codes.find("CODE" + (total - ScannedCodes.COMPACTED_CAPACITY - 201)).isEmpty());
    }

    /** A batch as large as the limit (a whole day's codes on one watch's standard input) is kept whole. */
    @Test
    void aBatchOfCapacityScansIsKeptWholeByTheCompactionItTriggers() throws IOException {
        ScannedCodes codes = codes();
        codes.rememberScans(List.of(scan("EARLIER", MORNING)), MORNING);
        Instant at = MORNING.plusSeconds(60);
        codes.rememberScans(IntStream.range(0, ScannedCodes.CAPACITY).mapToObj(i -> scan("CODE" + i, at)).toList(), at);

        assertEquals(ScannedCodes.CAPACITY, records().size());
        assertTrue(codes.find("CODE0").isPresent(), "the batch's first code");
        assertTrue(codes().find("CODE" + (ScannedCodes.CAPACITY - 1)).isPresent());
        assertTrue(codes.find("EARLIER").isEmpty(), "the oldest code makes room");
    }

    /**
     * A crash in the middle of an append leaves part of a record at the end; it was never
     * acknowledged (not synced). The next user of the file skips it and cuts it (under the journal
     * lock, where no append is half done), so that the next append follows the intact records.
     */
    @Test
    void aTornLastRecordIsCutAndTheNextAppendFollowsTheIntactRecords() throws IOException {
        codes().rememberScans(List.of(scan("AAAA", MORNING)), MORNING);
        byte[] next = GroupCommitJournal.frame(List.of("{\"codeId\":\"BBBB\",\"text\":\"CB1:BBBB.text\",\"scannedAt\":\"2027-06-01T09:00:01Z\"}".getBytes(StandardCharsets.UTF_8)));
        Files.write(journal(), java.util.Arrays.copyOf(next, next.length - 7), StandardOpenOption.APPEND);

        ScannedCodes codes = codes();
        assertTrue(codes.find("AAAA").isPresent());
        assertTrue(codes.find("BBBB").isEmpty());
        codes.rememberScans(List.of(scan("CCCC", MORNING.plusSeconds(2))), MORNING.plusSeconds(2));

        GroupCommitJournal.Replay replay = GroupCommitJournal.read(journal(), payload -> { });
        assertEquals(0, replay.cutBytes(), "the torn record was cut before the append, not left in the middle");
        assertEquals(List.of("AAAA", "CCCC"), records().stream().map(ScannedCodes.Scanned::codeId).toList());
    }

    @Test
    void aRecordWithoutItsFieldsIsReportedWithTheFileAndWhatToDo() throws IOException {
        codes().rememberScans(List.of(scan("AAAA", MORNING)), MORNING);
        long at = Files.size(journal());
        Files.write(journal(), GroupCommitJournal.frame(List.of("{\"codeId\":\"BBBB\"}".getBytes(StandardCharsets.UTF_8))),
                StandardOpenOption.APPEND);

        IOException refusal = assertThrows(IOException.class, () -> codes().find("AAAA"));
        assertEquals(journal() + " is damaged: its record at byte " + at + " lacks codeId, text or scannedAt; "
                + "delete it and scan the codes again", refusal.getMessage());
    }

    @Test
    void aFileThatIsNotAJournalIsReportedWithWhatToDo() throws IOException {
        Files.writeString(journal(), "{\"codes\":[]}");
        IOException refusal = assertThrows(IOException.class, () -> codes().find("AAAA"));
        assertTrue(refusal.getMessage().startsWith(journal() + " is not a scanned-codes journal"), refusal.getMessage());
        assertTrue(refusal.getMessage().endsWith("delete it and scan the codes again"), refusal.getMessage());
    }

    /**
     * Crash during a compaction, before its rename: the old journal is intact and used, and the
     * half-written new file (it holds codes too) is deleted by the next process's first use.
     */
    @Test
    void aCompactionCutShortLeavesTheOldJournalAndItsLeftoverIsDeleted() throws IOException {
        codes().rememberScans(List.of(scan("AAAA", MORNING), scan("BBBB", MORNING)), MORNING);
        Path leftover = home.resolve("scanned-codes.journal.compacting");
        Files.write(leftover, java.util.Arrays.copyOf(Files.readAllBytes(journal()), 20));

        ScannedCodes codes = codes();
        assertTrue(codes.find("BBBB").isPresent());
        assertFalse(Files.exists(leftover));
        assertEquals(List.of("AAAA", "BBBB"), records().stream().map(ScannedCodes.Scanned::codeId).toList());
    }

    /**
     * The codes are kept in memory between lookups (a parse per photo was a quarter of capture's
     * CPU), yet a code another process remembers meanwhile (e.g. {@code code verify --remember}
     * beside a running watch) is found, after an append and after a compaction by the other one;
     * and the watch's own next append goes to the compacted file.
     */
    @Test
    void whatAnotherUserOfTheFileWritesIsFoundDespiteTheCache() throws IOException {
        ScannedCodes watching = codes();
        watching.rememberScans(List.of(scan("AAAA", MORNING)), MORNING);
        assertTrue(watching.find("BBBB").isEmpty());

        codes().rememberScans(List.of(scan("BBBB", MORNING.plusSeconds(1))), MORNING.plusSeconds(1));
        assertTrue(watching.find("BBBB").isPresent());

        Instant later = MORNING.plus(ScannedCodes.RETENTION).plusSeconds(10);
        codes().rememberScans(List.of(scan("CCCC", later)), later);
        assertTrue(watching.find("CCCC").isPresent());
        assertTrue(watching.find("AAAA").isEmpty());
        watching.rememberScans(List.of(scan("DDDD", later.plusSeconds(1))), later.plusSeconds(1));
        assertEquals(List.of("CCCC", "DDDD"), records().stream().map(ScannedCodes.Scanned::codeId).toList());
    }

    @Test
    void anOlderAgentsFileIsCarriedOverOnceAndReplacedByOneThatAgentRefuses() throws Exception {
        Path legacy = home.resolve("scanned-codes.json");
        Files.writeString(legacy, """
                {"codes":[{"codeId":"EXPIRED","text":"CB1:EXPIRED.text","scannedAt":"2027-05-01T09:00:00Z"},
                {"codeId":"AAAA","text":"CB1:AAAA.text","scannedAt":"2027-06-01T08:00:00Z"}]}""");

        ScannedCodes codes = codes();
        codes.rememberScans(List.of(scan("BBBB", MORNING)), MORNING);
        assertEquals(List.of("AAAA", "BBBB"), records().stream().map(ScannedCodes.Scanned::codeId).toList());
        assertEquals(LegacyScannedCodes.MOVED, Files.readString(legacy));
        assertTrue(codes.find("EXPIRED").isEmpty());
        Object inode = fileKey();
        codes().find("AAAA");
        assertEquals(inode, fileKey(), "carried over once: the marker is not read as codes again");

        // What an agent from before the journal does with the marker (its parser, as it was): it refuses it.
        ObjectMapper oldAgent = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        Exception refused = assertThrows(Exception.class,
                () -> oldAgent.readValue(Files.readAllBytes(legacy), OldLayout.class));
        assertTrue(refused.getMessage().contains("Cannot deserialize"), refused.getMessage());
    }

    /** The layout agents before the journal read: {@code {"codes":[...]}}. */
    record OldLayout(List<ScannedCodes.Scanned> codes) {}

    /** A station that went back to an older agent, deleted the marker and scanned with it: those codes come back too. */
    @Test
    void codesAnOlderAgentWroteAfterTheMoveAreCarriedOverOnTheNextUse() throws IOException {
        Files.writeString(home.resolve("scanned-codes.json"), "{\"codes\":[]}");
        codes().rememberScans(List.of(scan("AAAA", MORNING)), MORNING);
        Files.writeString(home.resolve("scanned-codes.json"), """
                {"codes":[{"codeId":"BBBB","text":"CB1:BBBB.text","scannedAt":"2027-06-01T09:30:00Z"}]}""");

        assertTrue(codes(MORNING.plusSeconds(3600)).find("BBBB").isPresent());
        assertEquals(List.of("AAAA", "BBBB"), records().stream().map(ScannedCodes.Scanned::codeId).toList());
    }

    /**
     * The fuzzer's input {@code crash-c3d81b9c…} against the old file: the second entry has no
     * codeId, so looking any code up threw NullPointerException and stopped watch instead of saying
     * what to do. It still must not: the old file is read once, to carry it over.
     */
    @Test
    void anOlderAgentsEntryWithoutCodeIdIsReportedNotACrash() throws IOException {
        Files.writeString(home.resolve("scanned-codes.json"), """
                {"codes":[{"codeId":"7GQ2-KXlAA","scannedAt":"2013-06-01T09:00:00Z"},\
                {"t":"2027-06-027-06-01T09+05:12.5Z"}]}""");
        IOException refusal = assertThrows(IOException.class, () -> codes().find("7GQ2-KX4M"));
        assertTrue(refusal.getMessage().contains("scanned-codes.json is not a scanned-codes file (codes[0] lacks "
                + "codeId, text or scannedAt)"), refusal.getMessage());
        assertTrue(refusal.getMessage().endsWith("delete it and scan the codes again"), refusal.getMessage());
    }

    @Test
    void anOlderAgentsNullEntryOrNullFileIsReportedNotACrash() throws IOException {
        Files.writeString(home.resolve("scanned-codes.json"), "{\"codes\":[null]}");
        assertTrue(assertThrows(IOException.class, () -> codes().find("A")).getMessage().contains("codes[0] lacks codeId"));
        Files.writeString(home.resolve("scanned-codes.json"), "null");
        assertTrue(assertThrows(IOException.class, () -> codes().find("A")).getMessage().contains("not a JSON object"));
    }

    private ScannedCodes codes() {
        return codes(MORNING);
    }

    private ScannedCodes codes(Instant now) {
        return new ScannedCodes(journal(), Clock.fixed(now, ZoneOffset.UTC));
    }

    private Path journal() {
        return home.resolve("scanned-codes.journal");
    }

    private Object fileKey() throws IOException {
        return Files.readAttributes(journal(), BasicFileAttributes.class).fileKey();
    }

    /** Every record in the journal, superseded ones included, in file order. */
    private List<ScannedCodes.Scanned> records() throws IOException {
        return ScannedCodesFiles.records(journal());
    }

    static ScannedCodes.Scanned scan(String codeId, Instant at) {
        return new ScannedCodes.Scanned(codeId, "CB1:" + codeId + ".text", at);
    }
}
