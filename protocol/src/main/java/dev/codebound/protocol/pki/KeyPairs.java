package dev.codebound.protocol.pki;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;

/** Generation and identification of the P-256 key pairs every Codebound role uses. */
public final class KeyPairs {
    /** The only curve suite 1 uses: NIST P-256 (secp256r1). */
    public static final String CURVE = "secp256r1";

    /** Length in bytes of a {@link #keyId key id}. */
    public static final int KEY_ID_LENGTH = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyPairs() {}

    /** Generates a fresh P-256 key pair. */
    public static KeyPair generateP256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Providers.ellipticCurve());
            generator.initialize(new ECGenParameterSpec(CURVE), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot generate a P-256 key pair: " + e.getMessage(), e);
        }
    }

    /**
     * The key id of a public key: the first 8 bytes of SHA-256 over its DER SubjectPublicKeyInfo.
     * Collection codes and trust bundles name keys by this id.
     */
    public static byte[] keyId(PublicKey publicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
            return Arrays.copyOf(digest, KEY_ID_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new PkiException("SHA-256 is unavailable", e);
        }
    }

    /** The key id as lower-case hex, as it appears in trust bundles and logs. */
    public static String keyIdHex(PublicKey publicKey) {
        return HexFormat.of().formatHex(keyId(publicKey));
    }

    /** Fails unless the key is an EC key on P-256; {@code role} names the key in the message. */
    public static void requireP256(PublicKey publicKey, String role) {
        if (!(publicKey instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
            throw new PkiException(role + " key must be an EC key on P-256 (secp256r1), got "
                    + publicKey.getAlgorithm() + " key");
        }
    }

    private static boolean isP256(ECParameterSpec params) {
        ECParameterSpec p256 = p256Parameters();
        return params.getOrder().equals(p256.getOrder())
                && params.getCurve().equals(p256.getCurve())
                && params.getGenerator().equals(p256.getGenerator());
    }

    private static ECParameterSpec p256Parameters() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(CURVE));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new PkiException("the JDK does not know curve " + CURVE, e);
        }
    }
}
