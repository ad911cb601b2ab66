package dev.codebound.protocol.envelope;

import java.io.IOException;
import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.params.ECKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;
import org.bouncycastle.util.Arrays;
import org.bouncycastle.util.BigIntegers;

/**
 * SM2 public-key encryption (GB/T 32918.4) of a content key, with SM3 as the KDF and check digest,
 * in the ciphertext encoding of GM/T 0009-2012 §7.2, which GM/T 0010 key transport and OpenSSL use:
 *
 * <pre>
 * SM2Cipher ::= SEQUENCE {
 *   XCoordinate INTEGER,                -- x of C1 = [k]G
 *   YCoordinate INTEGER,                -- y of C1
 *   HASH        OCTET STRING (SIZE(32)), -- C3 = SM3(x2 || M || y2)
 *   CipherText  OCTET STRING }          -- C2 = M XOR KDF(x2 || y2, klen)
 * </pre>
 *
 * <p>Bouncy Castle's {@link SM2Engine} in C1C3C2 order does the arithmetic; this class converts
 * between its raw output ({@code 04 || x || y || C3 || C2}) and the DER structure.
 */
final class Sm2KeyTransport {
    private static final int COORDINATE_LENGTH = 32;
    private static final int HASH_LENGTH = 32;
    private static final byte UNCOMPRESSED_POINT = 0x04;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Sm2KeyTransport() {}

    /** Encrypts {@code key} to the SM2 public key, returning the DER {@code SM2Cipher}. */
    static byte[] encrypt(PublicKey recipient, byte[] key) {
        try {
            SM2Engine engine = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
            engine.init(true, new ParametersWithRandom(ECUtil.generatePublicKeyParameter(recipient), RANDOM));
            return toDer(engine.processBlock(key, 0, key.length));
        } catch (InvalidKeyException | InvalidCipherTextException e) {
            throw new IllegalStateException("cannot SM2-encrypt the content key: " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts a DER {@code SM2Cipher} with the SM2 private key.
     *
     * @throws InvalidCipherTextException if the structure is malformed, C1 is not a point of the
     *         curve, or the check digest C3 does not match (the key was altered or is not ours)
     */
    static byte[] decrypt(PrivateKey recipient, byte[] sm2Cipher) throws InvalidCipherTextException {
        byte[] raw = fromDer(sm2Cipher);
        try {
            SM2Engine engine = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
            engine.init(false, (ECKeyParameters) ECUtil.generatePrivateKeyParameter(recipient));
            return engine.processBlock(raw, 0, raw.length);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("the registry encryption key is not an SM2 key: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Bouncy Castle throws unchecked when C1 does not decode to a point of the curve.
            throw new InvalidCipherTextException("C1 is not a point of the SM2 curve");
        }
    }

    private static byte[] toDer(byte[] raw) {
        int hashAt = 1 + 2 * COORDINATE_LENGTH;
        int cipherAt = hashAt + HASH_LENGTH;
        DERSequence cipher = new DERSequence(new ASN1Encodable[] {
                new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 1, 1 + COORDINATE_LENGTH))),
                new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 1 + COORDINATE_LENGTH, hashAt))),
                new DEROctetString(Arrays.copyOfRange(raw, hashAt, cipherAt)),
                new DEROctetString(Arrays.copyOfRange(raw, cipherAt, raw.length))});
        try {
            return cipher.getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding in memory failed", e);
        }
    }

    private static byte[] fromDer(byte[] der) throws InvalidCipherTextException {
        try {
            ASN1Sequence sequence = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
            if (sequence == null || sequence.size() != 4) {
                throw new InvalidCipherTextException("an SM2Cipher has four fields");
            }
            BigInteger x = ASN1Integer.getInstance(sequence.getObjectAt(0)).getPositiveValue();
            BigInteger y = ASN1Integer.getInstance(sequence.getObjectAt(1)).getPositiveValue();
            byte[] hash = ASN1OctetString.getInstance(sequence.getObjectAt(2)).getOctets();
            byte[] ciphertext = ASN1OctetString.getInstance(sequence.getObjectAt(3)).getOctets();
            if (x.bitLength() > 8 * COORDINATE_LENGTH || y.bitLength() > 8 * COORDINATE_LENGTH
                    || hash.length != HASH_LENGTH || ciphertext.length == 0
                    || !Arrays.areEqual(sequence.getEncoded(ASN1Encoding.DER), der)) {
                throw new InvalidCipherTextException("the SM2Cipher fields are out of range or not DER");
            }
            return Arrays.concatenate(new byte[] {UNCOMPRESSED_POINT},
                    BigIntegers.asUnsignedByteArray(COORDINATE_LENGTH, x),
                    BigIntegers.asUnsignedByteArray(COORDINATE_LENGTH, y),
                    Arrays.concatenate(hash, ciphertext));
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidCipherTextException("the SM2Cipher is not DER: " + e.getMessage());
        }
    }
}
