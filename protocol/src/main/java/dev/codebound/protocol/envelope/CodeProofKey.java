package dev.codebound.protocol.envelope;

import java.time.Instant;
import java.util.Objects;

/**
 * A collection code's key for checking format 2 code proofs ({@link CodeProof#codeKey}), and the
 * code's validity window from the issuer's record: format 2 envelopes do not carry the code itself,
 * so validity at the capture time is judged from here.
 *
 * @param key       the code key of the envelope's suite, {@value CodeProof#LENGTH} bytes; a secret
 * @param notBefore the code's first valid instant
 * @param notAfter  the code's last valid instant (inclusive)
 */
public record CodeProofKey(byte[] key, Instant notBefore, Instant notAfter) {
    public CodeProofKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        if (key.length != CodeProof.LENGTH) {
            throw new IllegalArgumentException("a code key is " + CodeProof.LENGTH + " bytes, not " + key.length);
        }
        key = key.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "CodeProofKey[valid " + notBefore + " to " + notAfter + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CodeProofKey that && java.security.MessageDigest.isEqual(key, that.key)
                && notBefore.equals(that.notBefore) && notAfter.equals(that.notAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(notBefore, notAfter);
    }
}
