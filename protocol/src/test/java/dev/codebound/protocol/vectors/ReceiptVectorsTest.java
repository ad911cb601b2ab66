package dev.codebound.protocol.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs every receipt vector in {@code vectors/receipt-suite2/manifest.json}. */
class ReceiptVectorsTest {
    @TestFactory
    List<DynamicTest> everyReceiptVectorHasItsExpectedOutcome() throws Exception {
        Path dir = Path.of(ReceiptVectorsTest.class.getResource("/vectors/receipt-suite2/manifest.json").toURI())
                .getParent();
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        TrustBundle bundle = TrustBundleCodec.verify(Files.readAllBytes(dir.resolve("trust-bundle.json")),
                PemFiles.readCertificates(dir.resolve("registry/registry-ca.cert.pem")).get(0), "trust-bundle.json");
        List<JsonNode> cases = StreamSupport.stream(manifest.get("cases").spliterator(), false).toList();
        assertTrue(cases.size() >= 7, "manifest lists every case");
        return cases.stream().map(vector -> DynamicTest.dynamicTest(vector.get("name").asText(),
                () -> check(dir, bundle, vector))).toList();
    }

    private static void check(Path dir, TrustBundle bundle, JsonNode vector) throws Exception {
        byte[] receipt = Files.readAllBytes(dir.resolve(vector.get("file").asText()));
        String expect = vector.get("expect").asText();
        if (expect.equals("VALID")) {
            Receipt verified = ReceiptCodec.verify(receipt, bundle, vector.get("file").asText());
            assertEquals(vector.get("name").asText().equals("good") ? 2 : 1, verified.suite());
            return;
        }
        PkiException e = assertThrows(PkiException.class, () -> ReceiptCodec.verify(receipt, bundle, "vector"));
        assertTrue(e.getMessage().contains(expect), e.getMessage());
    }
}
