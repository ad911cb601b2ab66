package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.CertificateProfile;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.StationCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which certificates may vouch for a checkpoint, and when the station refuses to sign one. */
class CheckpointSignerTest {
    @TempDir
    Path root;

    @Test
    void aNewKeyIsTrustedThroughTheHandOverTheOldKeySigned() throws Exception {
        AuditFixture station = new AuditFixture(root);
        StationCredentials renewed = renewedStation();
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), AuditFixture.STATION)) {
            log.trustUpdated(1);
            log.keyRenewed(TransferLog.keyFingerprint(renewed.certificate().getPublicKey()), AuditFixture.STATION);
        }
        PemFiles.writeCertificates(station.home.certificate(), List.of(renewed.certificate()));
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), renewed)) {
            log.trustUpdated(2);
        }
        AuditReport report = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertTrue(report.ok(), report.toText());
        assertEquals(2L, report.counts().get("checkpoints"), "the hand-over's and the new key's closing one");

        try (var kept = Files.list(LogFiles.certificates(station.home))) {
            for (Path file : kept.toList()) {
                Files.delete(file);
            }
        }
        AuditReport withoutCopies = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertFalse(withoutCopies.ok());
        assertEquals(3, withoutCopies.failures().get(0).line());
        assertTrue(withoutCopies.failures().get(0).message().contains("no station certificate with fingerprint"),
                withoutCopies.toText());
    }

    @Test
    void anAuditorHoldingTheOldCertificateFollowsTheHandOverForward() throws Exception {
        AuditFixture station = new AuditFixture(root);
        StationCredentials renewed = renewedStation();
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), AuditFixture.STATION)) {
            log.keyRenewed(TransferLog.keyFingerprint(renewed.certificate().getPublicKey()), AuditFixture.STATION);
        }
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), renewed)) {
            log.trustUpdated(2);
        }
        AuditReport report = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertTrue(report.ok(), "station.cert.pem still holds the old certificate: " + report.toText());
    }

    @Test
    void withoutAHandOverANewKeysCheckpointsAreNotTheStations() throws Exception {
        AuditFixture station = new AuditFixture(root);
        StationCredentials renewed = renewedStation();
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), AuditFixture.STATION)) {
            log.trustUpdated(1);
        }
        PemFiles.writeCertificates(station.home.certificate(), List.of(renewed.certificate()));
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), renewed)) {
            log.trustUpdated(2);
        }
        AuditReport report = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertFalse(report.ok());
        assertEquals(2, report.failures().get(0).line(), report.toText());
        assertTrue(report.failures().get(0).message().contains("is not this station's"), report.toText());
    }

    @Test
    void aHandOverSignedOnlyByAnotherStationsKeyIsNotTrusted() throws Exception {
        AuditFixture station = new AuditFixture(root);
        StationCredentials intruder = renewedStation();
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), intruder)) {
            log.trustUpdated(1);
            log.keyRenewed(TransferLog.keyFingerprint(AuditFixture.STATION.certificate().getPublicKey()), intruder);
        }
        AuditReport report = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertFalse(report.ok());
        assertEquals(3, report.failures().get(0).line(), report.toText());
        assertTrue(report.failures().get(0).message().contains("is not this station's"), report.toText());
    }

    @Test
    void reEnrollingWithTheSameKeyNeedsNoHandOver() throws Exception {
        AuditFixture station = new AuditFixture(root);
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), AuditFixture.STATION)) {
            log.trustUpdated(1);
        }
        X509Certificate sameKey = AuditFixture.REGISTRY.authority().issue(AuditFixture.STATION.certificate()
                .getPublicKey(), "station-audit-1b", CertificateProfile.STATION, AuditFixture.NOW.minusSeconds(60),
                AuditFixture.NOW.plus(Duration.ofDays(30)), List.of());
        PemFiles.writeCertificates(station.home.certificate(), List.of(sameKey));
        AuditReport report = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertTrue(report.ok(), report.toText());
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

    /** Issue 11 item 4: a checkpoint signed by a clock 400 days behind would fail verification for ever. */
    @Test
    void aClockOutsideTheCertificatesValidityIsRefusedAndTheLogStaysVerifiable() throws Exception {
        AuditFixture station = new AuditFixture(root);
        Clock behind = Clock.fixed(AuditFixture.NOW.minus(Duration.ofDays(400)), ZoneOffset.UTC);
        try (TransferLog log = TransferLog.open(station.home, behind)) {
            log.trustUpdated(1);
            ClockOutsideCertificateException refused = assertThrows(ClockOutsideCertificateException.class,
                    () -> log.checkpoint(AuditFixture.STATION));
            assertTrue(refused.getMessage().contains("refusing to sign a checkpoint"), refused.getMessage());
            assertTrue(refused.getMessage().contains("The clock is behind: set it to the correct date and time"),
                    refused.getMessage());
            assertEquals(1, log.size(), "nothing appended");
        }
        TransferLog automatic = TransferLog.open(station.home, behind, AuditFixture.STATION);
        automatic.trustUpdated(2);
        assertThrows(ClockOutsideCertificateException.class, automatic::close, "the closing checkpoint is refused too");

        assertEquals(2, station.lines().size());
        AuditReport report = LogVerifier.verify(station.home, LogVerifier.Options.none());
        assertTrue(report.ok(), "the untouched log still verifies: " + report.toText());
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC())) {
            log.checkpoint(AuditFixture.STATION);
        }
        assertTrue(LogVerifier.verify(station.home, LogVerifier.Options.none()).ok());
    }

    private static StationCredentials renewedStation() {
        return AuditFixture.REGISTRY.issueStation("station-audit-2", AuditFixture.NOW.minusSeconds(60),
                AuditFixture.NOW.plus(Duration.ofDays(30)));
    }
}
