package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationKeys;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.agent.upload.MutualTls;
import dev.codebound.agent.upload.ProgressListener;
import dev.codebound.agent.upload.UploadConfig;
import dev.codebound.agent.upload.UploadRun;
import dev.codebound.agent.upload.Uploader;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.testkit.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload worker goes on with its next envelope while the journal syncs the DELIVERED record of
 * the one before. A kill in that window (the registry has accepted the envelope and sent its
 * receipt; the station's disk does not have the record) must leave a state the next run repairs:
 * the envelope is uploaded again, the registry answers with the very same receipt, and the audit
 * passes.
 */
class UnsyncedDeliveryCrashTest {
    @TempDir
    Path temp;

    @RegisterExtension
    CodeboundRegistry registry = CodeboundRegistry.builder().build();

    @Test
    void aDeliveryWhoseRecordNeverReachedTheDiskIsUploadedAgainAndGetsTheSameReceipt() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry,
                "--no-passphrase");
        Path photo = Files.write(temp.resolve("photo.jpg"), SamplePhotos.good(21));
        CliRun capture = station.run("capture", "--code", registry.issueCode().text(), photo.toString());
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        StationHome home = station.station();
        Path journal = Spool.journalFile(home.spool());
        byte[] journalBeforeUpload = Files.readAllBytes(journal);

        String id;
        byte[] firstReceipt;
        StationCredentials credentials = StationKeys.load(home, null);
        try (Spool spool = Spool.open(home.spool(), Clock.systemUTC())) {
            id = spool.entries().get(0).id();
            UploadConfig config = UploadConfig.builder(HttpUrl.get(registry.baseUri()).resolve("/files/")).build();
            UploadRun run = new Uploader(config, MutualTls.create(credentials.privateKey(),
                    List.of(credentials.certificate()), new StationTrust(home).registryCa()).build(), spool,
                    ProgressListener.NONE).runOnce();
            assertEquals(1, run.delivered(), run::summary);
            firstReceipt = spool.receipt(id).orElseThrow();
        }
        // The kill: a small envelope's upload writes one record, DELIVERED with the receipt, and the disk
        // never got it. The transfer log and the receipt archive wait for that record, so they have nothing.
        Files.write(journal, journalBeforeUpload);
        try (Spool spool = Spool.open(home.spool(), Clock.systemUTC())) {
            assertEquals(EntryState.QUEUED, spool.entry(id).orElseThrow().state());
        }

        CliRun upload = station.run("upload");
        assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
        assertArrayEquals(firstReceipt, Files.readAllBytes(home.receipts().resolve(id + ".json")),
                "the registry answers the envelope's second upload with the receipt of its first");
        CliRun audit = station.run("audit", "verify", "--registry", registry.baseUri().toString());
        assertEquals(ExitCodes.OK, audit.exitCode(), audit::both);
    }
}
