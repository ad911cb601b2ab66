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
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The station's checks of a suite 2 enrollment answer, before it stores anything: the SM2 signing
 * certificate is there, for its own SM2 key, from the pinned CA, for the same station id, and the
 * registry's bundle lists suite 2. Each answer below is one a broken or hostile registry could send.
 */
class Suite2EnrollmentCheckTest {
    static final Instant NOW = Instant.now();
    static RegistryKeyring registry;
    static StationCredentials station;
    static StationCredentials sm2;
    static byte[] bothSuites;
    static byte[] suite1Only;

    @BeforeAll
    static void issue() {
        registry = RegistryKeyring.generate("Check Registry", NOW.minus(Duration.ofDays(1)), Duration.ofDays(30));
        station = registry.issueStation("ST-CHECK", NOW.minus(Duration.ofMinutes(5)), NOW.plus(Duration.ofDays(1)));
        sm2 = registry.issueSm2Station("ST-CHECK", NOW.minus(Duration.ofMinutes(5)), NOW.plus(Duration.ofDays(1)));
        bothSuites = TrustBundleCodec.sign(registry.trustBundle(1, NOW, Set.of(), Set.of(), Set.of(), Set.of(1, 2)),
                registry.authority().privateKey());
        suite1Only = TrustBundleCodec.sign(registry.trustBundle(1, NOW), registry.authority().privateKey());
    }

    private static Enrollment answer(Optional<X509Certificate> sm2Certificate, byte[] bundle) {
        return new Enrollment("ST-CHECK", station.certificate(), registry.authority().certificate(), bundle,
                sm2Certificate);
    }

    private static PkiException refused(Enrollment answer, PublicKey sm2Key) {
        return assertThrows(PkiException.class, () -> EnrollmentCheck.verify(answer,
                station.certificate().getPublicKey(), sm2Key, registry.authority().certificate(), NOW));
    }

    @Test
    void aGoodAnswerYieldsTheVerifiedBundle() {
        assertEquals(Set.of(1, 2), EnrollmentCheck.verify(answer(Optional.of(sm2.certificate()), bothSuites),
                station.certificate().getPublicKey(), sm2.certificate().getPublicKey(),
                registry.authority().certificate(), NOW).suites().keySet());
    }

    @Test
    void anAnswerWithoutTheSm2CertificateIsRefused() {
        PkiException e = refused(answer(Optional.empty(), bothSuites), sm2.certificate().getPublicKey());
        assertTrue(e.getMessage().contains("no SM2 signing certificate"), e.getMessage());
    }

    @Test
    void anSm2CertificateForAnotherKeyIsRefused() {
        PkiException e = refused(answer(Optional.of(sm2.certificate()), bothSuites),
                KeyPairs.generateSm2().getPublic());
        assertTrue(e.getMessage().contains("for another key"), e.getMessage());
    }

    @Test
    void anSm2CertificateForAnotherStationIsRefused() {
        StationCredentials other = registry.issueSm2Station("ST-OTHER", NOW.minus(Duration.ofMinutes(5)),
                NOW.plus(Duration.ofDays(1)));
        PkiException e = refused(answer(Optional.of(other.certificate()), bothSuites),
                other.certificate().getPublicKey());
        assertTrue(e.getMessage().contains("the SM2 certificate names ST-OTHER"), e.getMessage());
    }

    @Test
    void anSm2CertificateFromAnotherCaIsRefused() {
        RegistryKeyring impostor = RegistryKeyring.generate("Check Registry", NOW.minus(Duration.ofDays(1)),
                Duration.ofDays(30));
        StationCredentials forged = impostor.issueSm2Station("ST-CHECK", NOW.minus(Duration.ofMinutes(5)),
                NOW.plus(Duration.ofDays(1)));
        refused(answer(Optional.of(forged.certificate()), bothSuites), forged.certificate().getPublicKey());
    }

    @Test
    void aBundleThatDoesNotListSuite2IsRefused() {
        PkiException e = refused(answer(Optional.of(sm2.certificate()), suite1Only), sm2.certificate().getPublicKey());
        assertTrue(e.getMessage().contains("does not list envelope suite 2"), e.getMessage());
    }
}
