package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.StationCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which certificates may vouch for a checkpoint. */
class CheckpointSignerTest {
    @TempDir
    Path root;

    @Test
    void checkpointsStillVerifyAfterTheStationReEnrolls() throws Exception {
        AuditFixture station = new AuditFixture(root);
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), AuditFixture.STATION)) {
            log.trustUpdated(1);
        }
        StationCredentials renewed = AuditFixture.REGISTRY.issueStation(AuditFixture.STATION.stationId(),
                AuditFixture.NOW.minusSeconds(60), AuditFixture.NOW.plus(Duration.ofDays(30)));
        PemFiles.writeCertificates(station.home.certificate(), List.of(renewed.certificate()));
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), renewed)) {
            log.trustUpdated(2);
        }
        AuditReport report = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertTrue(report.ok(), report.toText());
        assertEquals(2L, report.counts().get("checkpoints"));

        try (var kept = Files.list(LogFiles.certificates(station.home))) {
            for (Path file : kept.toList()) {
                Files.delete(file);
            }
        }
        AuditReport withoutCopies = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertFalse(withoutCopies.ok());
        assertEquals(2, withoutCopies.failures().get(0).line());
        assertTrue(withoutCopies.failures().get(0).message().contains("no station certificate with fingerprint"),
                withoutCopies.toText());
    }

    @Test
    void aForgerCannotVouchWithACertificateOfTheirOwn() throws Exception {
        AuditFixture station = new AuditFixture(root);
        RegistryKeyring forgerCa = RegistryKeyring.generate("Forger", AuditFixture.NOW.minusSeconds(3600),
                Duration.ofDays(10));
        StationCredentials forger = forgerCa.issueStation(AuditFixture.STATION.stationId(),
                AuditFixture.NOW.minusSeconds(60), AuditFixture.NOW.plus(Duration.ofDays(1)));
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), forger)) {
            log.trustUpdated(1);
        }
        AuditReport report = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertFalse(report.ok());
        assertEquals(2, report.failures().get(0).line());
        assertTrue(report.failures().get(0).message().contains("checkpoint signer cannot be trusted"), report.toText());
        assertTrue(report.failures().get(0).message().contains("not by the registry CA"), report.toText());
    }
}
