package dev.codebound.protocol.code;

import dev.codebound.protocol.pki.PkiException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.ECKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;

/**
 * The student identity inside a suite 2 collection code: a fresh SM4 key and GCM nonce are
 * SM2-encrypted (GB/T 32918.4, SM3 as KDF and check digest, C1C3C2 order, C1 uncompressed) to the
 * registry's SM2 encryption key, and SM4-GCM encrypts the identity with the code's header as
 * additional data. This is key transport, as suite 2 envelopes do, for the same reasons (the SM2
 * encryption key is a key-transport key; SM2 has no standard static-ephemeral key agreement), and
 * binding the header keeps a sealed identity from being moved into another code.
 */
final class Sm2IdentitySeal {
    /** The SM2 ciphertext of the key and nonce: C1 (65) || C3 (32) || C2 (28). */
    static final int SEALED_KEY_LENGTH = 65 + 32 + 28;
    static final int TAG_LENGTH = 16;

    private static final int KEY_LENGTH = 16;
    private static final int NONCE_LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Sm2IdentitySeal() {}

    /** A fresh one-time SM4 key and nonce, and their SM2 ciphertext for the code's key field. */
    record OneTimeKey(byte[] keyAndNonce, byte[] sealedKey) {}

    static OneTimeKey newKey(PublicKey recipient) {
        byte[] keyAndNonce = new byte[KEY_LENGTH + NONCE_LENGTH];
        RANDOM.nextBytes(keyAndNonce);
        try {
            SM2Engine engine = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
            engine.init(true, new ParametersWithRandom(ECUtil.generatePublicKeyParameter(recipient), RANDOM));
            return new OneTimeKey(keyAndNonce, engine.processBlock(keyAndNonce, 0, keyAndNonce.length));
        } catch (InvalidKeyException | InvalidCipherTextException e) {
            throw new PkiException("cannot SM2-encrypt the identity key: " + e.getMessage(), e);
        }
    }

    /** Encrypts {@code plaintext} with the one-time key; returns ciphertext || tag. */
    static byte[] seal(OneTimeKey key, byte[] plaintext, byte[] additionalData) {
        try {
            return crypt(true, key.keyAndNonce(), plaintext, additionalData);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("SM4-GCM encryption cannot fail: " + e.getMessage(), e);
        }
    }

    /**
     * Recovers the one-time key with the registry's SM2 private key and decrypts a sealed identity.
     *
     * @throws InvalidCipherTextException when the key field does not decrypt (C1 off the curve, C3
     *     mismatch) or the GCM tag does not verify
     */
    static byte[] open(PrivateKey recipient, byte[] sealedKey, byte[] sealed, byte[] additionalData)
            throws InvalidCipherTextException {
        byte[] keyAndNonce;
        try {
            SM2Engine engine = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
            engine.init(false, (ECKeyParameters) ECUtil.generatePrivateKeyParameter(recipient));
            keyAndNonce = engine.processBlock(sealedKey, 0, sealedKey.length);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("the registry encryption key is not an SM2 key: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Bouncy Castle throws unchecked when C1 does not decode to a point of the curve.
            throw new InvalidCipherTextException("C1 is not a point of the SM2 curve");
        }
        if (keyAndNonce.length != KEY_LENGTH + NONCE_LENGTH) {
            throw new InvalidCipherTextException("the transported key is " + keyAndNonce.length + " bytes");
        }
        try {
            return crypt(false, keyAndNonce, sealed, additionalData);
        } finally {
            Arrays.fill(keyAndNonce, (byte) 0);
        }
    }

    private static byte[] crypt(boolean encrypt, byte[] keyAndNonce, byte[] input, byte[] additionalData)
            throws InvalidCipherTextException {
        GCMModeCipher gcm = GCMBlockCipher.newInstance(new SM4Engine());
        gcm.init(encrypt, new AEADParameters(new KeyParameter(keyAndNonce, 0, KEY_LENGTH), TAG_LENGTH * 8,
                Arrays.copyOfRange(keyAndNonce, KEY_LENGTH, KEY_LENGTH + NONCE_LENGTH), additionalData));
        byte[] output = new byte[gcm.getOutputSize(input.length)];
        int written = gcm.processBytes(input, 0, input.length, output, 0);
        written += gcm.doFinal(output, written);
        return written == output.length ? output : Arrays.copyOf(output, written);
    }
}
