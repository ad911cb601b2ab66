package dev.codebound.agent.station;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.CertificateAuthority;
import dev.codebound.protocol.pki.CertificateProfile;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A station seals only while it is not revoked, its certificate is valid and its clock agrees with the registry's. */
class StationStandingTest {
    private static final Instant NOT_BEFORE = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant NOT_AFTER = Instant.parse("2027-01-01T00:00:00Z");
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Duration LIMIT = Duration.ofMinutes(2);

    private final CertificateAuthority ca = CertificateAuthority.create("Test Registry CA",
            NOT_BEFORE.minus(Duration.ofDays(1)), NOT_AFTER.plus(Duration.ofDays(365)));
    private final KeyPair key = KeyPairs.generateP256();
    private final StationCredentials station = new StationCredentials(key.getPrivate(), ca.issue(key.getPublic(),
            "ST-TEST", CertificateProfile.STATION, NOT_BEFORE, NOT_AFTER, List.of()));

    private TrustBundle bundle(Set<String> revokedStations) {
        return new TrustBundle("test", 1, NOW, ca.certificate(), List.of(), List.of(), List.of(), Set.of(), Set.of(),
                revokedStations);
    }

    private static Optional<RegistryClock.Measurement> skew(Duration skew) {
        return Optional.of(new RegistryClock.Measurement(skew, NOW));
    }

    @Test
    void aValidStationWithAGoodClockMaySeal() {
        assertDoesNotThrow(() -> StationStanding.requireFitToSeal(station, bundle(Set.of()),
                skew(Duration.ofSeconds(90)), LIMIT, NOW));
        assertDoesNotThrow(() -> StationStanding.requireFitToSeal(station, bundle(Set.of()), Optional.empty(),
                LIMIT, NOW), "no measurement yet is no refusal");
    }

    @Test
    void aRevokedStationIsRefusedAsTheRegistrysDecision() {
        StationException refused = assertThrows(StationRevokedException.class, () -> StationStanding
                .requireFitToSeal(station, bundle(Set.of(Certificates.serialHex(station.certificate()))),
                        Optional.empty(), LIMIT, NOW));
        assertTrue(refused.getMessage().contains("Contact the registry"), refused.getMessage());
    }

    @Test
    void aClockBeforeTheCertificateIsValidIsNamedAsBehind() {
        StationException refused = assertThrows(StationException.class, () -> StationStanding.requireFitToSeal(
                station, bundle(Set.of()), Optional.empty(), LIMIT, NOT_BEFORE.minus(Duration.ofDays(400))));
        assertTrue(refused.getMessage().contains("the clock is behind"), refused.getMessage());
        assertTrue(refused.getMessage().contains(StationStanding.FIX_THE_CLOCK), refused.getMessage());
    }

    @Test
    void anExpiredCertificateSaysToEnrollAgainOrFixTheClock() {
        StationException refused = assertThrows(StationException.class, () -> StationStanding.requireFitToSeal(
                station, bundle(Set.of()), Optional.empty(), LIMIT, NOT_AFTER.plusSeconds(1)));
        assertTrue(refused.getMessage().startsWith("the station certificate expired at " + NOT_AFTER),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("enroll --force"), refused.getMessage());
    }

    @Test
    void aSkewBeyondTheLimitEitherWayIsRefused() {
        StationException ahead = assertThrows(StationException.class, () -> StationStanding.requireFitToSeal(
                station, bundle(Set.of()), skew(Duration.ofMinutes(6)), LIMIT, NOW));
        assertTrue(ahead.getMessage().startsWith("this computer's clock is 6 min 0 s ahead of the registry's"),
                ahead.getMessage());
        StationException behind = assertThrows(StationException.class, () -> StationStanding.requireFitToSeal(
                station, bundle(Set.of()), skew(Duration.ofHours(-3)), LIMIT, NOW));
        assertTrue(behind.getMessage().startsWith("this computer's clock is 3 h 0 min behind the registry's"),
                behind.getMessage());
    }
}
