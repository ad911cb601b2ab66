package dev.codebound.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.pki.CompactSignature;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.SignedJson;
import dev.codebound.protocol.pki.TestRegistries;
import dev.codebound.protocol.pki.TrustBundle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Receipts of suite 2 envelopes: format 2, signed with SM2, and the refusals around them. */
class Suite2ReceiptTest {
    static RegistryKeyring registry;
    static TrustBundle bundle;
    static Receipt receipt;

    @BeforeAll
    static void setUp() {
        registry = TestRegistries.create("Receipt Registry");
        bundle = registry.trustBundle(1, TestRegistries.NOW, Set.of(), Set.of(), Set.of(), Set.of(1, 2));
        receipt = suite2Receipt(KeyPairs.keyIdHex(registry.sm2ReceiptSigning().certificate().getPublicKey()));
    }

    private static Receipt suite2Receipt(String signingKeyId) {
        return new Receipt("Receipt Registry", "ab".repeat(32), 45_000, "cd".repeat(32), "BWXOKN2DXEO22UCE",
                "ST-0001", Instant.parse("2026-06-01T07:59:00Z"), TestRegistries.NOW, 1, signingKeyId,
                Optional.empty(), 2);
    }

    @Test
    void aSuiteTwoReceiptIsFormatTwoSignedWithSm2AndVerifies() throws Exception {
        byte[] signed = ReceiptCodec.sign(receipt, registry.sm2ReceiptSigning());
        SignedJson document = SignedJson.parse(signed, ReceiptCodec.FORMAT_2, "receipt.json");
        assertTrue(document.verifiedBy(registry.sm2ReceiptSigning().certificate().getPublicKey(),
                CompactSignature.SM2_SM3));
        var payload = document.payloadJson("receipt.json");
        assertEquals(2, payload.get("suite").asInt());
        assertEquals("cd".repeat(32), payload.get("photoDigest").asText());
        assertEquals(receipt, ReceiptCodec.verify(signed, bundle, "receipt.json"));
    }

    @Test
    void aSuiteOneReceiptKeepsFormatOne() {
        Receipt suite1 = new Receipt("Receipt Registry", "ab".repeat(32), 45_000, "cd".repeat(32), "BWXOKN2DXEO22UCE",
                "ST-0001", Instant.parse("2026-06-01T07:59:00Z"), TestRegistries.NOW, 1,
                KeyPairs.keyIdHex(registry.receiptSigning().certificate().getPublicKey()), Optional.empty());
        String signed = new String(ReceiptCodec.sign(suite1, registry.receiptSigning()), StandardCharsets.UTF_8);
        assertTrue(signed.contains("\"" + ReceiptCodec.FORMAT + "\""), signed);
        assertEquals(suite1, ReceiptCodec.verify(signed.getBytes(StandardCharsets.UTF_8), bundle, "receipt.json"));
    }

    @Test
    void aSuiteTwoReceiptCannotBeSignedWithAP256Key() {
        Receipt wrongKey = suite2Receipt(KeyPairs.keyIdHex(registry.receiptSigning().certificate().getPublicKey()));
        PkiException e = assertThrows(PkiException.class, () -> ReceiptCodec.sign(wrongKey, registry.receiptSigning()));
        assertTrue(e.getMessage().contains("SM2"), e.getMessage());
    }

    @Test
    void aReceiptClaimingSuiteTwoOverAP256SignatureIsRefused() throws Exception {
        // An attacker holding a valid suite 1 receipt relabels it as format 2 / suite 2 and re-signs nothing:
        // the verifier must refuse it because the named key is not an SM2 key, not try ECDSA.
        String keyId = KeyPairs.keyIdHex(registry.receiptSigning().certificate().getPublicKey());
        ObjectMapper json = new ObjectMapper();
        ObjectNode payload = (ObjectNode) json.readTree(new String(java.util.Base64.getUrlDecoder().decode(
                ((ObjectNode) json.readTree(ReceiptCodec.sign(suite2Receipt(
                        KeyPairs.keyIdHex(registry.sm2ReceiptSigning().certificate().getPublicKey())),
                        registry.sm2ReceiptSigning()))).get("payload").asText()), StandardCharsets.UTF_8));
        payload.put("signingKeyId", keyId);
        byte[] forged = SignedJson.sign(ReceiptCodec.FORMAT_2, json.writeValueAsBytes(payload),
                registry.receiptSigning().privateKey(), CompactSignature.ECDSA_P256_SHA256);
        PkiException e = assertThrows(PkiException.class, () -> ReceiptCodec.verify(forged, bundle, "receipt.json"));
        assertTrue(e.getMessage().contains("is not a key of that suite"), e.getMessage());
    }

    @Test
    void aTamperedSuiteTwoReceiptIsRefused() {
        String signed = new String(ReceiptCodec.sign(receipt, registry.sm2ReceiptSigning()), StandardCharsets.UTF_8);
        int at = signed.indexOf("\"signature\" : \"") + 20;
        String tampered = signed.substring(0, at) + (signed.charAt(at) == 'A' ? 'B' : 'A') + signed.substring(at + 1);
        PkiException e = assertThrows(PkiException.class, () -> ReceiptCodec.verify(
                tampered.getBytes(StandardCharsets.UTF_8), bundle, "receipt.json"));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    }

    @Test
    void aFormatTwoReceiptWithoutItsSuiteIsRefused() throws Exception {
        ObjectMapper json = new ObjectMapper();
        SignedJson document = SignedJson.parse(ReceiptCodec.sign(receipt, registry.sm2ReceiptSigning()),
                ReceiptCodec.FORMAT_2, "receipt.json");
        ObjectNode payload = (ObjectNode) document.payloadJson("receipt.json");
        payload.remove("suite");
        byte[] resigned = SignedJson.sign(ReceiptCodec.FORMAT_2, json.writeValueAsBytes(payload),
                registry.sm2ReceiptSigning().privateKey(), CompactSignature.SM2_SM3);
        PkiException e = assertThrows(PkiException.class, () -> ReceiptCodec.verify(resigned, bundle, "receipt.json"));
        assertTrue(e.getMessage().contains("needs a 'suite' member"), e.getMessage());
    }
}
