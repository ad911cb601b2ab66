package dev.codebound.protocol.envelope;

import java.io.OutputStream;
import java.util.Objects;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RawContentVerifier;

/**
 * Bouncy Castle's JCA content verifiers with the signature verified once. Where a raw form of the
 * algorithm exists (NONEwithECDSA for ECDSA), Bouncy Castle's verifier is a {@link RawContentVerifier}
 * whose {@code verify} checks the signature a second time with the raw form after the real check,
 * only to release PKCS#11 sessions, and discards the answer: a second ECDSA verification per envelope,
 * about an eighth of opening one. The verifiers handed out here are plain {@link ContentVerifier}s
 * that give the real check's answer, which is what {@code SignerInformation} uses for a SignerInfo
 * with signed attributes (every Codebound envelope has them; one without is refused before its
 * signature is judged).
 */
final class SingleVerificationProvider implements ContentVerifierProvider {
    private final ContentVerifierProvider delegate;

    SingleVerificationProvider(ContentVerifierProvider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public boolean hasAssociatedCertificate() {
        return delegate.hasAssociatedCertificate();
    }

    @Override
    public X509CertificateHolder getAssociatedCertificate() {
        return delegate.getAssociatedCertificate();
    }

    @Override
    public ContentVerifier get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
        ContentVerifier verifier = delegate.get(algorithm);
        return new ContentVerifier() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return verifier.getAlgorithmIdentifier();
            }

            @Override
            public OutputStream getOutputStream() {
                return verifier.getOutputStream();
            }

            @Override
            public boolean verify(byte[] expected) {
                return verifier.verify(expected);
            }
        };
    }
}
