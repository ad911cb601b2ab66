package dev.codebound.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.Set;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PKI of envelope suite 2: SM2 compact signatures, SM2 certification requests, the registry's
 * SM2 keys, and trust bundles that list the suites the registry accepts (and old bundles that do not).
 */
class Suite2PkiTest {
    static RegistryKeyring registry;

    @BeforeAll
    static void create() {
        registry = TestRegistries.create("Suite 2 Registry");
    }

    @Test
    void sm2CompactSignaturesVerifyOnlyWithTheSignersKeyAndTheSm2Algorithm() {
        KeyPair sm2 = KeyPairs.generateSm2();
        byte[] message = "codebound".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = CompactSignature.SM2_SM3.sign(sm2.getPrivate(), message);
        assertEquals(CompactSignature.LENGTH, signature.length);
        assertTrue(CompactSignature.SM2_SM3.verify(sm2.getPublic(), message, signature));
        assertFalse(CompactSignature.SM2_SM3.verify(KeyPairs.generateSm2().getPublic(), message, signature));
        assertFalse(CompactSignature.SM2_SM3.verify(sm2.getPublic(), "codebounD".getBytes(StandardCharsets.US_ASCII),
                signature));
        // The same curve arithmetic without SM2's Z digest (plain ECDSA over the SM2 key) is not an SM2 signature.
        assertFalse(CompactSignature.SM2_SM3.verify(sm2.getPublic(), message,
                Signatures.sign(sm2.getPrivate(), message)));
        assertFalse(CompactSignature.ECDSA_P256_SHA256.verify(sm2.getPublic(), message, signature));
    }

    @Test
    void anSm2CertificationRequestYieldsAnSm2StationCertificate() {
        KeyPair sm2 = KeyPairs.generateSm2();
        PKCS10CertificationRequest request = CertificationRequests.create(sm2, "station");
        assertEquals(sm2.getPublic(), CertificationRequests.verifiedPublicKey(request, CompactSignature.SM2_SM3));
        PkiException wrongCurve = assertThrows(PkiException.class,
                () -> CertificationRequests.verifiedPublicKey(request));
        assertTrue(wrongCurve.getMessage().contains("P-256"), wrongCurve.getMessage());
        var certificate = registry.authority().issueStation(request, CompactSignature.SM2_SM3, "ST-SM2",
                TestRegistries.NOW,
                TestRegistries.NOW.plusSeconds(3600));
        assertTrue(KeyPairs.isSm2(certificate.getPublicKey()));
        assertTrue(Certificates.isSignedBy(certificate, registry.authority().certificate()));
    }

    @Test
    void aBundleListsEachAcceptedSuiteWithItsEncryptionCertificate() {
        TrustBundle bundle = registry.trustBundle(3, TestRegistries.NOW, Set.of(), Set.of(), Set.of(), Set.of(1, 2));
        TrustBundle read = TrustBundleCodec.verify(TrustBundleCodec.sign(bundle, registry.authority().privateKey()),
                registry.authority().certificate(), "bundle.json");
        assertEquals(bundle, read);
        assertEquals(Set.of(1, 2), read.suites().keySet());
        assertEquals(registry.encryption().certificate(), read.currentEncryptionCertificate(1, TestRegistries.NOW));
        assertEquals(registry.sm2Encryption().certificate(), read.currentEncryptionCertificate(2, TestRegistries.NOW));
        assertTrue(read.receiptSigning().contains(registry.sm2ReceiptSigning().certificate()));
    }

    @Test
    void aBundleWithoutASuiteListReadsAsSuiteOneOnly() throws Exception {
        byte[] old = signedWithPayloadEdit(registry.trustBundle(4, TestRegistries.NOW),
                payload -> payload.remove("suites"));
        TrustBundle read = TrustBundleCodec.verify(old, registry.authority().certificate(), "old-bundle.json");
        assertEquals(Set.of(1), read.suites().keySet());
        assertEquals(registry.encryption().certificate(), read.currentEncryptionCertificate(TestRegistries.NOW));
        PkiException e = assertThrows(PkiException.class,
                () -> read.currentEncryptionCertificate(2, TestRegistries.NOW));
        assertTrue(e.getMessage().contains("does not accept envelope suite 2"), e.getMessage());
    }

