package dev.codebound.protocol.log;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One signature line of a C2SP signed note: {@code — <key name> <base64(key ID || signature)>}.
 *
 * @param keyName   the signer's key name
 * @param keyId     the 32-bit key ID (big-endian on the wire)
 * @param signature the signature bytes that follow the key ID
 */
public record NoteSignature(String keyName, int keyId, byte[] signature) {
    /** The em dash (U+2014) and space that open every signature line. */
    static final String LINE_PREFIX = "\u2014 ";

    /** Validates the key name and copies the signature. */
    public NoteSignature {
        SignedNote.requireKeyName(keyName);
        if (signature.length == 0) {
            throw new IllegalArgumentException("a note signature must not be empty");
        }
        signature = signature.clone();
    }

    /** The signature bytes (a copy). */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The line as it appears in the note, with its final newline. */
    public String line() {
        byte[] blob = new byte[4 + signature.length];
        blob[0] = (byte) (keyId >>> 24);
        blob[1] = (byte) (keyId >>> 16);
        blob[2] = (byte) (keyId >>> 8);
        blob[3] = (byte) keyId;
        System.arraycopy(signature, 0, blob, 4, signature.length);
        return LINE_PREFIX + keyName + " " + Base64.getEncoder().encodeToString(blob) + "\n";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NoteSignature that && keyName.equals(that.keyName) && keyId == that.keyId
                && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyName, keyId, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "NoteSignature[" + keyName + ", keyId=" + String.format("%08x", keyId) + "]";
    }
}
