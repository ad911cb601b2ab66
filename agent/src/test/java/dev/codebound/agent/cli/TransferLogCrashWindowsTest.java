package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.audit.EventType;
import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.capture.PhotoSealer;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.CaptureSettings;
import dev.codebound.agent.station.EnvelopeSigner;
import dev.codebound.agent.station.StationConfig;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationKeys;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.agent.upload.MutualTls;
import dev.codebound.agent.upload.ProgressListener;
import dev.codebound.agent.upload.ReceiptArchive;
import dev.codebound.agent.upload.UploadConfig;
import dev.codebound.agent.upload.Uploader;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.photo.check.PhotoInspector;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.wire.ReceiptCodec;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.registry.junit.IssuedCode;
import dev.codebound.testkit.SamplePhotos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two moments where a SIGKILL used to leave the spool and the transfer log disagreeing for ever
 * (found by the crash torture): {@code audit verify} must still pass once the station has finished
 * its work.
 */
class TransferLogCrashWindowsTest {
    @TempDir
    Path temp;

    @RegisterExtension
    CodeboundRegistry registry = CodeboundRegistry.builder().build();

    /** Upload died after the spool stored the receipt and before the log got its 'delivered' record. */
    @Test
    void aDeliveryTheLogMissedIsRecordedByTheNextUploadAndTheAuditPasses() throws Exception {
        // As if killed right after the entry became DELIVERED.
        TestStation station = capturedAndDeliveredWithoutTheLog(11, false);

        CliRun upload = station.run("upload");
        assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
        CliRun audit = station.run("audit", "verify", "--registry", registry.baseUri().toString());
        assertEquals(ExitCodes.OK, audit.exitCode(), audit::both);
    }

    /**
     * Upload died after the receipt was archived and before the log's held 'delivered' record was
     * written (it waits for the log's next write), and the next command to open the spool was not an
     * upload: its retention sweep must not delete the envelope before the log has the delivery, or the
     * log says the envelope went before it was delivered (found by the crash torture).
     */
    @Test
    void aSweepBeforeTheNextUploadRecordsTheMissedDeliveryBeforeDeletingItsEnvelope() throws Exception {
        TestStation station = capturedAndDeliveredWithoutTheLog(13, true);
        StationHome home = station.station();

        Path next = Files.write(temp.resolve("next.jpg"), SamplePhotos.good(14));
        CliRun nextCapture = station.run("capture", "--code", registry.issueCode().text(), next.toString());
        assertEquals(ExitCodes.OK, nextCapture.exitCode(), nextCapture::both);
        try (var envelopes = Files.list(home.spool().resolve("envelopes"))) {
            assertEquals(1, envelopes.count(), "the capture's sweep deleted the delivered envelope; the new one stays");
        }
        CliRun audit = station.run("audit", "verify", "--registry", registry.baseUri().toString());
        assertEquals(ExitCodes.OK, audit.exitCode(), audit::both);
    }

