package dev.codebound.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz tests for the key material both sides read: signed trust bundles (a station's first contact
 * with a registry, and every refresh), PEM certificates, private keys and the certification
 * requests the registry receives at enrollment (docs/security-fuzzing.md). Seeds: the committed
 * test-vector keys and bundles of {@code vectors/code}; {@link #main} writes the CSR and payload seeds.
 */
class PkiFuzzTest {
    private static final Path VECTORS = Path.of("src/test/resources/vectors/code");
    private static final Path INPUTS = Path.of("src/test/resources/dev/codebound/protocol/pki/PkiFuzzTestInputs");
    private static final char[] PASSPHRASE = "fuzz".toCharArray();

    private static RegistryKeyring registry;
    private static List<TrustBundle> signedBundles;

    @BeforeAll
    static void load() throws Exception {
        registry = RegistryKeyring.load(VECTORS.resolve("registry"), null);
        X509Certificate ca = registry.authority().certificate();
        signedBundles = List.of(
                TrustBundleCodec.verify(Files.readAllBytes(VECTORS.resolve("trust-bundle.json")), ca, "seed"),
                TrustBundleCodec.verify(Files.readAllBytes(VECTORS.resolve("trust-bundle-key-revoked.json")), ca,
                        "seed"));
    }

    /**
     * A signed trust bundle as downloaded: only PkiException escapes, and whatever verifies with
     * the test registry's CA is one of the bundles that CA signed (the fuzzer does not hold its key).
     */
    @FuzzTest(maxDuration = "60s")
    void trustBundle(byte[] signed) {
        TrustBundle bundle;
        try {
            bundle = TrustBundleCodec.verifyWithEmbeddedCa(signed, "fuzz");
        } catch (PkiException e) {
            return;
        }
        if (bundle.registryCa().equals(registry.authority().certificate())) {
            assertTrue(signedBundles.contains(bundle), "a bundle the registry CA never signed verified");
        }
        assertEquals(bundle, TrustBundleCodec.verifyWithEmbeddedCa(
                TrustBundleCodec.sign(bundle, registry.authority().privateKey()), "fuzz"), "round trip");
    }

    /**
     * A bundle payload that the test registry's CA signs here, so that the fuzzer reaches every check
     * after the signature: only PkiException escapes, and what verifies round-trips.
     */
    @FuzzTest(maxDuration = "60s")
    void trustBundlePayload(byte[] payload) {
        byte[] signed = SignedJson.sign(TrustBundleCodec.FORMAT, payload, registry.authority().privateKey());
        TrustBundle bundle;
        try {
            bundle = TrustBundleCodec.verify(signed, registry.authority().certificate(), "fuzz");
        } catch (PkiException e) {
            return;
        }
        assertEquals(bundle, TrustBundleCodec.verify(TrustBundleCodec.sign(bundle, registry.authority().privateKey()),
                registry.authority().certificate(), "fuzz"));
    }

    /** PEM certificates: only PkiException escapes; what parses prints back to PEM that parses the same. */
    @FuzzTest(maxDuration = "60s")
    void certificatesFromPem(byte[] input) {
        List<X509Certificate> certificates;
        try {
            certificates = PemFiles.certificatesFromPem(new String(input, StandardCharsets.UTF_8), "fuzz");
        } catch (PkiException e) {
            return;
        }
        assertTrue(!certificates.isEmpty());
        assertEquals(certificates, PemFiles.certificatesFromPem(PemFiles.certificatesToPem(certificates), "again"));
    }

    /** PEM private keys (plain, encrypted or traditional EC): only PkiException escapes. */
    @FuzzTest(maxDuration = "60s")
    void privateKeyFromPem(byte[] input) {
        try {
            assertTrue(PemFiles.privateKeyFromPem(new String(input, StandardCharsets.UTF_8), PASSPHRASE, "fuzz")
                    != null);
        } catch (PkiException e) {
            // documented refusal
        }
    }

    /**
     * Certification requests, as the registry's enrollment endpoint reads them from the internet:
     * only PkiException escapes from parsing and from checking the self-signature; a request that
     * passes yields a P-256 key.
     */
    @FuzzTest(maxDuration = "60s")
    void certificationRequest(byte[] input) {
        PublicKey key;
        try {
            PKCS10CertificationRequest request = PemFiles.requestFromPem(new String(input, StandardCharsets.UTF_8),
                    "fuzz");
            key = CertificationRequests.verifiedPublicKey(request);
        } catch (PkiException e) {
            return;
        }
        assertEquals("EC", key.getAlgorithm());
    }

    /** Writes the generated seeds (run from the protocol module directory). */
    public static void main(String[] args) throws Exception {
        load();
        Path csr = INPUTS.resolve("certificationRequest");
        Files.createDirectories(csr);
        KeyPair pair = KeyPairs.generateP256();
        Files.writeString(csr.resolve("station.csr.pem"),
                PemFiles.requestToPem(CertificationRequests.create(pair, "ST-0001")), StandardCharsets.US_ASCII);
        Path keys = INPUTS.resolve("privateKeyFromPem");
        Files.createDirectories(keys);
        Files.writeString(keys.resolve("encrypted.key.pem"), PemFiles.privateKeyToPem(pair.getPrivate(), PASSPHRASE),
                StandardCharsets.US_ASCII);
        Path payload = INPUTS.resolve("trustBundlePayload");
        Files.createDirectories(payload);
        for (String name : List.of("trust-bundle.json", "trust-bundle-key-revoked.json")) {
            byte[] signed = Files.readAllBytes(VECTORS.resolve(name));
            Files.write(payload.resolve(name), SignedJson.parse(signed, TrustBundleCodec.FORMAT, name)
                    .payloadJson(name).toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
