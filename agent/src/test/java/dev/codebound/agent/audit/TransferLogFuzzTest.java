package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz tests for the station's transfer-log reader (docs/security-fuzzing.md): an auditor reads a
 * log file that may have been tampered with, so every line is untrusted. Seeds: the lines of a log
 * a real {@link TransferLog} wrote ({@link #main} writes them again).
 */
class TransferLogFuzzTest {
    private static final Path INPUTS = Path.of(
            "src/test/resources/dev/codebound/agent/audit/TransferLogFuzzTestInputs");

    /** One line: only MalformedRecordException escapes; a line that parses is canonical and parses the same again. */
    @FuzzTest(maxDuration = "60s")
    void record(byte[] input) throws RecordParser.MalformedRecordException {
        String line = new String(input, StandardCharsets.UTF_8);
        TransferRecord record;
        try {
            record = RecordParser.parse(line);
        } catch (RecordParser.MalformedRecordException e) {
            return;
        }
        assertEquals(line, record.line());
        assertEquals(record.line(), RecordParser.parse(record.line()).line());
    }

    /**
     * A whole log file as {@link LogReader} reads it: splitting keeps every byte (complete lines plus
     * a torn tail), and parsing each line lets only MalformedRecordException escape.
     */
    @FuzzTest(maxDuration = "60s")
    void logFile(byte[] file) {
        LogFiles.Content content = LogFiles.split(file);
        int newlines = 0;
        int last = -1;
        for (int i = 0; i < file.length; i++) {
            if (file[i] == '\n') {
                newlines++;
                last = i;
            }
        }
        assertEquals(newlines, content.lines().size());
        assertArrayEquals(Arrays.copyOfRange(file, last + 1, file.length), content.tail());
        for (String line : content.lines()) {
            try {
                RecordParser.parse(line);
            } catch (RecordParser.MalformedRecordException e) {
                // documented refusal, named by line
            }
        }
    }

    /** Writes the seeds from a log written by the real TransferLog (run from the agent module directory). */
    public static void main(String[] args) throws Exception {
        Path root = Files.createTempDirectory("transfer-log-seeds");
        AuditFixture fixture = new AuditFixture(root);
        Clock clock = Clock.fixed(Instant.parse("2027-06-01T09:00:00Z"), ZoneOffset.UTC);
        try (TransferLog log = TransferLog.open(fixture.home, clock, AuditFixture.STATION)) {
            fixture.deliver(log);
            log.rejected(AuditFixture.randomSha256(), "CODE_REVOKED");
            log.uploadResumed(AuditFixture.randomSha256(), 4096);
            log.spoolEntryRemoved(AuditFixture.randomSha256());
            log.trustUpdated(2);
            log.checkpoint(AuditFixture.STATION);
        }
        byte[] bytes = Files.readAllBytes(fixture.logFile());
        Files.createDirectories(INPUTS.resolve("logFile"));
        Files.write(INPUTS.resolve("logFile/transfer-log.jsonl"), bytes);
        Files.createDirectories(INPUTS.resolve("record"));
        List<String> lines = LogFiles.split(bytes).lines();
        for (int i = 0; i < lines.size(); i++) {
            Files.writeString(INPUTS.resolve("record/line-" + (i + 1) + ".json"), lines.get(i));
        }
    }
}
