package dev.codebound.protocol.pki;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;

/**
 * ECDSA P-256 with SHA-256 in the fixed-length IEEE P1363 form (r || s, 64 bytes), the form compact
 * signed tokens such as collection codes and checkpoints use. CMS uses DER signatures through
 * Bouncy Castle's CMS classes instead.
 */
public final class Signatures {
    /** Length of a P1363 P-256 signature. */
    public static final int P1363_LENGTH = 64;

    private static final String ALGORITHM = "SHA256withPLAIN-ECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Signatures() {}

    /** Signs {@code message}, returning the 64-byte r || s form. */
    public static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM, Providers.ellipticCurve());
            signature.initSign(key, RANDOM);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot sign with a " + key.getAlgorithm() + " key: " + e.getMessage(), e);
        }
    }

    /** Verifies a 64-byte r || s signature; any malformed input simply does not verify. */
    public static boolean verify(PublicKey key, byte[] message, byte[] signatureBytes) {
        if (signatureBytes == null || signatureBytes.length != P1363_LENGTH) {
            return false;
        }
        try {
            Signature signature = Signature.getInstance(ALGORITHM, Providers.ellipticCurve());
            signature.initVerify(key);
            signature.update(message);
            return signature.verify(signatureBytes);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Fails unless the private key belongs to the public key (checked by a test signature). */
    public static void requireMatchingPair(PrivateKey privateKey, PublicKey publicKey, String role) {
        byte[] probe = ("codebound key-pair check " + role).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (!verify(publicKey, probe, sign(privateKey, probe))) {
            throw new PkiException("the " + role + " private key does not match its certificate's public key");
        }
    }
}
