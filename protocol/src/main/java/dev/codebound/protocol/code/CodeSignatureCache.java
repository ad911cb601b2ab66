package dev.codebound.protocol.code;

import dev.codebound.protocol.cache.BoundedCache;
import dev.codebound.protocol.pki.CompactSignature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * Remembers which codes were found to carry a valid signature of which code-signing certificate, so
 * that a code verified when it is scanned costs a lookup, not a second public-key verification, when
 * its photo is sealed moments later (and the desk's or a watch's re-verification of a remembered scan
 * costs none either).
 *
 * <p>Whether a code's signature verifies depends only on the algorithm, the signed bytes, the signature
 * and the signer's key, so an entry is keyed by the algorithm, the exact signed bytes, the exact
 * signature and the exact DER encoding of the signing certificate (compared byte for byte, never by a digest) and never goes
 * stale; what can change (the key's or the code's revocation, the certificate's and the code's
 * validity at a given time, the school) is not cached here and stays {@link CodeVerifier}'s check
 * every time. Only signatures that verified are remembered: a forged code is verified (and refused)
 * every time and cannot evict the good entries faster than a real one could. At most
 * {@value #CAPACITY} entries are kept, the least recently used going first.
 */
final class CodeSignatureCache {
    static final int CAPACITY = 4096;

    private record Key(CompactSignature algorithm, byte[] signer, byte[] signedBytes, byte[] signature) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && algorithm == key.algorithm && Arrays.equals(signer, key.signer)
                    && Arrays.equals(signedBytes, key.signedBytes) && Arrays.equals(signature, key.signature);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * (31 * algorithm.hashCode() + Arrays.hashCode(signer)) + Arrays.hashCode(signedBytes))
                    + Arrays.hashCode(signature);
        }

        @Override
        public String toString() {
            return "Key[" + algorithm + ", " + signer.length + " + " + signedBytes.length + " + " + signature.length + " bytes]";
        }
    }

    private static final BoundedCache<Key, Boolean> VERIFIED = new BoundedCache<>(CAPACITY);

    private CodeSignatureCache() {
    }

    /** Whether {@code signature} over {@code signedBytes} verifies with {@code signer}'s key under {@code algorithm}. */
    static boolean verifies(CompactSignature algorithm, X509Certificate signer, byte[] signedBytes,
            byte[] signature) {
        Key key;
        try {
            key = new Key(algorithm, signer.getEncoded(), signedBytes, signature);
        } catch (CertificateEncodingException e) {
            return false;
        }
        if (VERIFIED.get(key) != null) {
            return true;
        }
        if (!algorithm.verify(signer.getPublicKey(), signedBytes, signature)) {
            return false;
        }
        VERIFIED.put(key, Boolean.TRUE);
        return true;
    }

    /** How many verified codes are remembered (for tests). */
    static int size() {
        return VERIFIED.size();
    }
}
