package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.codebound.protocol.pki.KeyPairs;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.junit.jupiter.api.Test;

/** SM2 encryption of the content key in GM/T 0009's SM2Cipher form, and every way it can be damaged. */
class Sm2KeyTransportTest {
    private static final KeyPair REGISTRY = KeyPairs.generateSm2();
    private static final byte[] KEY = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Test
    void encryptedKeyIsAnSm2CipherThatDecrypts() throws Exception {
        byte[] sm2Cipher = Sm2KeyTransport.encrypt(REGISTRY.getPublic(), KEY);
        ASN1Sequence fields = ASN1Sequence.getInstance(sm2Cipher);
        assertEquals(4, fields.size());
        assertEquals(32, DEROctetString.getInstance(fields.getObjectAt(2)).getOctets().length, "C3 is an SM3 digest");
        assertEquals(KEY.length, DEROctetString.getInstance(fields.getObjectAt(3)).getOctets().length);
        assertArrayEquals(KEY, Sm2KeyTransport.decrypt(REGISTRY.getPrivate(), sm2Cipher));
    }

    @Test
    void anyFlippedBitIsRefused() throws Exception {
        byte[] sm2Cipher = Sm2KeyTransport.encrypt(REGISTRY.getPublic(), KEY);
        for (int i = 0; i < sm2Cipher.length; i++) {
            byte[] flipped = sm2Cipher.clone();
            flipped[i] ^= 1;
            int position = i;
            assertThrows(InvalidCipherTextException.class, () -> Sm2KeyTransport.decrypt(REGISTRY.getPrivate(), flipped),
                    () -> "flipping byte " + position + " went unnoticed");
        }
    }

    @Test
    void anotherRecipientsKeyDoesNotDecrypt() {
        byte[] sm2Cipher = Sm2KeyTransport.encrypt(KeyPairs.generateSm2().getPublic(), KEY);
        assertThrows(InvalidCipherTextException.class, () -> Sm2KeyTransport.decrypt(REGISTRY.getPrivate(), sm2Cipher));
    }

    @Test
    void malformedStructuresAreRefused() throws Exception {
        byte[] good = Sm2KeyTransport.encrypt(REGISTRY.getPublic(), KEY);
        ASN1Sequence fields = ASN1Sequence.getInstance(good);
        byte[] threeFields = new DERSequence(new ASN1Encodable[] {fields.getObjectAt(0),
                fields.getObjectAt(1), fields.getObjectAt(2)}).getEncoded();
        byte[] hugeX = new DERSequence(new ASN1Encodable[] {
                new ASN1Integer(BigInteger.ONE.shiftLeft(300)), fields.getObjectAt(1), fields.getObjectAt(2),
                fields.getObjectAt(3)}).getEncoded();
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        for (byte[] bad : new byte[][] {new byte[0], {0x30, 0x00}, threeFields, hugeX, trailing}) {
            assertThrows(InvalidCipherTextException.class, () -> Sm2KeyTransport.decrypt(REGISTRY.getPrivate(), bad));
        }
    }
}
