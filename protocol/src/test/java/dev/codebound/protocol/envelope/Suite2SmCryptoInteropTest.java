package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.jce.interfaces.ECPublicKey;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Suite 2 checked by sm-crypto, an independent JavaScript implementation of SM2, SM3 and SM4 (npm,
 * version pinned in {@code src/test/resources/interop/sm-crypto/package.json}), through the small
 * script beside it: SM3 of the vectors' photo and of GB/T 32905's example, SM4 of GB/T 32907's
 * example, the stations' SM2 signatures of the vectors (and ours of sm-crypto's), and the good vector
 * decrypted by hand: SM2 content key, SM4-GCM keystream and tag. sm-crypto is installed with npm into
 * {@code target/interop/sm-crypto} on the first run. Skipped without {@code node} and {@code npm},
 * like the OpenSSL cross-checks without {@code openssl}.
 */
class Suite2SmCryptoInteropTest {
    private static final Path VECTORS = Path.of("src/test/resources/vectors/envelope-suite2");
    private static final Path SCRIPT = Path.of("src/test/resources/interop/sm-crypto");
    private static final Path INSTALL = Path.of("target/interop/sm-crypto");
    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void installSmCrypto() throws Exception {
        assumeTrue(ExternalCommand.available(List.of("node", "--version"))
                && ExternalCommand.available(List.of("npm", "--version")), "node and npm are not on PATH; install "
                + "Node.js 18 or later with npm (Debian/Ubuntu: apt-get install nodejs npm) to run the sm-crypto "
                + "cross-checks");
        Files.createDirectories(INSTALL);
        for (String file : List.of("package.json", "check.js")) {
            Files.copy(SCRIPT.resolve(file), INSTALL.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        String pinned = JSON.readTree(SCRIPT.resolve("package.json").toFile()).get("dependencies").get("sm-crypto")
                .asText();
        Path installed = INSTALL.resolve("node_modules/sm-crypto/package.json");
        if (!Files.exists(installed) || !JSON.readTree(installed.toFile()).get("version").asText().equals(pinned)) {
            List<String> install = List.of("npm", "install", "--no-audit", "--no-fund", "--no-package-lock");
            ExternalCommand.run(INSTALL, 300, install).requireSuccess(install);
        }
    }

    @Test
    void smCryptoSm3AgreesOnTheStandardExampleAndThePhoto() throws Exception {
        byte[] photo = Files.readAllBytes(VECTORS.resolve("photo.jpg"));
        byte[] large = new byte[1_000_003];
        new SplittableRandom(32905).nextBytes(large);
        JsonNode answers = ask(List.of(
                Map.of("op", "sm3", "data", HEX.formatHex("abc".getBytes(StandardCharsets.US_ASCII))),
                Map.of("op", "sm3", "data", HEX.formatHex(photo)),
                Map.of("op", "sm3", "data", HEX.formatHex(large))));
        assertEquals("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", answers.get(0).asText());
        Binding binding = Binding.fromDer(Files.readAllBytes(VECTORS.resolve("good.binding.der")));
        assertEquals(HEX.formatHex(binding.photoDigest()), answers.get(1).asText());
        assertEquals(HEX.formatHex(Suite.SM2_SM4GCM_SM3.photoDigest().digest(large)), answers.get(2).asText());
    }

    @Test
    void smCryptoSm4AgreesOnTheStandardExample() throws Exception {
        String example = "0123456789abcdeffedcba9876543210";
        JsonNode answers = ask(List.of(Map.of("op", "sm4-ecb", "key", example, "data", example)));
        assertEquals("681edf34d206965e86b3e94f536e4246", answers.get(0).asText());
    }

    @Test
    void smCryptoVerifiesTheStationSignaturesOfTheVectorsAndRefusesTheTamperedOne() throws Exception {
        String station = publicKeyHex(PemFiles.readCertificates(VECTORS.resolve("station.cert.pem")).get(0));
        List<Map<String, String>> requests = new ArrayList<>();
        for (String file : List.of("good.cms", "good-empty-photo.cms", "tampered-signature.cms")) {
            EnvelopeParts parts = EnvelopeParts.of(Files.readAllBytes(VECTORS.resolve(file)));
            requests.add(Map.of("op", "sm2-verify", "publicKey", station,
                    "message", HEX.formatHex(parts.signedAttributes()), "signature", HEX.formatHex(parts.signature())));
        }
        JsonNode answers = ask(requests);
        assertTrue(answers.get(0).asBoolean(), "good.cms");
        assertTrue(answers.get(1).asBoolean(), "good-empty-photo.cms");
        assertFalse(answers.get(2).asBoolean(), "tampered-signature.cms");
    }

    @Test
    void weVerifySmCryptoMadeSignatures() throws Exception {
        KeyPair pair = KeyPairs.generateSm2();
        byte[] message = Files.readAllBytes(VECTORS.resolve("good.binding.der"));
        JsonNode answers = ask(List.of(Map.of("op", "sm2-sign", "privateKey", privateKeyHex(pair.getPrivate()),
                "publicKey", publicKeyHex(pair.getPublic()), "message", HEX.formatHex(message))));
        byte[] signature = HEX.parseHex(answers.get(0).asText());
        assertTrue(Suite2OpenSslInteropTest.sm2Verifies(pair.getPublic(), message, signature));
        message[0] ^= 1;
        assertFalse(Suite2OpenSslInteropTest.sm2Verifies(pair.getPublic(), message, signature));
    }

    @Test
    void smCryptoDecryptsTheGoodVectorAndChecksItsGcmTag() throws Exception {
        EnvelopeParts parts = EnvelopeParts.of(Files.readAllBytes(VECTORS.resolve("good.cms")));
        PrivateKey registry = PemFiles.readPrivateKey(VECTORS.resolve("encryption.key.pem"), null);
        JsonNode key = ask(List.of(Map.of("op", "sm2-decrypt", "privateKey", privateKeyHex(registry),
                "ciphertext", smCryptoCiphertext(parts.encryptedKey())))).get(0);
        assertEquals(32, key.asText().length(), "a 16-byte SM4 key");

        byte[] tampered = parts.ciphertext().clone();
        tampered[tampered.length / 2] ^= 1;
        JsonNode answers = ask(List.of(
                gcmRequest(key.asText(), parts, parts.ciphertext()), gcmRequest(key.asText(), parts, tampered)));
        assertArrayEquals(Suite2OpenSslInteropTest.innerContent(Files.readAllBytes(VECTORS.resolve("good.binding.der")),
                Files.readAllBytes(VECTORS.resolve("photo.jpg"))), HEX.parseHex(answers.get(0).get("plaintext").asText()));
        assertTrue(answers.get(0).get("tagValid").asBoolean(), "our SM4-GCM tag, recomputed by sm-crypto's SM4");
        assertFalse(answers.get(1).get("tagValid").asBoolean(), "a flipped ciphertext bit");
    }

    private static Map<String, String> gcmRequest(String key, EnvelopeParts parts, byte[] ciphertext) {
        return Map.of("op", "sm4-gcm-decrypt", "key", key, "nonce", HEX.formatHex(parts.nonce()),
                "ciphertext", HEX.formatHex(ciphertext), "tag", HEX.formatHex(parts.tag()));
    }

    /** sm-crypto's SM2 ciphertext form: C1 without its 04 prefix, then C3 and C2, all hex. */
    private static String smCryptoCiphertext(byte[] sm2Cipher) {
        ASN1Sequence fields = ASN1Sequence.getInstance(sm2Cipher);
        return HEX.formatHex(BigIntegers.asUnsignedByteArray(32, ASN1Integer.getInstance(fields.getObjectAt(0))
                .getPositiveValue()))
                + HEX.formatHex(BigIntegers.asUnsignedByteArray(32, ASN1Integer.getInstance(fields.getObjectAt(1))
                .getPositiveValue()))
                + HEX.formatHex(ASN1OctetString.getInstance(fields.getObjectAt(2)).getOctets())
                + HEX.formatHex(ASN1OctetString.getInstance(fields.getObjectAt(3)).getOctets());
    }

    private static String publicKeyHex(X509Certificate certificate) {
        return publicKeyHex(certificate.getPublicKey());
    }

    /** The uncompressed point {@code 04 || x || y} as hex, the public key form sm-crypto takes. */
    private static String publicKeyHex(PublicKey key) {
        return HEX.formatHex(((ECPublicKey) key).getQ().getEncoded(false));
    }

    private static String privateKeyHex(PrivateKey key) {
        BigInteger d = ((ECPrivateKey) key).getS();
        return HEX.formatHex(BigIntegers.asUnsignedByteArray(32, d));
    }

    private static JsonNode ask(List<? extends Map<String, String>> requests) throws Exception {
        Path requestFile = Files.createTempFile(INSTALL, "requests", ".json");
        Path answerFile = Files.createTempFile(INSTALL, "answers", ".json");
        try {
            JSON.writeValue(requestFile.toFile(), requests);
            List<String> command = List.of("node", "check.js", requestFile.getFileName().toString(),
                    answerFile.getFileName().toString());
            ExternalCommand.run(INSTALL, 120, command).requireSuccess(command);
            return JSON.readTree(answerFile.toFile());
        } finally {
            Files.deleteIfExists(requestFile);
            Files.deleteIfExists(answerFile);
        }
    }
}
