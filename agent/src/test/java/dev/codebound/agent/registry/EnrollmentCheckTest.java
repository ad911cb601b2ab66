package dev.codebound.agent.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundleCodec;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EnrollmentCheckTest {
    static final Instant NOW = Instant.now();
    static RegistryKeyring registry;
    static StationCredentials station;
    static byte[] bundle;

    @BeforeAll
    static void issue() {
        registry = RegistryKeyring.generate("Check Registry", NOW.minus(Duration.ofDays(1)), Duration.ofDays(30));
        station = registry.issueStation("ST-CHECK", NOW.minus(Duration.ofMinutes(5)), NOW.plus(Duration.ofDays(1)));
        bundle = TrustBundleCodec.sign(registry.trustBundle(1, NOW), registry.authority().privateKey());
    }

    private static Enrollment answer(String stationId) {
        return new Enrollment(stationId, station.certificate(), registry.authority().certificate(), bundle);
    }

    private static PublicKey ownKey() {
        return station.certificate().getPublicKey();
    }

    @Test
    void aGoodAnswerYieldsTheVerifiedBundle() {
        assertEquals(1, EnrollmentCheck.verify(answer("ST-CHECK"), ownKey(), registry.authority().certificate(), NOW)
                .sequence());
    }

    @Test
    void aCertificateForAnotherKeyIsRefused() {
        PkiException refused = assertThrows(PkiException.class, () -> EnrollmentCheck.verify(answer("ST-CHECK"),
                KeyPairs.generateP256().getPublic(), registry.authority().certificate(), NOW));
        assertTrue(refused.getMessage().contains("for another key"), refused.getMessage());
    }

    @Test
    void anotherCaOrStationIdIsRefused() {
        RegistryKeyring impostor = RegistryKeyring.generate("Impostor", NOW.minus(Duration.ofDays(1)),
                Duration.ofDays(30));
        PkiException ca = assertThrows(PkiException.class, () -> EnrollmentCheck.verify(answer("ST-CHECK"), ownKey(),
                impostor.authority().certificate(), NOW));
        assertTrue(ca.getMessage().contains("but this station pinned"), ca.getMessage());
        PkiException id = assertThrows(PkiException.class, () -> EnrollmentCheck.verify(answer("ST-OTHER"), ownKey(),
                registry.authority().certificate(), NOW));
        assertTrue(id.getMessage().contains("the certificate names ST-CHECK"), id.getMessage());
    }
}
