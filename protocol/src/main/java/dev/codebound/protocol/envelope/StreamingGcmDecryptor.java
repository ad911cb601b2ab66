package dev.codebound.protocol.envelope;

import dev.codebound.protocol.pki.Providers;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.modes.gcm.GCMUtil;

/**
 * AES-GCM decryption (12-byte nonce, 16-byte tag, no additional data) that streams, at the speed of
 * the JDK's AES and GHASH intrinsics. The JDK's own GCM decryption holds all plaintext until the
 * tag is checked (1 GiB photo, 1 GiB of heap); Bouncy Castle's streaming GCM is pure Java and was
 * measured here at 0.08 GB/s. This class releases plaintext BEFORE the tag is checked: callers must
 * keep it private until {@link #verify} returns true.
 *
 * <p>How (NIST SP 800-38D): the plaintext is the ciphertext XOR the AES-CTR keystream starting at
 * counter {@code nonce || 2}, computed by the JDK's AES/CTR (its 128-bit counter never carries
 * into the nonce, as GCM caps a message at 2^32 - 2 blocks). The tag is
 * {@code E(K, nonce || 1) XOR GHASH(H, C || lengths)}. GHASH is linear, so it is computed in
 * 64 KiB pieces by the JDK itself: encrypting nothing with a piece as additional data yields
 * {@code E(K, J) XOR (Y XOR L) * H}, where {@code Y} is the piece's GHASH state, L its length block
 * and E(K, J) we compute. The state is carried multiplied by H, {@code Z = Y * H}, which that
 * answer gives without dividing by H: the piece adds {@code (Y XOR L) * H XOR L * H}, and the pieces
 * combine as {@code Z = Z_before * H^blocks XOR Y_piece * H}; the tag is then
 * {@code E(K, nonce || 1) XOR Z XOR lengths * H}. An envelope of one piece (every photo) costs two
 * field multiplications beyond the JDK's work, which use Bouncy Castle's {@link GCMUtil}.
 */
final class StreamingGcmDecryptor implements ContentDecryptor {
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    private static final int PIECE = EnvelopeFormat.CHUNK;
    private static final long MAX_CIPHERTEXT = (1L << 36) - 32;

    private final SecretKeySpec key;
    private final Cipher blocks;
    private final Cipher keystream;
    private final Cipher ghash;
    private final byte[] h;
    private final byte[] tagMask;
    /** The GHASH state so far, times H ({@code Z}); zero before the first piece. */
    private final byte[] state = new byte[16];
    /** H^(blocks of a whole piece), computed when a second piece arrives. */
    private byte[] hPerPiece;
    private final byte[] piece = new byte[PIECE];
    private int pieceLength;
    private long pieceCount;
    private long total;

    StreamingGcmDecryptor(byte[] keyBytes, byte[] nonce) throws GeneralSecurityException {
        if (nonce.length != NONCE_LENGTH) {
            throw new GeneralSecurityException("GCM nonce must be " + NONCE_LENGTH + " bytes");
        }
        key = new SecretKeySpec(keyBytes, "AES");
        blocks = Cipher.getInstance("AES/ECB/NoPadding", Providers.bulkCipher());
        blocks.init(Cipher.ENCRYPT_MODE, key);
        keystream = Cipher.getInstance("AES/CTR/NoPadding", Providers.bulkCipher());
        keystream.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(counterBlock(nonce, 2)));
        ghash = Cipher.getInstance("AES/GCM/NoPadding", Providers.bulkCipher());
        h = blocks.doFinal(new byte[16]);
        tagMask = blocks.doFinal(counterBlock(nonce, 1));
    }

    /** Decrypts {@code length} bytes into {@code out} (same length). The output is NOT yet authentic. */
    @Override
    public int update(byte[] in, int offset, int length, byte[] out) throws GeneralSecurityException {
        total += length;
        if (total > MAX_CIPHERTEXT) {
            throw new GeneralSecurityException("ciphertext longer than AES-GCM allows");
        }
        for (int done = 0; done < length; ) {
            int take = Math.min(length - done, PIECE - pieceLength);
            System.arraycopy(in, offset + done, piece, pieceLength, take);
            pieceLength += take;
            done += take;
            if (pieceLength == PIECE) {
                absorbPiece();
            }
        }
        return keystream.update(in, offset, length, out, 0);
    }

    /** Whether {@code tag} authenticates everything passed to {@link #update}, compared in constant time. */
    @Override
    public boolean verify(byte[] tag) throws GeneralSecurityException {
        if (pieceLength > 0) {
            absorbPiece();
        }
        byte[] lengths = ByteBuffer.allocate(16).putLong(0).putLong(total * 8).array();
        GCMUtil.multiply(lengths, h);
        xorInto(state, lengths);
        xorInto(state, tagMask);
        return tag.length == TAG_LENGTH && MessageDigest.isEqual(state, tag);
    }

    /** Folds the buffered piece into the GHASH state using the JDK's GCM over it as additional data. */
    private void absorbPiece() throws GeneralSecurityException {
        byte[] nonce = ByteBuffer.allocate(NONCE_LENGTH).putLong(++pieceCount).array();
        ghash.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
        ghash.updateAAD(piece, 0, pieceLength);
        // (Y_piece XOR L) * H, then Y_piece * H by adding L * H.
        byte[] pieceHash = ghash.doFinal();
        xorInto(pieceHash, blocks.doFinal(counterBlock(nonce, 1)));
        byte[] lengthTimesH = ByteBuffer.allocate(16).putLong(pieceLength * 8L).putLong(0).array();
        GCMUtil.multiply(lengthTimesH, h);
        xorInto(pieceHash, lengthTimesH);
        if (pieceCount > 1) {
            GCMUtil.multiply(state, pieceLength == PIECE ? wholePiecePower() : power(h, (pieceLength + 15) / 16));
        }
        xorInto(state, pieceHash);
        pieceLength = 0;
    }

    private byte[] wholePiecePower() {
        if (hPerPiece == null) {
            hPerPiece = power(h, PIECE / 16);
        }
        return hPerPiece;
    }

    private static byte[] counterBlock(byte[] nonce, int counter) {
        return ByteBuffer.allocate(16).put(nonce).putInt(counter).array();
    }

    private static byte[] power(byte[] x, int exponent) {
        byte[] result = GCMUtil.oneAsBytes();
        for (int bit = 31 - Integer.numberOfLeadingZeros(Math.max(exponent, 1)); bit >= 0; bit--) {
            GCMUtil.multiply(result, result.clone());
            if ((exponent >>> bit & 1) != 0) {
                GCMUtil.multiply(result, x);
            }
        }
        return result;
    }

    private static void xorInto(byte[] target, byte[] other) {
        for (int i = 0; i < 16; i++) {
            target[i] ^= other[i];
        }
    }
}
