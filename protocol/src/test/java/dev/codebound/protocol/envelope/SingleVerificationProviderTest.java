package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.Providers;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.RawContentVerifier;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;

/** The envelope's ECDSA signature is verified once, with the real verification's answer. */
class SingleVerificationProviderTest {
    private static final EnvelopeFixture FIXTURE = new EnvelopeFixture();
    private static final AlgorithmIdentifier ECDSA_SHA256 =
            new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
    private static final byte[] SIGNED = "signed attributes".getBytes(StandardCharsets.UTF_8);

    @Test
    void bouncyCastlesVerifierWouldVerifyTwice() throws Exception {
        // The reason for the wrapper: this verifier checks the signature again with NONEwithECDSA.
        assertInstanceOf(RawContentVerifier.class, bouncyCastle().get(ECDSA_SHA256));
    }

    @Test
    void theWrappedVerifierIsNotARawOne() throws Exception {
        assertFalse(new SingleVerificationProvider(bouncyCastle()).get(ECDSA_SHA256) instanceof RawContentVerifier);
    }

    @Test
    void aGoodSignatureVerifies() throws Exception {
        assertTrue(verify(sign(SIGNED), SIGNED));
    }

    @Test
    void aSignatureOverOtherBytesDoesNot() throws Exception {
        byte[] other = SIGNED.clone();
        other[0] ^= 1;
        assertFalse(verify(sign(SIGNED), other));
    }

    private static boolean verify(byte[] signature, byte[] content) throws Exception {
        ContentVerifier verifier = new SingleVerificationProvider(bouncyCastle()).get(ECDSA_SHA256);
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

    private static ContentVerifierProvider bouncyCastle() throws Exception {
        return new JcaContentVerifierProviderBuilder().setProvider(Providers.ellipticCurve())
                .build(FIXTURE.station.certificate().getPublicKey());
    }
}
