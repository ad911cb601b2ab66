package dev.codebound.protocol.pki;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Generation and identification of Codebound's key pairs: P-256 for suite 1 (and for the registry CA,
 * code signing and receipts), SM2 ({@code sm2p256v1}, GB/T 32918) for the station and registry
 * encryption keys of suite 2.
 */
public final class KeyPairs {
    /** The only curve suite 1 uses: NIST P-256 (secp256r1). */
    public static final String CURVE = "secp256r1";

    /** The curve of suite 2: SM2's recommended curve {@code sm2p256v1} (GB/T 32918.5). */
    public static final String SM2_CURVE = "sm2p256v1";

    /**
     * The SM2 signer ID (distinguishing identifier) every Codebound SM2 signature hashes in:
     * GM/T 0009-2012's default, the ASCII digits {@code 1234567812345678}, which Bouncy Castle uses
     * when given none and OpenSSL needs as {@code distid:1234567812345678}.
     */
    public static final String SM2_SIGNER_ID = "1234567812345678";

    /** Length in bytes of a {@link #keyId key id}. */
    public static final int KEY_ID_LENGTH = 8;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ECParameterSpec SM2_PARAMETERS = sm2Parameters();
    // Looked up once: every signature and agreement asks which curve its key is on (Providers.forCurveOf).
    private static final ECParameterSpec P256_PARAMETERS = p256Parameters();

    private KeyPairs() {}

    /** Generates a fresh P-256 key pair. */
    public static KeyPair generateP256() {
        return generate(Providers.ellipticCurve(), CURVE, "P-256");
    }

    /**
     * Generates a fresh P-256 key pair for one ECDH agreement, in {@link Providers#p256()}'s own form:
     * usable only through the JCA and by its encodings (a sealed envelope's ephemeral key), not as a
     * Bouncy Castle key.
     */
    public static KeyPair generateP256ForAgreement() {
        return generate(Providers.p256(), CURVE, "P-256");
    }

    /** Generates a fresh SM2 key pair (curve {@code sm2p256v1}). */
    public static KeyPair generateSm2() {
        return generate(Providers.ellipticCurve(), SM2_CURVE, "SM2");
    }

    private static KeyPair generate(Provider provider, String curve, String what) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
            generator.initialize(new ECGenParameterSpec(curve), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot generate a " + what + " key pair: " + e.getMessage(), e);
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
        if (!isP256Key(publicKey)) {
            throw new PkiException(role + " key must be an EC key on P-256 (secp256r1), got " + describe(publicKey));
        }
    }

    /** Fails unless the key is an EC key on SM2's curve {@code sm2p256v1}; {@code role} names the key. */
    public static void requireSm2(PublicKey publicKey, String role) {
        if (!isSm2(publicKey)) {
            throw new PkiException(role + " key must be an SM2 key (curve sm2p256v1), got " + describe(publicKey));
        }
    }

    /** Fails unless the key is on one of the curves a suite uses (P-256 or SM2); {@code role} names the key. */
    public static void requireP256OrSm2(PublicKey publicKey, String role) {
        if (!isP256Key(publicKey) && !isSm2(publicKey)) {
            throw new PkiException(role + " key must be an EC key on P-256 (secp256r1) or SM2 (sm2p256v1), got "
                    + describe(publicKey));
        }
    }

    /** Whether the key is an EC key on SM2's curve {@code sm2p256v1}. */
    public static boolean isSm2(PublicKey publicKey) {
        return publicKey instanceof ECPublicKey ec && isSm2Curve(ec.getParams());
    }

    /** Whether EC domain parameters (of a public or a private key) are SM2's curve {@code sm2p256v1}. */
    public static boolean isSm2Curve(ECParameterSpec params) {
        return sameCurve(params, SM2_PARAMETERS);
    }

    /** Whether the key, public or private, is an EC key on P-256. */
    static boolean isP256Key(Key key) {
        return key instanceof ECKey ec && isP256(ec.getParams());
    }

    private static String describe(PublicKey publicKey) {
        if (publicKey == null) {
            return "no key";
        }
        return publicKey.getAlgorithm() + " key" + (publicKey instanceof ECPublicKey ? " on another curve" : "");
    }

    private static boolean isP256(ECParameterSpec params) {
        return sameCurve(params, P256_PARAMETERS);
    }

    private static boolean sameCurve(ECParameterSpec params, ECParameterSpec expected) {
        return params.getOrder().equals(expected.getOrder())
                && params.getCurve().equals(expected.getCurve())
                && params.getGenerator().equals(expected.getGenerator());
    }

    private static ECParameterSpec sm2Parameters() {
        try {
            // The JDK does not know sm2p256v1; Bouncy Castle does.
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC", Providers.ellipticCurve());
            parameters.init(new ECGenParameterSpec(SM2_CURVE));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new PkiException("Bouncy Castle does not know curve " + SM2_CURVE, e);
        }
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
