package dev.codebound.protocol.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;

/**
 * The signature algorithms of Codebound's compact signed formats (signed JSON documents such as
 * receipts, and collection codes), each in the fixed-length form {@code r || s} (two 32-byte
 * big-endian integers, 64 bytes). The algorithm is always chosen by the format (its version or
 * suite member), never guessed from a signature, and a key must be on the algorithm's curve.
 */
public enum CompactSignature {
    /** ECDSA on P-256 with SHA-256 (suite 1; trust bundles, receipts of format 1, checkpoints). */
    ECDSA_P256_SHA256 {
        @Override
        public void requireKey(PublicKey key, String role) {
            KeyPairs.requireP256(key, role);
        }

        @Override
        byte[] signChecked(PrivateKey key, byte[] message) {
            return Signatures.sign(key, message);
        }

        @Override
        boolean verifyChecked(PublicKey key, byte[] message, byte[] signature) {
            return Signatures.verify(key, message, signature);
        }
    },
    /**
     * SM2 with SM3 (GB/T 32918.2, suite 2), with GM/T 0009-2012's default signer ID, the ASCII digits
     * {@code 1234567812345678} ({@link KeyPairs#SM2_SIGNER_ID}).
     */
    SM2_SM3 {
        @Override
        public void requireKey(PublicKey key, String role) {
            KeyPairs.requireSm2(key, role);
        }

        @Override
        byte[] signChecked(PrivateKey key, byte[] message) throws GeneralSecurityException, CryptoException {
            SM2Signer signer = new SM2Signer(PlainDSAEncoding.INSTANCE);
            signer.init(true, new ParametersWithID(new ParametersWithRandom(
                    ECUtil.generatePrivateKeyParameter(key), RANDOM), SIGNER_ID));
            signer.update(message, 0, message.length);
            return signer.generateSignature();
        }

        @Override
        boolean verifyChecked(PublicKey key, byte[] message, byte[] signature) throws GeneralSecurityException {
            SM2Signer verifier = new SM2Signer(PlainDSAEncoding.INSTANCE);
            verifier.init(false, new ParametersWithID(ECUtil.generatePublicKeyParameter(key), SIGNER_ID));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        }
    };

    /** Length of a signature in bytes: {@code r || s}, 32 bytes each. */
    public static final int LENGTH = 64;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] SIGNER_ID = KeyPairs.SM2_SIGNER_ID.getBytes(StandardCharsets.US_ASCII);

    /**
     * Fails unless {@code key} is on this algorithm's curve.
     *
     * @throws PkiException naming {@code role}, the key found and the key required
     */
    public abstract void requireKey(PublicKey key, String role);

    abstract byte[] signChecked(PrivateKey key, byte[] message) throws GeneralSecurityException, CryptoException;

    abstract boolean verifyChecked(PublicKey key, byte[] message, byte[] signature) throws GeneralSecurityException;

    /** Signs {@code message} with {@code key} (which must belong to this algorithm), returning {@code r || s}. */
    public byte[] sign(PrivateKey key, byte[] message) {
        try {
            return signChecked(key, message);
        } catch (GeneralSecurityException | CryptoException | IllegalArgumentException e) {
            throw new PkiException("cannot sign with " + this + ": " + e.getMessage(), e);
        }
    }

    /**
     * Verifies an {@code r || s} signature; a key not on this algorithm's curve, or any malformed
     * signature, simply does not verify.
     */
    public boolean verify(PublicKey key, byte[] message, byte[] signature) {
        if (signature == null || signature.length != LENGTH) {
            return false;
        }
        try {
            requireKey(key, "signer");
            return verifyChecked(key, message, signature);
        } catch (GeneralSecurityException | IllegalArgumentException | IllegalStateException | PkiException e) {
            return false;
        }
    }
}
