package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/**
 * Suite 2's SM4-GCM: the published known answer of RFC 8998 (appendix A.1), and our streaming
 * decryptor against our encryptor at every awkward length, with any altered bit refused.
 */
class Sm4GcmTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final SplittableRandom RANDOM = new SplittableRandom(8998);
    private static final byte[] RFC8998_KEY = HEX.parseHex("0123456789abcdeffedcba9876543210");
    private static final byte[] RFC8998_NONCE = HEX.parseHex("00001234567800000000abcd");
    private static final byte[] RFC8998_AAD = HEX.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    private static final byte[] RFC8998_PLAINTEXT = HEX.parseHex("aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbcccccccccccccccc"
            + "ddddddddddddddddeeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa");
    private static final byte[] RFC8998_CIPHERTEXT = HEX.parseHex("17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd375648906"
            + "9157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d");
    private static final byte[] RFC8998_TAG = HEX.parseHex("83de3541e4c2b58177e065a9bf7b62ec");

    @Test
    void theGcmOverSm4WeEncryptWithGivesRfc8998sKnownAnswer() throws Exception {
        GCMModeCipher cipher = GCMBlockCipher.newInstance(new SM4Engine());
        cipher.init(true, new AEADParameters(new KeyParameter(RFC8998_KEY), 128, RFC8998_NONCE, RFC8998_AAD));
        byte[] out = new byte[cipher.getOutputSize(RFC8998_PLAINTEXT.length)];
        int n = cipher.processBytes(RFC8998_PLAINTEXT, 0, RFC8998_PLAINTEXT.length, out, 0);
        cipher.doFinal(out, n);
        assertArrayEquals(concat(RFC8998_CIPHERTEXT, RFC8998_TAG), out);
    }

    @Test
    void ourDecryptorRecoversRfc8998sPlaintext() throws Exception {
        // The example authenticates additional data, which envelopes never have: only the keystream applies.
        Sm4GcmDecryptor decryptor = new Sm4GcmDecryptor(RFC8998_KEY, RFC8998_NONCE);
        byte[] out = new byte[RFC8998_CIPHERTEXT.length];
        decryptor.update(RFC8998_CIPHERTEXT, 0, RFC8998_CIPHERTEXT.length, out);
        assertArrayEquals(RFC8998_PLAINTEXT, out);
    }

    @Test
    void decryptsWhatTheEncryptorWroteAtEveryAwkwardLength() throws Exception {
        for (int length : new int[] {0, 1, 15, 16, 17, 31, 32, 33, 100, 65535, 65536, 65537, 200_003}) {
            for (int feed : new int[] {1, 7, 16, 4096, 65536, 100_000}) {
                if (length > 70_000 && feed < 4096) {
                    continue;
                }
                Sealed sealed = encrypt(bytes(length), feed);
                assertArrayEquals(sealed.plaintext, decrypt(sealed, sealed.ciphertext, sealed.tag, feed),
                        "length " + length + ", feed " + feed);
                assertTrue(verifies(sealed, sealed.ciphertext, sealed.tag, feed), "tag, length " + length + ", feed " + feed);
            }
        }
    }

    @Test
    void refusesAnyChangedCiphertextTagOrKey() throws Exception {
        Sealed sealed = encrypt(bytes(70_000), 8192);
        for (int position : new int[] {0, 15, 16, 65535, 65536, 69_999}) {
            byte[] tampered = sealed.ciphertext.clone();
            tampered[position] ^= 1;
            assertFalse(verifies(sealed, tampered, sealed.tag, 8192), "flip at " + position);
        }
        for (int position = 0; position < 16; position++) {
            byte[] tag = sealed.tag.clone();
            tag[position] ^= (byte) 0x80;
            assertFalse(verifies(sealed, sealed.ciphertext, tag, 8192), "tag flip at " + position);
        }
        assertFalse(verifies(sealed, Arrays.copyOf(sealed.ciphertext, 69_999), sealed.tag, 8192), "truncated");
        assertFalse(verifies(sealed, sealed.ciphertext, Arrays.copyOf(sealed.tag, 12), 8192), "short tag");
        Sealed otherKey = new Sealed(sealed.plaintext, sealed.ciphertext, sealed.tag, bytes(16), sealed.nonce);
        assertFalse(verifies(otherKey, sealed.ciphertext, sealed.tag, 8192), "wrong key");
    }

    @Test
    void encryptorGivesNoTagBeforeTheContentIsComplete() {
        assertThrows(IllegalStateException.class, () -> new Sm4GcmEncryptor().getMAC());
    }

    private record Sealed(byte[] plaintext, byte[] ciphertext, byte[] tag, byte[] key, byte[] nonce) {}

    private static Sealed encrypt(byte[] plaintext, int feed) throws Exception {
        Sm4GcmEncryptor encryptor = new Sm4GcmEncryptor();
        ByteArrayOutputStream ciphertext = new ByteArrayOutputStream();
        try (OutputStream out = encryptor.getOutputStream(ciphertext)) {
            for (int offset = 0; offset < plaintext.length; offset += feed) {
                out.write(plaintext, offset, Math.min(feed, plaintext.length - offset));
            }
        }
        byte[] nonce = GCMParameters.getInstance(encryptor.getAlgorithmIdentifier().getParameters()).getNonce();
        return new Sealed(plaintext, ciphertext.toByteArray(), encryptor.getMAC(),
                (byte[]) encryptor.getKey().getRepresentation(), nonce);
    }

    private static byte[] decrypt(Sealed sealed, byte[] ciphertext, byte[] tag, int feed) throws Exception {
        Sm4GcmDecryptor decryptor = new Sm4GcmDecryptor(sealed.key, sealed.nonce);
        byte[] out = new byte[ciphertext.length];
        byte[] chunk = new byte[feed];
        for (int offset = 0; offset < ciphertext.length; offset += feed) {
            int n = decryptor.update(ciphertext, offset, Math.min(feed, ciphertext.length - offset), chunk);
            System.arraycopy(chunk, 0, out, offset, n);
        }
        return out;
    }

    private static boolean verifies(Sealed sealed, byte[] ciphertext, byte[] tag, int feed) throws Exception {
        Sm4GcmDecryptor decryptor = new Sm4GcmDecryptor(sealed.key, sealed.nonce);
        byte[] chunk = new byte[feed];
        for (int offset = 0; offset < ciphertext.length; offset += feed) {
            decryptor.update(ciphertext, offset, Math.min(feed, ciphertext.length - offset), chunk);
        }
        return decryptor.verify(tag);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
