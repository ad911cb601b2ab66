package dev.codebound.protocol.code;

import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.Providers;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;

/**
 * ECIES over P-256 for the student identity inside a collection code (suite 1): an ephemeral
 * P-256 key agrees a secret with the registry's encryption key; HKDF-SHA256 derives a one-time
 * AES-256 key and GCM nonce; AES-256-GCM encrypts the identity with the code's header as
 * additional data, so the sealed identity cannot be moved into another code.
 */
final class IdentitySeal {
    static final int EPHEMERAL_KEY_LENGTH = 33;
    static final int TAG_LENGTH = 16;

    private static final byte[] HKDF_INFO = "codebound code identity v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final ECNamedCurveParameterSpec CURVE = ECNamedCurveTable.getParameterSpec(KeyPairs.CURVE);

    private IdentitySeal() {}

    /** A fresh ephemeral key and its compressed public point. */
    record Ephemeral(KeyPair keyPair, byte[] compressedPublicKey) {}

    static Ephemeral newEphemeral() {
        // In the engine that agrees (BoringSSL where it loads): a key made and used once, never written.
        KeyPair pair = KeyPairs.generateP256ForAgreement();
        ECPoint point = ((ECPublicKey) pair.getPublic()).getW();
        byte[] compressed = CURVE.getCurve().createPoint(point.getAffineX(), point.getAffineY()).getEncoded(true);
        return new Ephemeral(pair, compressed);
    }

    /** Encrypts {@code plaintext} to {@code recipient} with the ephemeral key; returns ciphertext || tag. */
    static byte[] seal(Ephemeral ephemeral, PublicKey recipient, byte[] recipientKeyId, byte[] plaintext,
            byte[] additionalData) {
        try {
            byte[] secret = agree(ephemeral.keyPair().getPrivate(), recipient);
            return crypt(Cipher.ENCRYPT_MODE, secret, ephemeral.compressedPublicKey(), recipientKeyId, plaintext,
                    additionalData);
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot seal identity: " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts a sealed identity with the registry's private key.
     *
     * @throws GeneralSecurityException when the point is invalid or the tag does not verify
     */
    static byte[] open(PrivateKey recipient, byte[] recipientKeyId, byte[] compressedEphemeral, byte[] sealed,
            byte[] additionalData) throws GeneralSecurityException {
        PublicKey ephemeral = decompress(compressedEphemeral);
        byte[] secret = agree(recipient, ephemeral);
        return crypt(Cipher.DECRYPT_MODE, secret, compressedEphemeral, recipientKeyId, sealed, additionalData);
    }

    private static byte[] crypt(int mode, byte[] secret, byte[] ephemeral, byte[] recipientKeyId, byte[] input,
            byte[] additionalData) throws GeneralSecurityException {
        byte[] salt = new byte[ephemeral.length + recipientKeyId.length];
        System.arraycopy(ephemeral, 0, salt, 0, ephemeral.length);
        System.arraycopy(recipientKeyId, 0, salt, ephemeral.length, recipientKeyId.length);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(secret, salt, HKDF_INFO));
        byte[] keyAndNonce = new byte[44];
        hkdf.generateBytes(keyAndNonce, 0, keyAndNonce.length);
        Arrays.fill(secret, (byte) 0);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", Providers.bulkCipher());
        cipher.init(mode, new SecretKeySpec(keyAndNonce, 0, 32, "AES"),
                new GCMParameterSpec(TAG_LENGTH * 8, keyAndNonce, 32, 12));
        Arrays.fill(keyAndNonce, (byte) 0);
        cipher.updateAAD(additionalData);
        return cipher.doFinal(input);
    }

    private static byte[] agree(PrivateKey privateKey, PublicKey publicKey) throws GeneralSecurityException {
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH", Providers.forCurveOf(privateKey));
        agreement.init(privateKey);
        agreement.doPhase(publicKey, true);
        return agreement.generateSecret();
    }

    private static PublicKey decompress(byte[] compressed) throws GeneralSecurityException {
        if (compressed.length != EPHEMERAL_KEY_LENGTH || (compressed[0] != 0x02 && compressed[0] != 0x03)) {
            throw new GeneralSecurityException("ephemeral key is not a compressed P-256 point");
        }
        try {
            var point = CURVE.getCurve().decodePoint(compressed);
            return KeyFactory.getInstance("EC", Providers.ellipticCurve())
                    .generatePublic(new ECPublicKeySpec(point, CURVE));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("ephemeral key is not on P-256", e);
        }
    }
}
