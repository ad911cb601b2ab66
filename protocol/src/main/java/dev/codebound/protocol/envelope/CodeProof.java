package dev.codebound.protocol.envelope;

import dev.codebound.protocol.code.CollectionCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The format 2 proof that a station held a collection code's text, bound to one envelope
 * ({@code docs/protocol.md §4}, "Code in the envelope"). With H the suite's digest (SHA-256 in suite
 * 1, SM3 in suite 2):
 *
 * <pre>
 * codeKey   = H("codebound code proof v1" || 0x00 || canonical code text)
 * codeProof = HMAC-H(codeKey, DER of the binding with codeProof = 32 zero bytes)
 * </pre>
 *
 * <p>The canonical code text is {@link CollectionCode#text()}: the prefix, version digit and base32
 * body, upper case, without whitespace, as US-ASCII bytes (every character of a code is ASCII, so
 * this is also its UTF-8). A scan in lower case or with line breaks yields the same key.
 *
 * <p>The proof covers the photo digest, the station and the capture time, so a proof read from one
 * envelope is worth nothing for another photo, station or time; computing one needs the code key,
 * which only the code's text (the QR code) or the registry's records give. A code key is a secret
 * of the same weight as the code's text: it must not be logged or shown.
 */
public final class CodeProof {
    /** Length of a code proof and of a code key: both suites' digests are 32 bytes. */
    public static final int LENGTH = 32;

    private static final byte[] KEY_DOMAIN = "codebound code proof v1".getBytes(StandardCharsets.US_ASCII);

    private CodeProof() {}

    /** The code key of {@code code} for envelopes of {@code suite}. */
    public static byte[] codeKey(Suite suite, CollectionCode code) {
        Objects.requireNonNull(code, "code");
        Digest digest = suite.codeProofDigest();
        byte[] text = code.text().getBytes(StandardCharsets.US_ASCII);
        digest.update(KEY_DOMAIN, 0, KEY_DOMAIN.length);
        digest.update((byte) 0x00);
        digest.update(text, 0, text.length);
        byte[] key = new byte[digest.getDigestSize()];
        digest.doFinal(key, 0);
        return key;
    }

    /**
     * The proof for {@code binding} (a format 2 binding; whatever proof it carries is replaced by
     * zeros before hashing) under {@code codeKey}, with the digest of the binding's suite.
     *
     * @throws EnvelopeException {@link EnvelopeException.Reason#UNSUPPORTED_SUITE} if the binding's
     *         suite is not one this software knows
     */
    public static byte[] compute(byte[] codeKey, Binding binding) throws EnvelopeException {
        Objects.requireNonNull(codeKey, "codeKey");
        Suite suite = Suite.byId(binding.suiteId());
        byte[] input = binding.withProof(new byte[LENGTH]).toDer();
        HMac mac = new HMac(suite.codeProofDigest());
        mac.init(new KeyParameter(codeKey));
        mac.update(input, 0, input.length);
        byte[] proof = new byte[mac.getMacSize()];
        mac.doFinal(proof, 0);
        return proof;
    }

    /**
     * Whether {@code binding}'s proof is the one {@code codeKey} gives; compared in constant time, so
     * that the time taken says nothing about how much of a forged proof was right.
     */
    public static boolean matches(byte[] codeKey, Binding binding) throws EnvelopeException {
        return MessageDigest.isEqual(compute(codeKey, binding), binding.codeProof());
    }
}
