package dev.codebound.protocol.envelope;

import dev.codebound.protocol.cache.BoundedCache;
import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.Providers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;

/**
 * Turns the signer certificate an envelope carries into an {@link X509Certificate}, once per distinct
 * certificate: a station sends the same certificate in every envelope, and parsing it again (the
 * JCA conversion, the DER check's re-encoding) cost about as much per envelope as the rest of the
 * signer's checks. Reusing the same object also lets Bouncy Castle reuse its public key and the
 * precomputed multiples of its point across the station's signature verifications.
 *
 * <p>What is remembered depends only on the certificate's bytes: that they are DER and what they
 * parse to. Nothing about trust is: whether the registry CA signed it, whether it is revoked, whether
 * it was valid at the capture time and whether it has the station profile are judged for every
 * envelope against the trust bundle in force ({@link SignerTrust}), so a revocation or a new trust
 * bundle applies to the next envelope with nothing to invalidate. Entries are keyed by the exact
 * encoding (compared byte for byte, not by a digest); at most {@value #CAPACITY} are kept, the least
 * recently used going first. A certificate that fails to parse is not remembered.
 */
final class SignerCertificates {
    static final int CAPACITY = 4096;

    private static final BoundedCache<ByteBuffer, X509Certificate> PARSED = new BoundedCache<>(CAPACITY);

    private SignerCertificates() {}

    /**
     * The certificate {@code holder} holds, refused unless DER-encoded.
     *
     * @throws EnvelopeException {@link Reason#MALFORMED} if it is not DER or does not parse
     */
    static X509Certificate parse(X509CertificateHolder holder) throws EnvelopeException {
        ByteBuffer key;
        try {
            key = ByteBuffer.wrap(holder.getEncoded());
        } catch (IOException e) {
            throw new EnvelopeException(Reason.MALFORMED, "the signer certificate cannot be parsed", e);
        }
        X509Certificate known = PARSED.get(key);
        if (known != null) {
            return known;
        }
        X509Certificate certificate = convert(holder, key.array());
        PARSED.put(key, certificate);
        return certificate;
    }

    private static X509Certificate convert(X509CertificateHolder holder, byte[] encoded) throws EnvelopeException {
        try {
            // Bouncy Castle checks a certificate's signature over the DER re-encoding of what it
            // parsed, so a certificate in another encoding would verify yet differ byte-wise. Those
            // encodings are the key of the cache: equal bytes pass this check equally.
            if (!Arrays.equals(encoded, holder.toASN1Structure().getEncoded(ASN1Encoding.DER))) {
                throw new EnvelopeException(Reason.MALFORMED, "the signer certificate is not DER-encoded");
            }
            return new JcaX509CertificateConverter().setProvider(Providers.ellipticCurve()).getCertificate(holder);
        } catch (IOException | CertificateException e) {
            throw new EnvelopeException(Reason.MALFORMED, "the signer certificate cannot be parsed", e);
        }
    }

    /** How many certificates are remembered (for tests). */
    static int size() {
        return PARSED.size();
    }
}
