package dev.codebound.protocol.pki;

import dev.codebound.protocol.cache.BoundedCache;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * Remembers which certificates were found to carry a valid signature of which authority, so that a
 * station certificate or a code-signing certificate seen again (every envelope of a station, every
 * code of a registry) costs a lookup instead of an ECDSA verification.
 *
 * <p>Whether a certificate's signature verifies with an authority's key depends only on the two
 * certificates' encodings, so an entry is keyed by both exact DER encodings (compared byte for byte,
 * never by a digest) and never goes stale; what can change (revocation, validity at a given time) is
 * not cached here and stays the callers' check every time. Only signatures that verified are
 * remembered: a forged certificate is verified (and refused) every time, and cannot evict the good
 * entries faster than a real one could. At most {@value #CAPACITY} entries are kept, the least
 * recently used going first.
 */
final class CertificateSignatureCache {
    static final int CAPACITY = 4096;

    private record Key(byte[] certificate, byte[] authority) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Arrays.equals(certificate, key.certificate)
                    && Arrays.equals(authority, key.authority);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(certificate) + Arrays.hashCode(authority);
        }

        @Override
        public String toString() {
            return "Key[" + certificate.length + " + " + authority.length + " bytes]";
        }
    }

    private static final BoundedCache<Key, Boolean> VERIFIED = new BoundedCache<>(CAPACITY);

    private CertificateSignatureCache() {
    }

    /** Whether {@code certificate} carries a valid signature made with {@code authority}'s key. */
    static boolean isSignedBy(X509Certificate certificate, X509Certificate authority) {
        Key key;
        try {
            key = new Key(certificate.getEncoded(), authority.getEncoded());
        } catch (CertificateEncodingException e) {
            return false;
        }
        if (VERIFIED.get(key) != null) {
            return true;
        }
        try {
            certificate.verify(authority.getPublicKey(), Providers.ellipticCurve());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
        VERIFIED.put(key, Boolean.TRUE);
        return true;
    }

    /** How many verified pairs are remembered (for tests). */
    static int size() {
        return VERIFIED.size();
    }
}
