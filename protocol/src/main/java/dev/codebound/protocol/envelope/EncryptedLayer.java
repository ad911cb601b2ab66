package dev.codebound.protocol.envelope;

import java.io.IOException;
import java.io.OutputStream;
import java.security.cert.X509Certificate;
import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;

/**
 * The inner layer: a streaming CMS AuthEnvelopedData (a ContentInfo, so that {@code openssl cms
 * -decrypt} reads it as is) of whatever is written to the stream {@link #open} returns, encrypted to
 * the registry. No authenticated attributes: OpenSSL 3.0 cannot parse them and Bouncy Castle's
 * generators feed them to GCM after the content, so the binding travels inside the content instead
 * (see {@link InnerContent}). Closing the stream writes the GCM tag.
 */
final class EncryptedLayer {
    private EncryptedLayer() {}

    static OutputStream open(OutputStream out, Suite suite, X509Certificate registryEncryption) throws IOException {
        return open(out, suite, registryEncryption, -1);
    }

    /**
     * {@link #open(OutputStream, Suite, X509Certificate)} for exactly {@code plaintextLength} bytes of
     * inner content, which lets the suite encrypt a small content in memory with a faster cipher.
     */
    static OutputStream open(OutputStream out, Suite suite, X509Certificate registryEncryption, long plaintextLength)
            throws IOException {
        CMSAuthEnvelopedDataStreamGenerator generator = new CMSAuthEnvelopedDataStreamGenerator();
        generator.setBufferSize(EnvelopeFormat.CHUNK);
        generator.addRecipientInfoGenerator(suite.recipient(registryEncryption));
        try {
            return generator.open(out, suite.contentEncryptor(plaintextLength));
        } catch (CMSException e) {
            throw new IOException("cannot start the encrypted layer: " + e.getMessage(), e);
        }
    }
}
