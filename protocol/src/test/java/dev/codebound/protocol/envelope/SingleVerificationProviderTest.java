package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.Providers;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RawContentVerifier;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;

/** The envelope's ECDSA signature is verified once, and the verification's answer is the one given. */
class SingleVerificationProviderTest {
    private static final EnvelopeFixture FIXTURE = new EnvelopeFixture();
    private static final AlgorithmIdentifier ECDSA_SHA256 =
            new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
    private static final byte[] SIGNED = "signed attributes".getBytes(StandardCharsets.UTF_8);

    @Test
    void bouncyCastlesVerifierIsARawOneThatVerifiesTwice() throws Exception {
        // Why the provider exists: this verifier checks the signature again with NONEwithECDSA.
        assertInstanceOf(RawContentVerifier.class, new JcaContentVerifierProviderBuilder()
                .setProvider(Providers.ellipticCurve()).build(publicKey()).get(ECDSA_SHA256));
    }

    @Test
    void aSignatureIsVerifiedExactlyOnce() throws Exception {
        AtomicInteger verifications = new AtomicInteger();
        SingleVerificationProvider provider = new SingleVerificationProvider(X9ObjectIdentifiers.ecdsa_with_SHA256,
                () -> new CountingSignature(verifications));
        assertTrue(verify(provider, sign(SIGNED), SIGNED));
        assertEquals(1, verifications.get());
    }

    @Test
    void aGoodSignatureVerifies() throws Exception {
        assertTrue(verify(ecdsa(), sign(SIGNED), SIGNED));
    }

    @Test
    void aSignatureOverOtherBytesDoesNot() throws Exception {
        byte[] other = SIGNED.clone();
        other[0] ^= 1;
        assertFalse(verify(ecdsa(), sign(SIGNED), other));
    }

    @Test
    void bytesThatAreNoSignatureDoNotVerify() throws Exception {
        assertFalse(verify(ecdsa(), new byte[] {1, 2, 3}, SIGNED));
    }

    @Test
    void anotherAlgorithmIsRefused() {
        AlgorithmIdentifier sha384 = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA384withECDSA");
        assertThrows(OperatorCreationException.class, () -> ecdsa().get(sha384));
    }

    private static SingleVerificationProvider ecdsa() throws Exception {
        return SingleVerificationProvider.of(X9ObjectIdentifiers.ecdsa_with_SHA256, "SHA256withECDSA", publicKey(),
                Providers.ellipticCurve());
    }

    private static boolean verify(SingleVerificationProvider provider, byte[] signature, byte[] content)
            throws Exception {
        ContentVerifier verifier = provider.get(ECDSA_SHA256);
        try (OutputStream out = verifier.getOutputStream()) {
            out.write(content);
        }
        return verifier.verify(signature);
    }

    private static byte[] sign(byte[] content) throws Exception {
        Signature signature = Signature.getInstance("SHA256withECDSA", Providers.ellipticCurve());
        signature.initSign(FIXTURE.station.privateKey());
        signature.update(content);
        return signature.sign();
    }

    private static PublicKey publicKey() {
        return FIXTURE.station.certificate().getPublicKey();
    }

    /** A real SHA256withECDSA verification that counts how often it verifies. */
    private static final class CountingSignature extends Signature {
        private final AtomicInteger verifications;
        private final Signature real;

        CountingSignature(AtomicInteger verifications) throws GeneralSecurityException {
            super("SHA256withECDSA");
            this.verifications = verifications;
            this.real = Signature.getInstance("SHA256withECDSA", Providers.ellipticCurve());
            initVerify(publicKey());
        }

        @Override
        protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
            real.initVerify(key);
        }

        @Override
        protected void engineInitSign(PrivateKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void engineUpdate(byte b) throws SignatureException {
            real.update(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
            real.update(b, off, len);
        }

        @Override
        protected byte[] engineSign() {
            throw new UnsupportedOperationException();
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
            verifications.incrementAndGet();
            return real.verify(sigBytes);
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new UnsupportedOperationException();
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new UnsupportedOperationException();
        }
    }
}
