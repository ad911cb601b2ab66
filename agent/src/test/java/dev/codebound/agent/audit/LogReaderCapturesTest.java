package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The captures of a few recent entries are found from the end of the log: the history before them
 * is not read as records (damage there is audit verify's to find), a damaged capture of an entry
 * asked about is refused, and an entry without a capture is simply absent.
 */
class LogReaderCapturesTest {
    @TempDir
    Path root;

    @Test
    void recentCapturesAreFoundWithoutReadingTheHistoryBeforeThem() throws Exception {
        AuditFixture station = new AuditFixture(root);
        String old = AuditFixture.randomSha256();
        String recent = AuditFixture.randomSha256();
        String photo = AuditFixture.randomSha256();
        String never = AuditFixture.randomSha256();
        try (TransferLog log = TransferLog.open(station.home, TransferLogTest.FIXED)) {
            log.captured(old, "ABCDEFGHIJKLMNOP", 34567, AuditFixture.randomSha256());
            log.captured(recent, "QRSTUVWXYZ234567", 34568, photo);
            log.delivered(recent, AuditFixture.randomSha256(), 3);
        }
        List<String> lines = new ArrayList<>(station.lines());
        lines.add(0, "not a record: the history before the captures asked about");
        Files.writeString(station.logFile(), String.join("\n", lines) + "\n");

        Map<String, TransferRecord> captures = LogReader.capturesOf(station.home, List.of(recent));
        assertEquals(Set.of(recent), captures.keySet());
        TransferRecord capture = captures.get(recent);
        assertEquals(EventType.CAPTURED, capture.event());
        assertEquals(photo, capture.fields().get(Field.PHOTO_SHA256.jsonName()));
        assertEquals("QRSTUVWXYZ234567", capture.fields().get(Field.CODE_ID.jsonName()));

        assertEquals(Set.of(recent, old), LogReader.capturesOf(station.home, List.of(recent, old, never)).keySet(),
                "an entry the log has no capture of is absent; the damaged line names none of them");
    }

    @Test
    void aDamagedCaptureOfAnEntryAskedAboutIsRefused() throws Exception {
        AuditFixture station = new AuditFixture(root);
        String entry = AuditFixture.randomSha256();
        try (TransferLog log = TransferLog.open(station.home, TransferLogTest.FIXED)) {
            log.captured(entry, "ABCDEFGHIJKLMNOP", 34567, AuditFixture.randomSha256());
        }
        List<String> lines = new ArrayList<>(station.lines());
        int captured = lines.indexOf(lines.stream().filter(line -> line.contains("\"event\":\"captured\"")).findFirst()
                .orElseThrow());
        lines.set(captured, lines.get(captured).replace("\"envelopeLength\":34567", "\"envelopeLength\":034567"));
        Files.writeString(station.logFile(), String.join("\n", lines) + "\n");

        LogReader.UnreadableLogException refused = assertThrows(LogReader.UnreadableLogException.class,
                () -> LogReader.capturesOf(station.home, List.of(entry)));
        assertTrue(refused.getMessage().contains("the capture of entry " + entry + " is not a well-formed record")
                && refused.getMessage().contains("audit verify"), refused.getMessage());
    }
}