    @Test
    void aSuiteOneOnlyBundleRefusesSuiteTwoWithAnActionableMessage() {
        TrustBundle bundle = registry.trustBundle(5, TestRegistries.NOW);
        PkiException e = assertThrows(PkiException.class,
                () -> bundle.currentEncryptionCertificate(2, TestRegistries.NOW));
        assertTrue(e.getMessage().contains("lists suites [1]") && e.getMessage().contains("envelope.suite"),
                e.getMessage());
    }

    @Test
    void aBundleWhoseSuiteListContradictsItsLegacyEncryptionMemberIsRefused() throws Exception {
        byte[] contradictory = signedWithPayloadEdit(
                registry.trustBundle(6, TestRegistries.NOW, Set.of(), Set.of(), Set.of(), Set.of(1, 2)),
                payload -> payload.putArray("encryption").add(PemFiles.certificatesToPem(
                        List.of(registry.sm2Encryption().certificate()))));
        PkiException e = assertThrows(PkiException.class, () -> TrustBundleCodec.verify(contradictory,
                registry.authority().certificate(), "bundle.json"));
        assertTrue(e.getMessage().contains("'encryption' must list exactly suite 1's"), e.getMessage());
    }

    @Test
    void aSuiteListingAKeyOfAnotherSuiteIsRefused() throws Exception {
        byte[] swapped = signedWithPayloadEdit(
                registry.trustBundle(7, TestRegistries.NOW, Set.of(), Set.of(), Set.of(), Set.of(1, 2)),
                payload -> ((ObjectNode) payload.get("suites").get(1)).putArray("encryption").add(
                        PemFiles.certificatesToPem(List.of(registry.encryption().certificate()))));
        PkiException e = assertThrows(PkiException.class, () -> TrustBundleCodec.verify(swapped,
                registry.authority().certificate(), "bundle.json"));
        assertTrue(e.getMessage().contains("SM2"), e.getMessage());
    }

    @Test
    void aBundleWithoutEnvelopeFormatsReadsAsFormatOneOnly() throws Exception {
        byte[] old = signedWithPayloadEdit(registry.trustBundle(8, TestRegistries.NOW, Set.of(), Set.of(), Set.of(),
                Set.of(1), Set.of(1, 2)), payload -> payload.remove("envelopeFormats"));
        TrustBundle read = TrustBundleCodec.verify(old, registry.authority().certificate(), "old-bundle.json");
        assertEquals(Set.of(1), read.envelopeFormats());
        assertEquals(1, read.newestEnvelopeFormat(List.of(1, 2)));
    }

    @Test
    void aBundleAnnouncingFormatTwoRoundTripsAndKeepsFormatsItDoesNotKnow() throws Exception {
        TrustBundle bundle = registry.trustBundle(9, TestRegistries.NOW, Set.of(), Set.of(), Set.of(), Set.of(1, 2),
                Set.of(1, 2, 9));
        TrustBundle read = TrustBundleCodec.verify(TrustBundleCodec.sign(bundle, registry.authority().privateKey()),
                registry.authority().certificate(), "bundle.json");
        assertEquals(bundle, read);
        assertEquals(2, read.newestEnvelopeFormat(List.of(1, 2)), "9 is kept, never written");
    }

    @Test
    void aBundleWithAMalformedFormatListIsRefused() throws Exception {
        for (String list : List.of("[]", "[1,1]", "[0]", "[\"2\"]", "{}", "[4294967297]")) {
            byte[] bad = signedWithPayloadEdit(registry.trustBundle(10, TestRegistries.NOW),
                    payload -> payload.set("envelopeFormats", readJson(list)));
            PkiException e = assertThrows(PkiException.class, () -> TrustBundleCodec.verify(bad,
                    registry.authority().certificate(), "bundle.json"), list);
            assertTrue(e.getMessage().contains("envelope"), e.getMessage());
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode readJson(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Signs {@code bundle} after {@code edit} changed its payload, as a registry would have written it. */
    private static byte[] signedWithPayloadEdit(TrustBundle bundle, java.util.function.Consumer<ObjectNode> edit)
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        byte[] signed = TrustBundleCodec.sign(bundle, registry.authority().privateKey());
        SignedJson document = SignedJson.parse(signed, TrustBundleCodec.FORMAT, "bundle");
        ObjectNode payload = (ObjectNode) document.payloadJson("bundle");
        edit.accept(payload);
        return SignedJson.sign(TrustBundleCodec.FORMAT, json.writeValueAsBytes(payload),
                registry.authority().privateKey());
    }
}
