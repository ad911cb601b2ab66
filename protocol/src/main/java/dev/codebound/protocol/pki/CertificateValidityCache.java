package dev.codebound.protocol.pki;

import dev.codebound.protocol.cache.BoundedCache;
import java.nio.ByteBuffer;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

/**
 * Remembers certificates' validity periods by their exact DER encodings. Bouncy Castle parses the
 * notBefore and notAfter times again (through a new {@link java.text.SimpleDateFormat}) on every
 * call, which made the validity checks cost as much as a signature verification; the period depends
 * only on the encoding, so it is read once per certificate. At most {@value #CAPACITY} certificates
 * are remembered, the least recently used going first.
 */
final class CertificateValidityCache {
    static final int CAPACITY = 4096;

    private static final BoundedCache<ByteBuffer, Certificates.Validity> PERIODS = new BoundedCache<>(CAPACITY);

    private CertificateValidityCache() {
    }

    static Certificates.Validity validity(X509Certificate certificate) {
        ByteBuffer key;
        try {
            key = ByteBuffer.wrap(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            return read(certificate);
        }
        Certificates.Validity known = PERIODS.get(key);
        if (known != null) {
            return known;
        }
        Certificates.Validity validity = read(certificate);
        PERIODS.put(key, validity);
        return validity;
    }

    private static Certificates.Validity read(X509Certificate certificate) {
        return new Certificates.Validity(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    }
}
