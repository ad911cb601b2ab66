package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TrustBundle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.BERSequence;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signer certificates remembered across envelopes: parsed once per exact encoding, while every
 * judgement of trust (revocation, the registry CA, the validity at the capture time) is made again
 * for each envelope against the bundle in force.
 */
class SignerCertificatesTest {
    private static final EnvelopeFixture FIXTURE = new EnvelopeFixture();
    private static final byte[] PHOTO = EnvelopeFixture.photo(1000);

    @TempDir
    Path temp;

    @Test
    void theSameCertificateIsParsedOnce() throws Exception {
        X509CertificateHolder holder = new X509CertificateHolder(FIXTURE.station.certificate().getEncoded());
        X509CertificateHolder again = new X509CertificateHolder(FIXTURE.station.certificate().getEncoded());
        assertSame(SignerCertificates.parse(holder), SignerCertificates.parse(again));
        assertEquals(FIXTURE.station.certificate(), SignerCertificates.parse(holder));
    }

    @Test
    void anotherCertificateIsParsedOnItsOwn() throws Exception {
        var other = FIXTURE.registry.issueStation("station-0003", EnvelopeFixture.NOW.minus(Duration.ofDays(1)),
                EnvelopeFixture.NOW.plus(Duration.ofDays(30))).certificate();
        assertNotSame(SignerCertificates.parse(new X509CertificateHolder(FIXTURE.station.certificate().getEncoded())),
                SignerCertificates.parse(new X509CertificateHolder(other.getEncoded())));
    }

    @Test
    void aCertificateNotInDerIsRefusedEveryTime() throws Exception {
        Certificate der = Certificate.getInstance(FIXTURE.station.certificate().getEncoded());
        ASN1Sequence fields = ASN1Sequence.getInstance(der.toASN1Primitive());
        byte[] ber = new BERSequence(fields.toArray()).getEncoded(ASN1Encoding.BER);
        for (int attempt = 0; attempt < 2; attempt++) {
            EnvelopeException e = assertThrows(EnvelopeException.class,
                    () -> SignerCertificates.parse(new X509CertificateHolder(ber)));
            assertEquals(Reason.MALFORMED, e.reason());
        }
    }

    @Test
    void aStationRevokedAfterItsCertificateWasRememberedIsRefused() throws Exception {
        byte[] envelope = FIXTURE.seal(PHOTO);
        try (OpenedEnvelope opened = FIXTURE.opener(temp).build().open(EnvelopeFixture.in(envelope))) {
            assertEquals(FIXTURE.station.stationId(), opened.binding().stationId());
        }
        TrustBundle revoking = FIXTURE.registry.trustBundle(2, EnvelopeFixture.NOW, Set.of(), Set.of(),
                Set.of(Certificates.serialHex(FIXTURE.station.certificate())));
        EnvelopeOpener opener = EnvelopeOpener.builder(revoking).recipient(FIXTURE.recipient)
                .clock(EnvelopeFixture.CLOCK).temporaryDirectory(temp).codeProofKeys(FIXTURE.codeKeys()).build();
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> opener.open(EnvelopeFixture.in(envelope)));
        assertEquals(Reason.SIGNER_REVOKED, e.reason());
    }

    @Test
    void anotherRegistrysBundleDoesNotTrustARememberedCertificate() throws Exception {
        byte[] envelope = FIXTURE.seal(PHOTO);
        try (OpenedEnvelope opened = FIXTURE.opener(temp).build().open(EnvelopeFixture.in(envelope))) {
            assertEquals(FIXTURE.station.stationId(), opened.binding().stationId());
        }
        RegistryKeyring other = RegistryKeyring.generate("test registry", EnvelopeFixture.NOW.minus(Duration.ofDays(30)),
                Duration.ofDays(3650));
        EnvelopeOpener opener = EnvelopeOpener.builder(other.trustBundle(1, EnvelopeFixture.NOW))
                .recipient(FIXTURE.recipient).clock(EnvelopeFixture.CLOCK).temporaryDirectory(temp)
                .codeProofKeys(FIXTURE.codeKeys()).build();
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> opener.open(EnvelopeFixture.in(envelope)));
        assertEquals(Reason.UNTRUSTED_SIGNER, e.reason());
    }
}
