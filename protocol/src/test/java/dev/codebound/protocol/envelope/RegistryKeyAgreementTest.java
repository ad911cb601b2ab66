package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.Providers;
import dev.codebound.protocol.pki.RegistryKeyring;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.jcajce.JceGenericKey;
import org.junit.jupiter.api.Test;

/**
 * The precomputed ECDH recipient info writes exactly the bytes of Bouncy Castle's generator, which
 * OpenSSL and the registry read ({@link EnvelopeOpenSslInteropTest}, {@link EnvelopeRoundTripTest}).
 */
class RegistryKeyAgreementTest {
    private static final Instant NOW = Instant.parse("2026-06-15T09:30:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void recipientInfoIsByteIdenticalToBouncyCastlesForManyKeys() throws Exception {
        for (int registries = 0; registries < 3; registries++) {
            X509Certificate registry = RegistryKeyring.generate("registry " + registries, NOW.minus(Duration.ofDays(1)),
                    Duration.ofDays(365)).encryption().certificate();
            for (int envelopes = 0; envelopes < 100; envelopes++) {
                KeyPair ephemeral = KeyPairs.generateP256();
                GenericKey contentKey = contentKey();
                byte[] expected = new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF,
                        ephemeral.getPrivate(), ephemeral.getPublic(), CMSAlgorithm.AES256_WRAP)
                        .addRecipient(registry).setProvider(Providers.ellipticCurve())
                        .generate(contentKey).getEncoded();
                byte[] actual = RegistryKeyAgreement.to(registry, ephemeral).generate(contentKey).getEncoded();
                assertArrayEquals(expected, actual, "registry " + registries + ", envelope " + envelopes);
            }
        }
    }

    @Test
    void theContentKeyIsLeftIntactForTheContentEncryptor() throws Exception {
        X509Certificate registry = RegistryKeyring.generate("registry", NOW.minus(Duration.ofDays(1)),
                Duration.ofDays(365)).encryption().certificate();
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        GenericKey contentKey = new JceGenericKey(new AlgorithmIdentifier(CMSAlgorithm.AES256_GCM),
                new SecretKeySpec(key, "AES"));
        RegistryKeyAgreement.to(registry, KeyPairs.generateP256()).generate(contentKey);
        byte[] after = contentKey.getRepresentation() instanceof byte[] bytes ? bytes
                : ((SecretKeySpec) contentKey.getRepresentation()).getEncoded();
        assertArrayEquals(key, after);
    }

    private static GenericKey contentKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return new JceGenericKey(new AlgorithmIdentifier(CMSAlgorithm.AES256_GCM), new SecretKeySpec(key, "AES"));
    }
}
