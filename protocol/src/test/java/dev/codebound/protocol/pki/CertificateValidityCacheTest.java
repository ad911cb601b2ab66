package dev.codebound.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The remembered validity period is the certificate's own, and each certificate keeps its own. */
class CertificateValidityCacheTest {
    private static final Instant NOW = TestRegistries.NOW;

    @Test
    void eachCertificateHasItsOwnPeriodBothEndsIncluded() {
        RegistryKeyring registry = TestRegistries.create("Validity Test Registry");
        X509Certificate shortLived = registry.issueStation("ST-SHORT", NOW, NOW.plusSeconds(60)).certificate();
        X509Certificate longLived = registry.issueStation("ST-LONG", NOW, NOW.plusSeconds(86_400)).certificate();
        for (X509Certificate certificate : new X509Certificate[] {shortLived, longLived, shortLived}) {
            Certificates.Validity validity = Certificates.validity(certificate);
            assertEquals(certificate.getNotBefore().toInstant(), validity.notBefore());
            assertEquals(certificate.getNotAfter().toInstant(), validity.notAfter());
            assertTrue(validity.includes(validity.notBefore()));
            assertTrue(validity.includes(validity.notAfter()));
            assertFalse(validity.includes(validity.notBefore().minusMillis(1)));
            assertFalse(validity.includes(validity.notAfter().plusMillis(1)));
        }
        assertTrue(Certificates.validity(longLived).includes(NOW.plusSeconds(3600)));
        assertFalse(Certificates.validity(shortLived).includes(NOW.plusSeconds(3600)));
    }
}
