package dev.codebound.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrustBundleCodecTest {
    static RegistryKeyring registry;
    static TrustBundle bundle;
    static byte[] signed;

    @BeforeAll
    static void sign() {
        registry = TestRegistries.create("Bundle Registry");
        bundle = registry.trustBundle(7, TestRegistries.NOW, Set.of("0011223344556677"), Set.of("CODEID0000000001"),
                Set.of("abc123"));
        signed = TrustBundleCodec.sign(bundle, registry.authority().privateKey());
    }

    @Test
    void roundTripsAgainstThePinnedCa() {
        TrustBundle read = TrustBundleCodec.verify(signed, registry.authority().certificate(), "bundle.json");
        assertEquals(bundle, read);
        assertTrue(read.isCodeRevoked("CODEID0000000001"));
        assertEquals(registry.encryption().certificate(), read.currentEncryptionCertificate(TestRegistries.NOW));
    }

    @Test
    void refusesABundleFromAnotherCa() {
        RegistryKeyring impostor = TestRegistries.create("Bundle Registry");
        byte[] forged = TrustBundleCodec.sign(impostor.trustBundle(8, TestRegistries.NOW),
                impostor.authority().privateKey());
        PkiException e = assertThrows(PkiException.class,
                () -> TrustBundleCodec.verify(forged, registry.authority().certificate(), "bundle.json"));
        assertTrue(e.getMessage().contains("this station trusts"), e.getMessage());
    }

    @Test
    void refusesAnAlteredPayload() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode outer = (ObjectNode) json.readTree(signed);
        String payload = new String(Base64.getUrlDecoder().decode(outer.get("payload").asText()), StandardCharsets.UTF_8);
        String unrevoked = payload.replace("\"CODEID0000000001\"", "\"CODEID0000000002\"");
        outer.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString(
                unrevoked.getBytes(StandardCharsets.UTF_8)));
        PkiException e = assertThrows(PkiException.class, () -> TrustBundleCodec.verify(
                json.writeValueAsBytes(outer), registry.authority().certificate(), "bundle.json"));
        assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
    }

    @Test
    void refusesGarbageWithASpecificMessage() {
        PkiException notJson = assertThrows(PkiException.class,
                () -> TrustBundleCodec.verifyWithEmbeddedCa("{".getBytes(), "b.json"));
        assertTrue(notJson.getMessage().startsWith("b.json: not valid JSON"), notJson.getMessage());
        PkiException wrongFormat = assertThrows(PkiException.class, () -> TrustBundleCodec.verifyWithEmbeddedCa(
                "{\"format\":\"other/1\"}".getBytes(), "b.json"));
        assertTrue(wrongFormat.getMessage().contains("unsupported format 'other/1'"), wrongFormat.getMessage());
    }
}
