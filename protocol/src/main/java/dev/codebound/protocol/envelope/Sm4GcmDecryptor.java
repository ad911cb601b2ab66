package dev.codebound.protocol.envelope;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.CTRModeCipher;
import org.bouncycastle.crypto.modes.SICBlockCipher;
import org.bouncycastle.crypto.modes.gcm.GCMMultiplier;
import org.bouncycastle.crypto.modes.gcm.Tables4kGCMMultiplier;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * SM4-GCM decryption (12-byte nonce, 16-byte tag, no additional data) that streams. Bouncy Castle's
 * GCM holds back the last 16 bytes of every input, since it expects the tag appended to the
 * ciphertext; CMS carries the tag separately, so this class computes GCM itself from its parts
 * (NIST SP 800-38D with SM4 as the block cipher, as GB/T 36624 does): the plaintext is the
 * ciphertext XOR the SM4-CTR keystream from counter {@code nonce || 2}; the tag is
 * {@code E(K, nonce || 1) XOR GHASH(H, C || lengths)} with {@code H = E(K, 0^128)}. It releases
 * plaintext BEFORE the tag is checked: callers keep it private until {@link #verify} returns true.
 */
final class Sm4GcmDecryptor implements ContentDecryptor {
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    private static final int BLOCK = 16;
    /** GCM's limit of 2^32 - 2 blocks, which also keeps the CTR counter from carrying into the nonce. */
    private static final long MAX_CIPHERTEXT = (1L << 36) - 32;

    private final CTRModeCipher keystream = SICBlockCipher.newInstance(new SM4Engine());
    private final GCMMultiplier ghash = new Tables4kGCMMultiplier();
    private final byte[] tagMask = new byte[BLOCK];
    private final byte[] state = new byte[BLOCK];
    private final byte[] partial = new byte[BLOCK];
    private int partialLength;
    private long total;

    Sm4GcmDecryptor(byte[] key, byte[] nonce) throws GeneralSecurityException {
        if (key.length != Sm4GcmEncryptor.KEY_LENGTH || nonce.length != NONCE_LENGTH) {
            throw new GeneralSecurityException("SM4-GCM needs a 16-byte key and a 12-byte nonce");
        }
        SM4Engine block = new SM4Engine();
        block.init(true, new KeyParameter(key));
        byte[] h = new byte[BLOCK];
        block.processBlock(new byte[BLOCK], 0, h, 0);
        ghash.init(h);
        block.processBlock(counterBlock(nonce, 1), 0, tagMask, 0);
        keystream.init(false, new ParametersWithIV(new KeyParameter(key), counterBlock(nonce, 2)));
    }

    /** Decrypts {@code length} bytes into {@code out} (same length). The output is NOT yet authentic. */
    @Override
    public int update(byte[] in, int offset, int length, byte[] out) throws GeneralSecurityException {
        total += length;
        if (total > MAX_CIPHERTEXT) {
            throw new GeneralSecurityException("ciphertext longer than GCM allows");
        }
        int done = 0;
        if (partialLength > 0) {
            int take = Math.min(length, BLOCK - partialLength);
            System.arraycopy(in, offset, partial, partialLength, take);
            partialLength += take;
            done = take;
            if (partialLength == BLOCK) {
                absorb(partial, 0);
                partialLength = 0;
            }
        }
        for (; length - done >= BLOCK; done += BLOCK) {
            absorb(in, offset + done);
        }
        System.arraycopy(in, offset + done, partial, partialLength, length - done);
        partialLength += length - done;
        return keystream.processBytes(in, offset, length, out, 0);
    }

    /** Whether {@code tag} authenticates everything passed to {@link #update}, compared in constant time. */
    @Override
    public boolean verify(byte[] tag) {
        if (partialLength > 0) {
            Arrays.fill(partial, partialLength, BLOCK, (byte) 0);
            absorb(partial, 0);
            partialLength = 0;
        }
        absorb(ByteBuffer.allocate(BLOCK).putLong(0).putLong(total * 8).array(), 0);
        for (int i = 0; i < BLOCK; i++) {
            state[i] ^= tagMask[i];
        }
        return tag.length == TAG_LENGTH && MessageDigest.isEqual(state, tag);
    }

    private void absorb(byte[] bytes, int offset) {
        for (int i = 0; i < BLOCK; i++) {
            state[i] ^= bytes[offset + i];
        }
        ghash.multiplyH(state);
    }

    private static byte[] counterBlock(byte[] nonce, int counter) {
        return ByteBuffer.allocate(BLOCK).put(nonce).putInt(counter).array();
    }
}
