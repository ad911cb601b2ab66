package dev.codebound.protocol.vectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.QrCodes;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TrustBundleCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import org.bouncycastle.util.encoders.Base32;

/**
 * Writes the collection-code test vectors under {@code protocol/src/test/resources/vectors/code}
 * (suite 1) or {@code vectors/code-suite2} (suite 2, with a second argument {@code 2}). The vectors
 * are committed; rerun only to replace a set (new keys, new codes):
 *
 * <pre>
 * mvn -q -pl protocol test-compile
 * java -cp "protocol/target/classes:protocol/target/test-classes:$(mvn -q -pl protocol \
 *     dependency:build-classpath -Dmdep.outputFile=/dev/stdout)" \
 *     dev.codebound.protocol.vectors.CodeVectorGenerator protocol/src/test/resources/vectors/code-suite2 2
 * </pre>
 */
public final class CodeVectorGenerator {
    /** Registry keys are valid from here for a century, so the vectors do not rot. */
    static final Instant KEYS_FROM = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant CHECK_AT = Instant.parse("2027-06-01T09:00:00Z");
    static final StudentIdentity STUDENT = new StudentIdentity("2023012345", "张三", "11010519491231002X");

    private final ObjectMapper json = new ObjectMapper();
    private final ArrayNode cases = json.createArrayNode();
    private final Path out;
    private final int suite;

    private CodeVectorGenerator(Path out, int suite) {
        this.out = out;
        this.suite = suite;
    }

    public static void main(String[] args) throws IOException {
        new CodeVectorGenerator(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 1).generate();
    }

    private void generate() throws IOException {
        Files.createDirectories(out);
        RegistryKeyring registry = RegistryKeyring.generate("Codebound Test Vectors", KEYS_FROM, Duration.ofDays(36500));
        registry.store(out.resolve("registry"), null);
        CodeIssuer issuer = new CodeIssuer(registry.codeSigning(suite), registry.encryption(suite).certificate());
        Set<Integer> suites = Set.of(1, suite);
        Instant from = Instant.parse("2027-05-01T00:00:00Z");
        Instant to = Instant.parse("2027-07-31T23:59:59Z");

        IssuedCode good = issuer.issue(STUDENT, 10337, 2027, from, to);
        IssuedCode revoked = issuer.issue(STUDENT, 10337, 2027, from, to);
        Files.write(out.resolve("trust-bundle.json"), TrustBundleCodec.sign(registry.trustBundle(1, KEYS_FROM,
                Set.of(), Set.of(revoked.codeId()), Set.of(), suites), registry.authority().privateKey()));
        String signingKeyId = HexFormat.of().formatHex(registry.codeSigning(suite).keyId());
        Files.write(out.resolve("trust-bundle-key-revoked.json"), TrustBundleCodec.sign(registry.trustBundle(2,
                KEYS_FROM, Set.of(signingKeyId), Set.of(), Set.of(), suites), registry.authority().privateKey()));

        ObjectNode goodCase = add("good", good.text(), "trust-bundle.json", CHECK_AT, "VALID");
        goodCase.put("codeId", good.codeId()).put("schoolCode", 10337).put("cohort", 2027)
                .put("maskedName", STUDENT.maskedName()).put("studentNumber", STUDENT.studentNumber())
                .put("studentName", STUDENT.name()).put("idNumber", STUDENT.idNumber());
        Files.write(out.resolve("good.png"), QrCodes.renderPng(good.text(), QrCodes.DEFAULT_SIZE));
        goodCase.put("qr", "good.png");

        add("malformed-prefix", "XX" + good.text().substring(2), "trust-bundle.json", CHECK_AT, "MALFORMED");
        add("malformed-truncated", good.text().substring(0, good.text().length() - 40), "trust-bundle.json",
                CHECK_AT, "MALFORMED");
        add("malformed-character", good.text().substring(0, 30) + "0" + good.text().substring(31),
                "trust-bundle.json", CHECK_AT, "MALFORMED");
        add("unsupported-version", "CB2" + good.text().substring(3), "trust-bundle.json", CHECK_AT,
                "UNSUPPORTED_VERSION");
        RegistryKeyring stranger = RegistryKeyring.generate("Stranger", KEYS_FROM, Duration.ofDays(36500));
        add("unknown-key", new CodeIssuer(stranger.codeSigning(suite), stranger.encryption(suite).certificate())
                .issue(STUDENT, 10337, 2027, from, to).text(), "trust-bundle.json", CHECK_AT, "UNKNOWN_KEY");
        add("bad-signature", alterCohort(good.text()), "trust-bundle.json", CHECK_AT, "BAD_SIGNATURE");
        add("not-yet-valid", good.text(), "trust-bundle.json", from.minusSeconds(60), "NOT_YET_VALID");
        add("expired", good.text(), "trust-bundle.json", to.plusSeconds(60), "EXPIRED");
        add("revoked-code", revoked.text(), "trust-bundle.json", CHECK_AT, "REVOKED");
        add("revoked-key", good.text(), "trust-bundle-key-revoked.json", CHECK_AT, "REVOKED");
        add("wrong-school", good.text(), "trust-bundle.json", CHECK_AT, "WRONG_SCHOOL").putArray("stationSchools")
                .add(10001);
        if (suite == 2) {
            // The suite byte says 1: the fields are read with suite 1's lengths, and the code no longer parses.
            add("suite-byte-says-1", alterByte(good.text(), 1, 0x03), "trust-bundle.json", CHECK_AT, "MALFORMED");
        }

        ObjectNode manifest = json.createObjectNode();
        manifest.put("description", "Collection code vectors: verify each 'code' with the named trust bundle at "
                + "'at' (and the station's schools, when given); expect VALID or the named reason.");
        manifest.set("cases", cases);
        Files.write(out.resolve("manifest.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        Files.writeString(out.resolve("good.txt"), good.text() + "\n", StandardCharsets.US_ASCII);
    }

    private ObjectNode add(String name, String code, String bundle, Instant at, String expect) {
        ObjectNode node = cases.addObject();
        node.put("name", name).put("code", code).put("trustBundle", bundle).put("at", at.toString())
                .put("expect", expect);
        return node;
    }

    /** Changes the cohort field (bytes 24-25) without re-signing. */
    private static String alterCohort(String text) {
        return alterByte(text, 25, 0x01);
    }

    /** XORs byte {@code index} of the binary code with {@code mask}, without re-signing. */
    private static String alterByte(String text, int index, int mask) {
        String body = text.substring(3);
        int remainder = body.length() % 8;
        byte[] binary = Base32.decode(remainder == 0 ? body : body + "=".repeat(8 - remainder));
        binary[index] ^= (byte) mask;
        String encoded = Base32.toBase32String(binary);
        int padding = encoded.indexOf('=');
        return "CB1" + (padding < 0 ? encoded : encoded.substring(0, padding));
    }
}
