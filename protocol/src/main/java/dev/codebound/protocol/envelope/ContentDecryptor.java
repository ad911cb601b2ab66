package dev.codebound.protocol.envelope;

import java.security.GeneralSecurityException;

/**
 * A suite's streaming content decryption. It releases plaintext before the tag is checked, so the
 * caller keeps the output private until {@link #verify} returns true.
 */
interface ContentDecryptor {
    /** Decrypts {@code length} bytes of ciphertext into {@code out}; returns the number of bytes written. */
    int update(byte[] in, int offset, int length, byte[] out) throws GeneralSecurityException;

    /** Whether {@code tag} authenticates all ciphertext passed to {@link #update}. */
    boolean verify(byte[] tag) throws GeneralSecurityException;
}
