package dev.codebound.protocol.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECKey;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

/**
 * ECDSA P-256 with SHA-256 in the fixed-length IEEE P1363 form (r || s, 64 bytes), the form compact
 * signed tokens such as collection codes and checkpoints use. CMS uses DER signatures through
 * Bouncy Castle's CMS classes instead.
 *
 * <p>The signature itself is made and checked by {@link Providers#p256()} in its DER form, which
 * every provider offers under one name, and converted here: the conversion is a few microseconds
 * against the tens to hundreds of the signature.
 */
public final class Signatures {
    /** Length of a P1363 P-256 signature. */
    public static final int P1363_LENGTH = 64;

    private static final String DER_ALGORITHM = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Signatures() {}

    /** Signs {@code message}, returning the 64-byte r || s form. */
    public static byte[] sign(PrivateKey key, byte[] message) {
        return sign(Providers.forCurveOf(key), key, message);
    }

    /** Verifies a 64-byte r || s signature; any malformed input simply does not verify. */
    public static boolean verify(PublicKey key, byte[] message, byte[] signatureBytes) {
        return verify(Providers.forCurveOf(key), key, message, signatureBytes);
    }

    /** {@link #sign(PrivateKey, byte[])} with the provider named, so that tests can hold both engines to the same bytes. */
    static byte[] sign(Provider provider, PrivateKey key, byte[] message) {
        try {
            Signature signature = Signature.getInstance(DER_ALGORITHM, provider);
            signature.initSign(key, RANDOM);
            signature.update(message);
            BigInteger order = order(key);
            BigInteger[] rs = StandardDSAEncoding.INSTANCE.decode(order, signature.sign());
            return PlainDSAEncoding.INSTANCE.encode(order, rs[0], rs[1]);
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new PkiException("cannot sign with a " + key.getAlgorithm() + " key: " + e.getMessage(), e);
        }
    }

    /** {@link #verify(PublicKey, byte[], byte[])} with the provider named. */
    static boolean verify(Provider provider, PublicKey key, byte[] message, byte[] signatureBytes) {
        if (signatureBytes == null || signatureBytes.length != P1363_LENGTH || !(key instanceof ECKey)) {
            return false;
        }
        try {
            BigInteger order = order(key);
            // Refuses r or s outside [0, n): the DER form must not make a non-canonical r || s acceptable.
            BigInteger[] rs = PlainDSAEncoding.INSTANCE.decode(order, signatureBytes);
            Signature signature = Signature.getInstance(DER_ALGORITHM, provider);
            signature.initVerify(key);
            signature.update(message);
            return signature.verify(StandardDSAEncoding.INSTANCE.encode(order, rs[0], rs[1]));
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Fails unless the private key belongs to the public key (checked by a test signature). */
    public static void requireMatchingPair(PrivateKey privateKey, PublicKey publicKey, String role) {
        byte[] probe = ("codebound key-pair check " + role).getBytes(StandardCharsets.UTF_8);
        if (!verify(publicKey, probe, sign(privateKey, probe))) {
            throw new PkiException("the " + role + " private key does not match its certificate's public key");
        }
    }

    private static BigInteger order(Key key) {
        if (!(key instanceof ECKey ec)) {
            throw new IllegalArgumentException("not an EC key: " + key.getAlgorithm());
        }
        return ec.getParams().getOrder();
    }
}
