package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Cross-checks the streaming decryptor against the JDK's AES-GCM encryption. */
class StreamingGcmDecryptorTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(5083);

    @Test
    void decryptsWhatTheJdkEncryptedAtEveryAwkwardLength() throws Exception {
        int[] lengths = {0, 1, 15, 16, 17, 31, 32, 33, 100, 65535, 65536, 65537, 131072, 200_003};
        for (int length : lengths) {
            for (int feed : new int[] {1, 7, 4096, 65536, 100_000}) {
                if (length > 70_000 && feed < 4096) {
                    continue;
                }
                roundTrip(length, feed);
            }
        }
    }

    @Test
    void rejectsAnyChangedCiphertextOrTag() throws Exception {
        byte[] key = bytes(32);
        byte[] nonce = bytes(12);
        byte[] sealed = encrypt(key, nonce, bytes(70_000));
        for (int position : new int[] {0, 15, 16, 65535, 65536, 69_999, 70_000, 70_015}) {
            byte[] tampered = sealed.clone();
            tampered[position] ^= 1;
            assertFalse(decryptsAuthentically(key, nonce, tampered, 8192), "flip at " + position);
        }
        assertFalse(decryptsAuthentically(key, nonce, Arrays.copyOf(sealed, sealed.length - 1), 8192));
        assertFalse(decryptsAuthentically(bytes(32), nonce, sealed, 8192), "wrong key");
    }

    private static void roundTrip(int length, int feed) throws Exception {
        byte[] key = bytes(32);
        byte[] nonce = bytes(12);
        byte[] plaintext = bytes(length);
        byte[] sealed = encrypt(key, nonce, plaintext);
        StreamingGcmDecryptor decryptor = new StreamingGcmDecryptor(key, nonce);
        byte[] out = new byte[length];
        byte[] chunk = new byte[feed];
        for (int offset = 0; offset < length; offset += feed) {
            int n = Math.min(feed, length - offset);
            decryptor.update(sealed, offset, n, chunk);
            System.arraycopy(chunk, 0, out, offset, n);
        }
        assertArrayEquals(plaintext, out, "length " + length + ", feed " + feed);
        assertTrue(decryptor.verify(Arrays.copyOfRange(sealed, length, sealed.length)),
                "tag, length " + length + ", feed " + feed);
    }

    private static boolean decryptsAuthentically(byte[] key, byte[] nonce, byte[] sealed, int feed) throws Exception {
        int length = Math.max(0, sealed.length - 16);
        StreamingGcmDecryptor decryptor = new StreamingGcmDecryptor(key, nonce);
        byte[] chunk = new byte[feed];
        for (int offset = 0; offset < length; offset += feed) {
            decryptor.update(sealed, offset, Math.min(feed, length - offset), chunk);
        }
        return decryptor.verify(Arrays.copyOfRange(sealed, length, sealed.length));
    }

    private static byte[] encrypt(byte[] key, byte[] nonce, byte[] plaintext) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        return cipher.doFinal(plaintext);
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