    /**
     * A station that captured one photo, then uploaded it as the upload process does as far as the
     * spool (and, with {@code archiveReceipts}, the receipt archive) is concerned, without the
     * transfer log: what an upload killed before its {@code delivered} record reached the log leaves.
     */
    private TestStation capturedAndDeliveredWithoutTheLog(int photoSeed, boolean archiveReceipts) throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry,
                "--no-passphrase");
        Path photo = Files.write(temp.resolve("photo.jpg"), SamplePhotos.good(photoSeed));
        CliRun capture = station.run("capture", "--code", registry.issueCode().text(), photo.toString());
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);

        StationHome home = station.station();
        StationCredentials credentials = StationKeys.load(home, null);
        try (Spool spool = Spool.open(home.spool(), Clock.systemUTC())) {
            UploadConfig config = UploadConfig.builder(HttpUrl.get(registry.baseUri()).resolve("/files/")).build();
            ProgressListener listener = archiveReceipts
                    ? new ReceiptArchive(home.receipts(), new StationTrust(home).bundle()).listener(spool,
                            ProgressListener.NONE)
                    : ProgressListener.NONE;
            new Uploader(config, MutualTls.create(credentials.privateKey(), List.of(credentials.certificate()),
                    new StationTrust(home).registryCa()).build(), spool, listener).runOnce();
        }
        return station;
    }

    /**
     * Capture died between its record and the moment its envelope became a spool entry (here: making
     * the entry fails). The log names an envelope the spool never got; the photo is captured again,
     * and the audit passes. Logged the other way round, a capture killed after the entry was made
     * would be delivered without a capture record, which the audit reports for ever.
     */
    @Test
    void aCaptureIsLoggedBeforeItsEnvelopeBecomesASpoolEntry() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry,
                "--no-passphrase");
        StationHome home = station.station();
        IssuedCode code = registry.issueCode();
        Path photo = Files.write(temp.resolve("photo.jpg"), SamplePhotos.good(12));
        try (Spool spool = Spool.open(home.spool(), Clock.systemUTC());
                TransferLog log = TransferLog.open(home, Clock.systemUTC(), StationKeys.load(home, null))) {
            // The spool's journal refuses the entry's record, as a crash between the two would leave it.
            spool.close();
            assertThrows(IOException.class, () -> sealer(station).capture(verified(station, code), photo, spool,
                    log));
            assertEquals(1, captureRecords(home), "the capture was logged first");
        }
        try (Spool reopened = Spool.open(home.spool(), Clock.systemUTC());
                var envelopes = Files.list(home.spool().resolve("envelopes"))) {
            assertEquals(0, reopened.entries().size());
            assertEquals(List.of(), envelopes.toList(), "the envelope the spool never took is not left behind");
        }

        CliRun again = station.run("capture", "--code", code.text(), photo.toString());
        assertEquals(ExitCodes.OK, again.exitCode(), again::both);
        CliRun upload = station.run("upload");
        assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
        CliRun audit = station.run("audit", "verify", "--registry", registry.baseUri().toString());
        assertEquals(ExitCodes.OK, audit.exitCode(), audit::both);
        try (var receipts = Files.list(home.receipts())) {
            for (Path receipt : receipts.toList()) {
                assertEquals(1, ReceiptCodec.verify(Files.readAllBytes(receipt), new StationTrust(home).bundle(),
                        "receipt").photoVersion());
            }
        }
        assertTrue(Files.exists(photo));
    }

    /**
     * Issue 11: a capture whose envelope the spool's disk refuses (here: the copy into incoming/
     * fails, as on a disk with room for the sealed envelope but not for its spool copy) used to log
     * a 'captured' record for an envelope that never reached the spool.
     */
    @Test
    void aCaptureTheSpoolRefusesLogsNoCaptureRecord() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry,
                "--no-passphrase");
        StationHome home = station.station();
        IssuedCode code = registry.issueCode();
        Path photo = Files.write(temp.resolve("photo.jpg"), SamplePhotos.good(13));
        try (Spool spool = Spool.open(home.spool(), Clock.systemUTC());
                TransferLog log = TransferLog.open(home, Clock.systemUTC(), StationKeys.load(home, null))) {
            Path envelopes = home.spool().resolve("envelopes");
            Files.delete(envelopes);
            Files.createFile(envelopes);
            assertThrows(IOException.class, () -> sealer(station).capture(verified(station, code), photo, spool,
                    log));
            assertEquals(0, captureRecords(home), "no capture record for a refused copy");
            assertEquals(0, spool.entries().size());
            Files.delete(envelopes);
            Files.createDirectory(envelopes);
        }
        CliRun again = station.run("capture", "--code", code.text(), photo.toString());
        assertEquals(ExitCodes.OK, again.exitCode(), again::both);
        CliRun upload = station.run("upload");
        assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
        CliRun audit = station.run("audit", "verify", "--registry", registry.baseUri().toString());
        assertEquals(ExitCodes.OK, audit.exitCode(), audit::both);
    }

    /** The capture records on disk, counted from the file (every record is its canonical line). */
    private static long captureRecords(StationHome home) throws IOException {
        String marker = "\"event\":\"" + EventType.CAPTURED.wireName() + "\"";
        return Files.readAllLines(home.log().resolve("transfer-log.jsonl")).stream()
                .filter(line -> line.contains(marker)).count();
    }

    private static PhotoSealer sealer(TestStation station) throws Exception {
        StationHome home = station.station();
        StationConfig config = StationConfig.load(home, station.environment());
        return new PhotoSealer(new PhotoInspector(CaptureSettings.photoSpec(config)),
                new EnvelopeSigner(StationKeys.load(home, null), Suite.P256_AES256GCM_SHA256),
                new StationTrust(home).bundle(), Clock.systemUTC());
    }

    private static VerifiedCode verified(TestStation station, IssuedCode code) throws Exception {
        StationHome home = station.station();
        return new CodeVerifier(new StationTrust(home).bundle(),
                StationConfig.load(home, station.environment()).schools()).verify(code.text(), Instant.now());
    }
}
