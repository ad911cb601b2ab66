package dev.codebound.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Remembered signatures never let through what a fresh verification would refuse. */
class CertificateSignatureCacheTest {
    private static final Instant NOW = TestRegistries.NOW;
    private static RegistryKeyring registry;
    private static X509Certificate station;

    @BeforeAll
    static void createRegistry() {
        registry = TestRegistries.create("Cache Test Registry");
        station = registry.issueStation("ST-CACHE", NOW, NOW.plusSeconds(3600)).certificate();
    }

    @Test
    void aVerifiedPairIsRememberedOnce() throws Exception {
        X509Certificate ca = registry.authority().certificate();
        assertTrue(Certificates.isSignedBy(station, ca));
        int remembered = CertificateSignatureCache.size();
        assertTrue(Certificates.isSignedBy(station, ca));
        assertTrue(Certificates.isSignedBy(parse(station.getEncoded()), parse(ca.getEncoded())),
                "another parse of the same encodings is the same pair");
        assertEquals(remembered, CertificateSignatureCache.size());
    }

    @Test
    void aCertificateWithAnAlteredSignatureIsRefusedAfterTheGenuineOneWasRemembered() throws Exception {
        X509Certificate ca = registry.authority().certificate();
        assertTrue(Certificates.isSignedBy(station, ca));
        byte[] forged = station.getEncoded();
        forged[forged.length - 3] ^= 0x01;
        X509Certificate forgery = parse(forged);
        assertFalse(Certificates.isSignedBy(forgery, ca));
        assertFalse(Certificates.isSignedBy(forgery, ca), "a refusal is not remembered as a success");
    }

    @Test
    void anotherAuthorityWithTheSameNameDoesNotInheritTheAnswer() {
        X509Certificate ca = registry.authority().certificate();
        assertTrue(Certificates.isSignedBy(station, ca));
        RegistryKeyring impostor = TestRegistries.create("Cache Test Registry");
        X509Certificate impostorCa = impostor.authority().certificate();
        assertEquals(ca.getSubjectX500Principal(), impostorCa.getSubjectX500Principal());
        assertFalse(Certificates.isSignedBy(station, impostorCa));
        PkiException e = assertThrows(PkiException.class, () -> Certificates.requireIssuedBy(station, impostorCa, NOW));
        assertTrue(e.getMessage().contains("does not carry a valid registry CA signature"), e.getMessage());
    }

    @Test
    void validityIsStillCheckedEveryTime() {
        X509Certificate ca = registry.authority().certificate();
        Certificates.requireIssuedBy(station, ca, NOW);
        PkiException e = assertThrows(PkiException.class,
                () -> Certificates.requireIssuedBy(station, ca, NOW.plusSeconds(7200)));
        assertTrue(e.getMessage().contains("is valid from"), e.getMessage());
    }

    private static X509Certificate parse(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509", Providers.ellipticCurve())
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (Exception e) {
            throw new AssertionError("cannot parse a test certificate", e);
        }
    }
}
