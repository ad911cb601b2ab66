package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.upload.ProgressListener;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder's mapping from upload progress to records (the happy path runs end to end in AuditCommandTest). */
class UploadRecorderTest {
    @TempDir
    Path root;

    @Test
    void resumesAreRecordedAtTheirOffsetAndEverythingIsPassedOn() throws Exception {
        AuditFixture station = new AuditFixture(root);
        String entry = AuditFixture.randomSha256();
        List<String> seen = new ArrayList<>();
        ProgressListener next = new ProgressListener() {
            @Override
            public void entryStarted(String entryId, String filename, long acknowledged, long length) {
                seen.add("started " + acknowledged);
            }

            @Override
            public void entryFinished(String entryId, String filename, EntryState state, String reason) {
                seen.add("finished " + state);
            }
        };
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC());
                Spool spool = Spool.open(station.home.spool(), Clock.systemUTC())) {
            UploadRecorder recorder = new UploadRecorder(log, spool, next);
            recorder.entryStarted(entry, "photo.cms", 0, 4096);
            recorder.entryStarted(entry, "photo.cms", 2048, 4096);
            recorder.entryFinished(entry, "photo.cms", EntryState.FAILED, "connection reset");
            recorder.entryFinished(entry, "photo.cms", EntryState.REJECTED, "free text: never logged");
            UncheckedIOException noReceipt = assertThrows(UncheckedIOException.class,
                    () -> recorder.entryFinished(entry, "photo.cms", EntryState.DELIVERED, null));
            assertTrue(noReceipt.getMessage().contains("holds no receipt"), noReceipt.getMessage());
        }
        assertEquals(List.of("started 0", "started 2048", "finished FAILED", "finished REJECTED"), seen);
        List<String> events = new ArrayList<>();
        for (String line : station.lines()) {
            TransferRecord record = RecordParser.parse(line);
            events.add(record.event().wireName() + record.fields().values());
        }
        assertEquals(List.of("upload-started[" + entry + "]", "upload-resumed[" + entry + ", 2048]",
                "rejected[" + entry + ", UNKNOWN]"), events);
    }
}
