package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.StationCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit checkpoint} on a computer whose clock is 400 days behind the station certificate
 * (here: a certificate valid from 400 days on) signs nothing and exits 3 with how to fix the clock.
 */
class AuditCheckpointClockTest {
    @Test
    void aClockOutsideTheCertificateIsRefusedWithExitThree(@TempDir Path dir) throws Exception {
        Instant now = Instant.now();
        RegistryKeyring registry = RegistryKeyring.generate("Clock Test Registry", now.minus(Duration.ofDays(1)),
                Duration.ofDays(800));
        StationCredentials station = registry.issueStation("station-clock", now.plus(Duration.ofDays(400)),
                now.plus(Duration.ofDays(430)));
        StationHome home = new StationHome(dir.resolve("station"));
        new StationTrust(home).pin(registry.authority().certificate());
        PemFiles.writeCertificates(home.certificate(), List.of(station.certificate()));
        PemFiles.writePrivateKey(home.privateKey(), station.privateKey(), null);
        try (TransferLog log = TransferLog.open(home, Clock.systemUTC())) {
            log.trustUpdated(1);
        }
        String before = Files.readString(home.log().resolve("transfer-log.jsonl"));

        CliRun run = CliRun.of("audit", "checkpoint", "--home", home.root().toString());
        assertEquals(ExitCodes.STATION, run.exitCode(), run.both());
        assertTrue(run.err().contains("refusing to sign a checkpoint"), run.both());
        assertTrue(run.err().contains("The clock is behind: set it to the correct date and time"), run.both());
        assertEquals(before, Files.readString(home.log().resolve("transfer-log.jsonl")), "nothing appended");
    }
}
