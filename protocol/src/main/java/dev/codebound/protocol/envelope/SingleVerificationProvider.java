package dev.codebound.protocol.envelope;

import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jcajce.io.OutputStreamFactory;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RawContentVerifier;

/**
 * Content verifiers for one signature algorithm that verify a signature once. Bouncy Castle's JCA
 * verifiers for ECDSA are {@link RawContentVerifier}s whose {@code verify} checks the signature a
 * second time, with NONEwithECDSA, after the real check (only to release PKCS#11 sessions) and
 * discards the answer: a second ECDSA verification per envelope, about an eighth of opening one.
 * The verifiers made here are plain {@link ContentVerifier}s over one JCA {@link Signature}, which
 * is what {@code SignerInformation} uses for a SignerInfo with signed attributes (every Codebound
 * envelope has them; one without is refused before its signature is judged).
 */
final class SingleVerificationProvider implements ContentVerifierProvider {
    /** Makes a {@link Signature} of the provider's algorithm, initialized for verification. */
    interface Verifications {
        Signature start() throws GeneralSecurityException;
    }

    private final ASN1ObjectIdentifier algorithm;
    private final Verifications verifications;

    SingleVerificationProvider(ASN1ObjectIdentifier algorithm, Verifications verifications) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.verifications = Objects.requireNonNull(verifications, "verifications");
    }

    /** Verifications of {@code jcaName} signatures by {@code key}, with the JCA provider {@code provider}. */
    static SingleVerificationProvider of(ASN1ObjectIdentifier algorithm, String jcaName, PublicKey key,
            Provider provider) {
        return new SingleVerificationProvider(algorithm, () -> {
            Signature signature = Signature.getInstance(jcaName, provider);
            signature.initVerify(key);
            return signature;
        });
    }

    @Override
    public boolean hasAssociatedCertificate() {
        return false;
    }

    @Override
    public X509CertificateHolder getAssociatedCertificate() {
        return null;
    }

    @Override
    public ContentVerifier get(AlgorithmIdentifier requested) throws OperatorCreationException {
        if (!algorithm.equals(requested.getAlgorithm())) {
            throw new OperatorCreationException("this verifier checks " + algorithm + " signatures, not "
                    + requested.getAlgorithm());
        }
        Signature signature;
        try {
            signature = verifications.start();
        } catch (GeneralSecurityException e) {
            throw new OperatorCreationException("cannot start verifying a signature: " + e.getMessage(), e);
        }
        return new ContentVerifier() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return requested;
            }

            @Override
            public OutputStream getOutputStream() {
                return OutputStreamFactory.createStream(signature);
            }

            @Override
            public boolean verify(byte[] expected) {
                try {
                    return signature.verify(expected);
                } catch (SignatureException e) {
                    return false;
                }
            }
        };
    }
}
