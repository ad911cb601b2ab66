package dev.codebound.protocol.envelope;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.OutputAEADEncryptor;

/**
 * SM4-GCM content encryption for CMS AuthEnvelopedData (suite 2): a fresh 128-bit key and 12-byte
 * nonce per envelope, a 16-byte tag, algorithm {@code 1.2.156.10197.1.104.8} with RFC 5084
 * {@code GCMParameters}. Bouncy Castle's CMS builders know no SM4-GCM, so this is the lightweight
 * {@link GCMBlockCipher} over {@link SM4Engine}, streaming: Bouncy Castle's generator writes the
 * ciphertext through {@link #getOutputStream}, closes that stream, then asks for {@link #getMAC}.
 */
final class Sm4GcmEncryptor implements OutputAEADEncryptor {
    static final int KEY_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key = new byte[KEY_LENGTH];
    private final byte[] nonce = new byte[Sm4GcmDecryptor.NONCE_LENGTH];
    private final GCMModeCipher cipher = GCMBlockCipher.newInstance(new SM4Engine());
    private byte[] tag;

    Sm4GcmEncryptor() {
        RANDOM.nextBytes(key);
        RANDOM.nextBytes(nonce);
        cipher.init(true, new AEADParameters(new KeyParameter(key), Sm4GcmDecryptor.TAG_LENGTH * 8, nonce));
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return new AlgorithmIdentifier(GMObjectIdentifiers.sms4_gcm,
                new GCMParameters(nonce, Sm4GcmDecryptor.TAG_LENGTH));
    }

    @Override
    public GenericKey getKey() {
        return new GenericKey(getAlgorithmIdentifier(), key.clone());
    }

    /** No additional authenticated data: the format forbids authAttrs (see {@link EncryptedLayer}). */
    @Override
    public OutputStream getAADStream() {
        throw new UnsupportedOperationException("Codebound envelopes carry no authenticated attributes");
    }

    @Override
    public byte[] getMAC() {
        if (tag == null) {
            throw new IllegalStateException("the SM4-GCM tag exists only after the content stream is closed");
        }
        return tag.clone();
    }

    @Override
    public OutputStream getOutputStream(OutputStream ciphertext) {
        return new OutputStream() {
            private final byte[] buffer = new byte[EnvelopeFormat.CHUNK + Sm4GcmDecryptor.TAG_LENGTH];

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                for (int done = 0; done < length; ) {
                    int take = Math.min(length - done, EnvelopeFormat.CHUNK);
                    ciphertext.write(buffer, 0, cipher.processBytes(bytes, offset + done, take, buffer, 0));
                    done += take;
                }
            }

            /** Writes the last ciphertext bytes and keeps the tag for {@link #getMAC}; leaves {@code ciphertext} open. */
            @Override
            public void close() throws IOException {
                if (tag != null) {
                    return;
                }
                try {
                    int n = cipher.doFinal(buffer, 0);
                    ciphertext.write(buffer, 0, n - Sm4GcmDecryptor.TAG_LENGTH);
                    tag = Arrays.copyOfRange(buffer, n - Sm4GcmDecryptor.TAG_LENGTH, n);
                } catch (InvalidCipherTextException e) {
                    throw new IllegalStateException("SM4-GCM encryption cannot fail: " + e.getMessage(), e);
                }
            }
        };
    }
}
