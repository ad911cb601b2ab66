package dev.codebound.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
    static RegistryKeyring registry;
    static final Instant NOW = TestRegistries.NOW;

    @BeforeAll
    static void createRegistry() {
        registry = TestRegistries.create("CA Test Registry");
    }

    @Test
    void enrollsAStationFromItsCertificationRequest() {
        KeyPair station = KeyPairs.generateP256();
        PKCS10CertificationRequest request = CertificationRequests.create(station, "whatever-the-station-asks");
        PKCS10CertificationRequest transported = PemFiles.requestFromPem(PemFiles.requestToPem(request), "csr");

        X509Certificate certificate = registry.authority().issueStation(transported, "ST-0042", NOW,
                NOW.plus(Duration.ofDays(365)));

        assertEquals("ST-0042", Certificates.commonName(certificate), "the registry, not the CSR, names the station");
        assertEquals(station.getPublic(), certificate.getPublicKey());
        Certificates.requireIssuedBy(certificate, registry.authority().certificate(), NOW);
        assertTrue(Certificates.hasExtendedKeyUsage(certificate, KeyPurposeId.id_kp_clientAuth.getId()));
        assertTrue(Certificates.hasExtendedKeyUsage(certificate, KeyPurposeId.id_kp_emailProtection.getId()));
        assertEquals(-1, certificate.getBasicConstraints());
        assertTrue(certificate.getKeyUsage()[0], "digitalSignature");
    }

    @Test
    void refusesARequestWhoseSignatureDoesNotMatchItsKey() throws Exception {
        PKCS10CertificationRequest honest = CertificationRequests.create(KeyPairs.generateP256(), "x");
        byte[] der = honest.getEncoded();
        der[der.length - 5] ^= 0x40;
        PKCS10CertificationRequest forged = new PKCS10CertificationRequest(der);
        PkiException e = assertThrows(PkiException.class,
                () -> registry.authority().issueStation(forged, "ST-1", NOW, NOW.plusSeconds(60)));
        assertTrue(e.getMessage().contains("certification request"), e.getMessage());
    }

    @Test
    void chainCheckNamesTheProblem() {
        RegistryKeyring other = TestRegistries.create("Other CA");
        StationCredentials stranger = other.issueStation("ST-9", NOW, NOW.plusSeconds(3600));
        PkiException wrongIssuer = assertThrows(PkiException.class,
                () -> Certificates.requireIssuedBy(stranger.certificate(), registry.authority().certificate(), NOW));
        assertTrue(wrongIssuer.getMessage().contains("not by the registry CA"), wrongIssuer.getMessage());

        StationCredentials station = registry.issueStation("ST-10", NOW, NOW.plusSeconds(3600));
        PkiException expired = assertThrows(PkiException.class, () -> Certificates.requireIssuedBy(
                station.certificate(), registry.authority().certificate(), NOW.plusSeconds(7200)));
        assertTrue(expired.getMessage().contains("is valid from"), expired.getMessage());
    }

    @Test
    void refusesValidityBeyondTheCaAndNonP256Keys() throws Exception {
        KeyPair key = KeyPairs.generateP256();
        assertThrows(PkiException.class, () -> registry.authority().issue(key.getPublic(), "x",
                CertificateProfile.STATION, NOW, NOW.plus(Duration.ofDays(365 * 30)), List.of()));
        var rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        PkiException e = assertThrows(PkiException.class, () -> registry.authority().issue(
                rsa.generateKeyPair().getPublic(), "x", CertificateProfile.STATION, NOW, NOW.plusSeconds(5), List.of()));
        assertTrue(e.getMessage().contains("P-256"), e.getMessage());
    }

    @Test
    void certifiesSm2KeysForSuite2AndTheyRoundTripThroughPem(@TempDir Path dir) throws Exception {
        KeyPair key = KeyPairs.generateSm2();
        X509Certificate certificate = registry.authority().issue(key.getPublic(), "station-sm2",
                CertificateProfile.STATION, NOW, NOW.plusSeconds(3600), List.of());
        Certificates.requireIssuedBy(certificate, registry.authority().certificate(), NOW.plusSeconds(60));
        assertTrue(KeyPairs.isSm2(certificate.getPublicKey()));
        PemFiles.writeCertificates(dir.resolve("station.cert.pem"), List.of(certificate));
        PemFiles.writePrivateKey(dir.resolve("station.key.pem"), key.getPrivate(), "pass".toCharArray());
        StationCredentials loaded = new StationCredentials(
                PemFiles.readPrivateKey(dir.resolve("station.key.pem"), "pass".toCharArray()),
                PemFiles.readCertificates(dir.resolve("station.cert.pem")).get(0));
        assertEquals(certificate, loaded.certificate());
        assertThrows(PkiException.class, () -> KeyPairs.requireP256(key.getPublic(), "station"));
        assertThrows(PkiException.class, () -> KeyPairs.requireSm2(KeyPairs.generateP256().getPublic(), "station"));
    }

    @Test
    void tlsServerCertificateCarriesIpAndDnsNames() throws Exception {
        KeyPair key = KeyPairs.generateP256();
        X509Certificate tls = registry.authority().issue(key.getPublic(), "registry.local",
                CertificateProfile.TLS_SERVER, NOW, NOW.plusSeconds(3600), List.of("127.0.0.1", "localhost"));
        var names = tls.getSubjectAlternativeNames().stream().map(entry -> entry.get(1).toString()).toList();
        assertEquals(List.of("127.0.0.1", "localhost"), names);
    }

    @Test
    void keyringSurvivesStoreAndLoad(@TempDir Path dir) throws Exception {
        registry.store(dir, "keyring pass".toCharArray());
        assertTrue(RegistryKeyring.exists(dir));
        RegistryKeyring loaded = RegistryKeyring.load(dir, "keyring pass".toCharArray());
        assertEquals(registry.authority().certificate(), loaded.authority().certificate());
        assertEquals(registry.encryption().certificate(), loaded.encryption().certificate());
        assertEquals(registry.registryName(), loaded.registryName());
        assertThrows(PkiException.class, () -> RegistryKeyring.load(dir, "bad".toCharArray()));
    }
}
