package dev.codebound.protocol.vectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.pki.CompactSignature;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.SignedJson;
import dev.codebound.protocol.pki.TrustBundleCodec;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Writes the receipt test vectors under {@code protocol/src/test/resources/vectors/receipt-suite2}:
 * receipts of both suites signed by a test registry, and receipts a verifier must refuse. The
 * vectors are committed; rerun only to replace them all (new keys):
 *
 * <pre>
 * mvn -B -ntp -q -pl protocol test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.codebound.protocol.vectors.ReceiptVectorGenerator \
 *     -Dexec.args=protocol/src/test/resources/vectors/receipt-suite2
 * </pre>
 */
public final class ReceiptVectorGenerator {
    static final Instant KEYS_FROM = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant ACCEPTED_AT = Instant.parse("2027-06-01T09:00:00Z");

    private final ObjectMapper json = new ObjectMapper();
    private final ArrayNode cases = json.createArrayNode();
    private final Path out;

    private ReceiptVectorGenerator(Path out) {
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        new ReceiptVectorGenerator(Path.of(args[0])).generate();
    }

    private void generate() throws IOException {
        Files.createDirectories(out);
        RegistryKeyring registry = RegistryKeyring.generate("Codebound Test Vectors", KEYS_FROM, Duration.ofDays(36500));
        registry.store(out.resolve("registry"), null);
        Files.write(out.resolve("trust-bundle.json"), TrustBundleCodec.sign(registry.trustBundle(1, KEYS_FROM,
                Set.of(), Set.of(), Set.of(), Set.of(1, 2)), registry.authority().privateKey()));

        Receipt suite2 = receipt(registry.sm2ReceiptSigning(), 2);
        byte[] good = ReceiptCodec.sign(suite2, registry.sm2ReceiptSigning());
        write("good", good, "VALID");
        write("good-suite-1", ReceiptCodec.sign(receipt(registry.receiptSigning(), 1), registry.receiptSigning()),
                "VALID");

        ObjectNode tampered = (ObjectNode) json.readTree(good);
        byte[] signature = Base64.getUrlDecoder().decode(tampered.get("signature").asText());
        signature[10] ^= 0x01;
        tampered.put("signature", Base64.getUrlEncoder().withoutPadding().encodeToString(signature));
        write("bad-signature", json.writerWithDefaultPrettyPrinter().writeValueAsBytes(tampered),
                "signature does not verify");

        ObjectNode payload = payload(good);
        payload.put("photoDigest", "00" + payload.get("photoDigest").asText().substring(2));
        write("altered-payload", SignedJson.sign(ReceiptCodec.FORMAT_2, json.writeValueAsBytes(payload),
                KeyPairs.generateSm2().getPrivate(), CompactSignature.SM2_SM3), "signature does not verify");

        ObjectNode noSuite = payload(good);
        noSuite.remove("suite");
        write("missing-suite", SignedJson.sign(ReceiptCodec.FORMAT_2, json.writeValueAsBytes(noSuite),
                registry.sm2ReceiptSigning().privateKey(), CompactSignature.SM2_SM3), "needs a 'suite' member");

        ObjectNode relabelled = payload(good);
        relabelled.put("signingKeyId", KeyPairs.keyIdHex(registry.receiptSigning().certificate().getPublicKey()));
        write("suite-2-over-p256-key", SignedJson.sign(ReceiptCodec.FORMAT_2, json.writeValueAsBytes(relabelled),
                registry.receiptSigning().privateKey(), CompactSignature.ECDSA_P256_SHA256),
                "is not a key of that suite");

        ObjectNode formatOne = (ObjectNode) json.readTree(good);
        formatOne.put("format", ReceiptCodec.FORMAT);
        write("format-says-1", json.writerWithDefaultPrettyPrinter().writeValueAsBytes(formatOne), "photoSha256");

        ObjectNode manifest = json.createObjectNode();
        manifest.put("description", "Receipt vectors: verify each 'file' against trust-bundle.json (registry "
                + "CA in registry/registry-ca.cert.pem); expect VALID, or a refusal whose message contains 'expect'.");
        manifest.set("cases", cases);
        Files.write(out.resolve("manifest.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
    }

    private static Receipt receipt(RegistryKeyring.KeyedCertificate key, int suite) {
        return new Receipt("Codebound Test Vectors", "3f".repeat(32), 45_210, "a1".repeat(32), "BWXOKN2DXEO22UCE",
                "ST-VECTORS", Instant.parse("2027-06-01T08:59:00Z"), ACCEPTED_AT, 1,
                KeyPairs.keyIdHex(key.certificate().getPublicKey()), Optional.empty(), suite);
    }

    private ObjectNode payload(byte[] signed) throws IOException {
        return (ObjectNode) json.readTree(Base64.getUrlDecoder().decode(json.readTree(signed).get("payload").asText()));
    }

    private void write(String name, byte[] receipt, String expect) throws IOException {
        Files.write(out.resolve(name + ".json"), receipt);
        cases.addObject().put("name", name).put("file", name + ".json").put("expect", expect);
    }
}
