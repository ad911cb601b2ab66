package dev.codebound.protocol.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.code.CodeException;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IdentityOpener;
import dev.codebound.protocol.code.QrCodes;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every collection-code vector in {@code vectors/code/manifest.json} (suite 1) and
 * {@code vectors/code-suite2/manifest.json} (suite 2).
 */
class CodeVectorsTest {
    @TestFactory
    List<DynamicTest> everyVectorHasItsExpectedOutcome() throws Exception {
        return vectors("/vectors/code/manifest.json", 1);
    }

    @TestFactory
    List<DynamicTest> everySuite2VectorHasItsExpectedOutcome() throws Exception {
        return vectors("/vectors/code-suite2/manifest.json", 2);
    }

    private static List<DynamicTest> vectors(String manifestResource, int suite) throws Exception {
        Path dir = Path.of(CodeVectorsTest.class.getResource(manifestResource).toURI()).getParent();
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        RegistryKeyring registry = RegistryKeyring.load(dir.resolve("registry"), null);
        List<JsonNode> cases = StreamSupport.stream(manifest.get("cases").spliterator(), false).toList();
        assertTrue(cases.size() >= 12, "manifest lists every case");
        return cases.stream().map(vector -> DynamicTest.dynamicTest(vector.get("name").asText(),
                () -> check(dir, registry, suite, vector))).toList();
    }

    private static void check(Path dir, RegistryKeyring registry, int suite, JsonNode vector) throws Exception {
        TrustBundle bundle = TrustBundleCodec.verify(Files.readAllBytes(dir.resolve(vector.get("trustBundle").asText())),
                registry.authority().certificate(), vector.get("trustBundle").asText());
        Set<Integer> schools = new HashSet<>();
        vector.path("stationSchools").forEach(school -> schools.add(school.asInt()));
        CodeVerifier verifier = new CodeVerifier(bundle, schools);
        Instant at = Instant.parse(vector.get("at").asText());
        String expect = vector.get("expect").asText();
        if (!expect.equals("VALID")) {
            CodeException e = assertThrows(CodeException.class, () -> verifier.verify(vector.get("code").asText(), at));
            assertEquals(CodeException.Reason.valueOf(expect), e.reason(), e.getMessage());
            return;
        }
        VerifiedCode code = verifier.verify(vector.get("code").asText(), at);
        assertEquals(vector.get("codeId").asText(), code.codeId());
        assertEquals(vector.get("schoolCode").asInt(), code.schoolCode());
        assertEquals(vector.get("cohort").asInt(), code.cohort());
        assertEquals(vector.get("maskedName").asText(), code.maskedName());
        assertEquals(suite, code.code().suite());
        StudentIdentity identity = new IdentityOpener(registry.encryption(suite)).open(code);
        assertEquals(new StudentIdentity(vector.get("studentNumber").asText(), vector.get("studentName").asText(),
                vector.get("idNumber").asText()), identity);
        assertEquals(code.text(), QrCodes.read(Files.readAllBytes(dir.resolve(vector.get("qr").asText()))));
    }

}
