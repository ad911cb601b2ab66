package dev.codebound.protocol.envelope;

import java.io.IOException;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.cms.ecc.ECCCMSSharedInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESWrapEngine;
import org.bouncycastle.crypto.generators.KDF2BytesGenerator;
import org.bouncycastle.crypto.params.KDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.Pack;

/**
 * Suite 1's key wrapping after the ECDH agreement (RFC 5753, {@code dhSinglePass-stdDH-sha256kdf-scheme}
 * with {@code id-aes256-wrap}): the key-encryption key is the X9.63 KDF with SHA-256 of the shared
 * secret (the agreed point's x coordinate) over the DER ECC-CMS-SharedInfo, and the content key is
 * wrapped with it by RFC 3394. Sealing and opening share it, so that the agreement itself can run in
 * whichever provider is fastest while the bytes stay what OpenSSL's {@code cms} writes and reads.
 */
final class EcdhKeyWrap {
    /** AES-256 key wrap: the key-encryption key is 256 bits, and so is suite 1's content key. */
    static final int KEY_BITS = 256;

    private EcdhKeyWrap() {}

    /** Wraps {@code contentKey} for the agreement that gave {@code sharedSecret}; wipes what it derived. */
    static byte[] wrap(byte[] sharedSecret, AlgorithmIdentifier keyEncryption, byte[] userKeyingMaterial,
            byte[] contentKey) throws IOException {
        byte[] kek = keyEncryptionKey(sharedSecret, keyEncryption, userKeyingMaterial);
        try {
            AESWrapEngine wrap = new AESWrapEngine();
            wrap.init(true, new KeyParameter(kek));
            return wrap.wrap(contentKey, 0, contentKey.length);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    /**
     * Unwraps a content key wrapped for the agreement that gave {@code sharedSecret}.
     *
     * @throws InvalidCipherTextException if the wrapped key fails RFC 3394's integrity check (the
     *                                    agreement or the wrapped key was altered) or is not a 256-bit key
     */
    static byte[] unwrap(byte[] sharedSecret, AlgorithmIdentifier keyEncryption, byte[] userKeyingMaterial,
            byte[] wrappedKey) throws IOException, InvalidCipherTextException {
        byte[] kek = keyEncryptionKey(sharedSecret, keyEncryption, userKeyingMaterial);
        try {
            AESWrapEngine wrap = new AESWrapEngine();
            wrap.init(false, new KeyParameter(kek));
            byte[] contentKey = wrap.unwrap(wrappedKey, 0, wrappedKey.length);
            if (contentKey.length != KEY_BITS / 8) {
                Arrays.fill(contentKey, (byte) 0);
                throw new InvalidCipherTextException("the unwrapped content key is " + contentKey.length * 8
                        + " bits, not " + KEY_BITS);
            }
            return contentKey;
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    /**
     * The KDF's output: SHA-256(Z || counter || SharedInfo) with the counter from 1, where SharedInfo
     * names the wrap algorithm, carries the user keying material if the envelope has it, and states
     * the key length in bits.
     */
    private static byte[] keyEncryptionKey(byte[] sharedSecret, AlgorithmIdentifier keyEncryption,
            byte[] userKeyingMaterial) throws IOException {
        byte[] sharedInfo = new ECCCMSSharedInfo(keyEncryption, userKeyingMaterial, Pack.intToBigEndian(KEY_BITS))
                .getEncoded(ASN1Encoding.DER);
        KDF2BytesGenerator kdf = new KDF2BytesGenerator(new SHA256Digest());
        kdf.init(new KDFParameters(sharedSecret, sharedInfo));
        byte[] kek = new byte[KEY_BITS / 8];
        kdf.generateBytes(kek, 0, kek.length);
        return kek;
    }
}
