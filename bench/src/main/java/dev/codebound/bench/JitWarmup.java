package dev.codebound.bench;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Gets the JDK's bulk crypto compiled by C2 with its CPU intrinsics before anything is timed.
 *
 * <p>Measured here: AES-256-GCM over 64 KiB updates runs at ~50 MB/s until C2 compiles the GCM
 * loop, then at ~4 GB/s. Large updates reach the compile threshold slowly (each is one invocation),
 * so a JVM that has encrypted a few hundred MB in 64 KiB pieces may still be running the slow code.
 * Many small calls (4 KiB) trip the thresholds within a second or two. This warms exactly the
 * primitives the envelope uses: GCM encryption, CTR decryption, GHASH through GCM's additional
 * data (see StreamingGcmDecryptor) and SHA-256. Where BoringSSL runs the envelope's bulk crypto
 * ({@code Providers.bulkCipher()}), these are the JDK's paths that remain: AES-GCM over content too
 * large to hold in memory, and the fallback engine.
 */
public final class JitWarmup {
    private static boolean done;

    private JitWarmup() {}

    public static synchronized void bulkCrypto() {
        if (done) {
            return;
        }
        try {
            SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
            byte[] in = new byte[4096];
            byte[] out = new byte[4096 + 16];
            long counter = 0;
            MessageDigest sha = MessageDigest.getInstance("SHA-256", "SUN");
            for (int i = 0; i < 3000; i++) {
                Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
                gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128,
                        ByteBuffer.allocate(12).putLong(4, ++counter).array()));
                for (int j = 0; j < 8; j++) {
                    gcm.update(in, 0, in.length, out, 0);
                }
                gcm.doFinal(out, 0);
                // Bouncy Castle's CipherOutputStream (the CMS generators) calls update(byte[], int, int),
                // which returns a fresh array and takes another path (separate CTR and GHASH) in JDK 17.
                Cipher gcmArrays = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
                gcmArrays.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128,
                        ByteBuffer.allocate(12).putLong(4, ++counter).array()));
                gcmArrays.update(in, 0, 100);
                for (int j = 0; j < 8; j++) {
                    gcmArrays.update(in, 0, in.length);
                }
                gcmArrays.doFinal();
                Cipher aad = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
                aad.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128,
                        ByteBuffer.allocate(12).putLong(4, ++counter).array()));
                for (int j = 0; j < 8; j++) {
                    aad.updateAAD(in, 0, in.length);
                }
                aad.doFinal(out, 0);
                Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding", "SunJCE");
                ctr.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(new byte[16]));
                for (int j = 0; j < 8; j++) {
                    ctr.update(in, 0, in.length, out, 0);
                    ctr.update(in, 0, in.length);
                    sha.update(in, 0, in.length);
                }
                sha.digest();
            }
            done = true;
        } catch (Exception e) {
            throw new IllegalStateException("JIT warm-up failed", e);
        }
    }
}
