package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.Certificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every way of editing a record of a real 23-record log is caught, and named by its line. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogTamperTest {
    @TempDir
    static Path root;
    AuditFixture station;
    List<String> original;
    Path lastCheckpoint;

    @BeforeAll
    void writeLog() throws Exception {
        station = new AuditFixture(root.resolve("home"));
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC())) {
            log.keyCreated(TransferLog.keyFingerprint(AuditFixture.STATION.certificate().getPublicKey()));
            log.enrolled(AuditFixture.STATION.stationId(), Certificates.fingerprint(AuditFixture.STATION.certificate()));
            log.trustUpdated(1);
            station.deliver(log);
            log.checkpoint(AuditFixture.STATION);
            station.deliver(log);
            String refused = AuditFixture.randomSha256();
            log.captured(refused, AuditFixture.codeId(), 30_000, AuditFixture.randomSha256());
            log.uploadStarted(refused);
            log.uploadResumed(refused, 16_384);
            log.rejected(refused, "CODE_REVOKED");
            log.checkpoint(AuditFixture.STATION);
            station.deliver(log);
            log.spoolEntryRemoved(refused);
            log.checkpoint(AuditFixture.STATION);
        }
        original = station.lines();
        assertEquals(23, original.size());
        lastCheckpoint = root.resolve("kept-checkpoint.jsonl");
        Files.writeString(lastCheckpoint, original.get(22) + "\n");
        AuditReport clean = verify(original, lastCheckpoint);
        assertTrue(clean.ok() && clean.notes().contains("registry consistency not checked: give --registry URL or "
                + "--registry-checkpoint FILE"), clean.toText());
        assertEquals(3L, clean.counts().get("receipts"));
    }

    @Test
    void aFlippedByteAnywhereInAnyRecordIsNamed() throws Exception {
        for (int i = 0; i < original.size(); i++) {
            String line = original.get(i);
            for (int position : new int[] {2, 9, line.length() / 3, line.length() / 2, line.length() - 3}) {
                List<String> lines = new ArrayList<>(original);
                lines.set(i, flip(line, position));
                assertFirstFailureAt(i + 1, lines, "byte " + position + " of line " + (i + 1));
            }
        }
    }

    @Test
    void aDeletedRecordIsNamedUnlessItIsTheLastOne() throws Exception {
        for (int i = 0; i < original.size() - 1; i++) {
            List<String> lines = new ArrayList<>(original);
            lines.remove(i);
            AuditReport.Failure failure = assertFirstFailureAt(i + 1, lines, "deleted line " + (i + 1));
            assertTrue(failure.message().contains("record " + (i + 1) + " was removed"), failure.toString());
        }
    }

    @Test
    void reorderedRecordsAreNamed() throws Exception {
        for (int i = 0; i < original.size() - 1; i++) {
            List<String> lines = new ArrayList<>(original);
            lines.set(i, original.get(i + 1));
            lines.set(i + 1, original.get(i));
            assertFirstFailureAt(i + 1, lines, "swapped lines " + (i + 1) + " and " + (i + 2));
        }
    }

    @Test
    void anInsertedRecordIsNamed() throws Exception {
        for (int i = 0; i < original.size(); i++) {
            List<String> lines = new ArrayList<>(original);
            lines.add(i + 1, original.get(i));
            AuditReport.Failure failure = assertFirstFailureAt(i + 2, lines, "duplicated line " + (i + 1));
            assertTrue(failure.message().contains("inserted"), failure.toString());
        }
    }

    @Test
    void aForgedRecordWithACorrectChainIsCaughtAtTheNextLine() throws Exception {
        List<String> lines = new ArrayList<>(original);
        TransferRecord before = RecordParser.parse(original.get(9));
        TransferRecord forged = TransferRecord.create(11, before.time(), EventType.UPLOAD_STARTED,
                Map.of("entryId", AuditFixture.randomSha256()), Sha256.hex(original.get(9).getBytes(StandardCharsets.UTF_8)));
        lines.add(10, forged.line());
        AuditReport.Failure failure = assertFirstFailureAt(12, lines, "forged record inserted as line 11");
        assertTrue(failure.message().contains("line 11 already had seq 11"), failure.toString());
    }

    @Test
    void rewritingRecordsBeforeACheckpointBreaksItsSignature() throws Exception {
        List<String> lines = new ArrayList<>(original);
        String prev = Sha256.hex(lines.get(3).getBytes(StandardCharsets.UTF_8));
        for (int i = 4; i < lines.size(); i++) {
            TransferRecord record = RecordParser.parse(lines.get(i));
            Map<String, Object> fields = new LinkedHashMap<>(record.fields());
            if (i == 4) {
                fields.put("envelopeLength", 99_999L);
            }
            if (record.event() == EventType.CHECKPOINT) {
                // The forger can re-point a checkpoint at the new chain but cannot re-sign it without the key.
                fields.put("head", prev);
            }
            TransferRecord rewritten = TransferRecord.create(record.seq(), record.time(), record.event(), fields, prev);
            lines.set(i, rewritten.line());
            prev = rewritten.lineHash();
        }
        AuditReport.Failure failure = assertFirstFailureAt(8, lines, "rewritten capture with a recomputed chain");
        assertTrue(failure.message().contains("checkpoint signature does not verify"), failure.toString());
    }

    @Test
    void truncationAfterTheLastCheckpointIsCaughtOnlyAgainstARememberedOne() throws Exception {
        List<String> truncated = new ArrayList<>(original.subList(0, 21));
        AuditReport without = verify(truncated, null);
        assertTrue(without.ok(), "undetectable from the files alone: " + without.toText());
        assertTrue(without.notes().stream().anyMatch(note -> note.contains("4 records follow the last checkpoint")),
                without.toText());

        AuditReport with = verify(truncated, lastCheckpoint);
        assertFalse(with.ok());
        assertEquals("expected-checkpoint", with.failures().get(0).check());
        assertTrue(with.failures().get(0).message().contains("the log has 21 records but the remembered checkpoint is "
                + "record 23"), with.toText());

        List<String> withoutLast = new ArrayList<>(original.subList(0, 22));
        assertTrue(verify(withoutLast, null).ok());
        assertFalse(verify(withoutLast, lastCheckpoint).ok());
    }

    @Test
    void aRememberedCheckpointMustBeGenuine() throws Exception {
        Path forged = root.resolve("forged-checkpoint.jsonl");
        String genuine = original.get(22);
        int inSignature = genuine.indexOf("\"signature\":\"") + 20;
        char replacement = genuine.charAt(inSignature) == 'A' ? 'B' : 'A';
        Files.writeString(forged, genuine.substring(0, inSignature) + replacement + genuine.substring(inSignature + 1)
                + "\n");
        AuditReport report = verify(original, forged);
        assertFalse(report.ok());
        assertTrue(report.failures().get(0).message().contains("does not verify: it is not the station's"),
                report.toText());
    }

    @Test
    void aCopiedOlderLogServesAsTheRememberedCheckpoint() throws Exception {
        Path olderCopy = root.resolve("older-copy.jsonl");
        Files.writeString(olderCopy, String.join("\n", original.subList(0, 17)) + "\n");
        assertTrue(verify(original, olderCopy).ok());
        assertFalse(verify(original.subList(0, 16), olderCopy).ok());
    }

    private AuditReport.Failure assertFirstFailureAt(long line, List<String> lines, String what) throws Exception {
        AuditReport report = verify(lines, null);
        assertFalse(report.ok(), what + " went unnoticed");
        AuditReport.Failure first = report.failures().get(0);
        assertNotNull(first);
        assertEquals("chain", first.check(), what + ": " + report.toText());
        assertEquals(line, first.line(), what + ": " + report.toText());
        return first;
    }

    private AuditReport verify(List<String> lines, Path expect) throws Exception {
        station.writeLines(lines);
        try {
            return LogVerifier.verify(station.home, new LogVerifier.Options(null, null, expect));
        } finally {
            station.writeLines(original == null ? lines : original);
        }
    }

    private static String flip(String line, int position) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        bytes[position] ^= 0x01;
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
