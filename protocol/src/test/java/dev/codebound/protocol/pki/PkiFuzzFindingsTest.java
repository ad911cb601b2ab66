package dev.codebound.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Inputs PkiFuzzTest found, kept as plain tests with the outcome each must have. */
class PkiFuzzFindingsTest {
    private static final Path FOUND = Path.of("src/test/resources/dev/codebound/protocol/pki/PkiFuzzTestInputs");
    private static final Path REGISTRY = Path.of("src/test/resources/vectors/code/registry");

    /**
     * A trust bundle whose registry CA certificate holds a point that is not on the curve: the
     * station's first-contact and refresh checks threw IllegalStateException from getPublicKey().
     */
    @Test
    void aCertificateWithAMalformedKeyIsRefusedWhenParsed() throws Exception {
        byte[] payload = Files.readAllBytes(FOUND.resolve("trustBundlePayload/crash-bfe43b3d727afd4087cc2940ff329f1c242a7551"));
        RegistryKeyring registry = RegistryKeyring.load(REGISTRY, null);
        byte[] signed = SignedJson.sign(TrustBundleCodec.FORMAT, payload, registry.authority().privateKey());
        PkiException e = assertThrows(PkiException.class, () -> TrustBundleCodec.verifyWithEmbeddedCa(signed, "found"));
        assertTrue(e.getMessage().contains("malformed public key"), e.getMessage());
    }

    /**
     * A trust bundle whose registry CA certificate's key Bouncy Castle cannot build (it answers null
     * from getPublicKey, not an exception): the signature check dereferenced it
     * (NullPointerException) on a station's first contact or refresh instead of refusing the bundle.
     */
    @Test
    void aCertificateWhoseKeyCannotBeBuiltIsRefusedWhenParsed() throws Exception {
        byte[] signed = Files.readAllBytes(FOUND.resolve("trustBundle/crash-7f661751d1d60314b1057bb2ab609bc79c60d25d"));
        PkiException e = assertThrows(PkiException.class, () -> TrustBundleCodec.verifyWithEmbeddedCa(signed, "found"));
        assertTrue(e.getMessage().contains("malformed public key"), e.getMessage());
    }

    /**
     * A CSR whose signature BIT STRING is not octet-aligned: enrollment (internet-facing) got an
     * IllegalStateException from isSignatureValid instead of a refusal.
     */
    @Test
    void aCertificationRequestWithAMalformedSignatureIsRefused() throws Exception {
        String pem = Files.readString(FOUND.resolve("certificationRequest/crash-685dac2155a4aef60718980dac9eb2bf2b029886"),
                StandardCharsets.UTF_8);
        assertThrows(PkiException.class,
                () -> CertificationRequests.verifiedPublicKey(PemFiles.requestFromPem(pem, "found")));
    }
}
