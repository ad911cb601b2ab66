package dev.codebound.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.SignedJson;
import dev.codebound.protocol.pki.TrustBundle;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What WireFuzzTest found, as plain tests with the outcome each must have (the inputs themselves,
 * under {@code WireFuzzTestInputs/}, are replayed by WireFuzzTest on every build).
 */
class WireFuzzFindingsTest {
    private static final Path REGISTRY = Path.of("src/test/resources/vectors/code/registry");

    /**
     * The long fuzz campaign of issue 18 (2026-12-07) found receipt payloads, signed by the
     * registry's receipt key, whose code id held an em dash (U+2014): the receipt verified, then
     * checking it against the transparency log threw IllegalArgumentException from the log leaf's id
     * rule, which the station's upload would have met as a crash instead of a refused receipt. A
     * receipt's ids now obey the leaf's rule when it is parsed.
     */
    @ParameterizedTest
    @CsvSource({"codeId, B257TG\u2014ZBQZV6, ST-ZMQE45QV", "stationId, B257TGZBQZV6NLIJ, ST ZMQE45QV",
            "codeId, '', ST-ZMQE45QV"})
    void aReceiptWhoseIdsTheLogCannotHoldIsRefusedWhenParsed(String field, String codeId, String stationId)
            throws Exception {
        RegistryKeyring registry = RegistryKeyring.load(REGISTRY, null);
        TrustBundle bundle = registry.trustBundle(1, Instant.parse("2027-06-01T00:00:00Z"));
        ObjectNode payload = new ObjectMapper().createObjectNode()
                .put("registry", registry.registryName())
                .put("envelopeSha256", "ab".repeat(32))
                .put("envelopeLength", 40_000)
                .put("photoSha256", "cd".repeat(32))
                .put("codeId", codeId)
                .put("stationId", stationId)
                .put("captureTime", "2027-06-01T09:00:00Z")
                .put("acceptedAt", "2027-06-01T21:00:00Z")
                .put("photoVersion", 1)
                .put("signingKeyId", KeyPairs.keyIdHex(registry.receiptSigning().certificate().getPublicKey()));
        byte[] signed = SignedJson.sign(ReceiptCodec.FORMAT, new ObjectMapper().writeValueAsBytes(payload),
                registry.receiptSigning().privateKey());
        PkiException refused = assertThrows(PkiException.class, () -> ReceiptCodec.verify(signed, bundle, "found"));
        assertTrue(refused.getMessage().contains(field + " must be"), refused.getMessage());
    }
}
