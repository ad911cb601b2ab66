package dev.codebound.protocol.code;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz tests for what a station reads from a graduate's phone: the code text a scanner types and
 * the QR image a camera sees (docs/security-fuzzing.md). Seeds: the codes of
 * {@code vectors/code/manifest.json} and {@code vectors/code/good.png}.
 */
class CodeFuzzTest {
    private static final Path VECTORS = Path.of("src/test/resources/vectors/code");
    /** The manifest's verification time for the good code. */
    private static final Instant AT = Instant.parse("2027-06-01T09:00:00Z");

    private static CodeVerifier verifier;
    private static byte[] goodSignedBytes;

    @BeforeAll
    static void load() throws Exception {
        RegistryKeyring registry = RegistryKeyring.load(VECTORS.resolve("registry"), null);
        TrustBundle bundle = TrustBundleCodec.verify(Files.readAllBytes(VECTORS.resolve("trust-bundle.json")),
                registry.authority().certificate(), "trust-bundle.json");
        verifier = new CodeVerifier(bundle);
        goodSignedBytes = CollectionCode.decode(Files.readString(VECTORS.resolve("good.txt"))).signedBytes();
    }

    /** Decoding: only CodeException escapes; what decodes has one canonical text that decodes the same. */
    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        CollectionCode code;
        try {
            code = CollectionCode.decode(text);
        } catch (CodeException e) {
            return;
        }
        assertEquals(CodeText.normalize(text), code.text());
        CollectionCode again = assertDecodes(code.text());
        assertArrayEquals(code.signedBytes(), again.signedBytes());
        assertArrayEquals(code.signature(), again.signature());
        assertEquals(16, code.codeId().length());
    }

    /**
     * Verification: only CodeException escapes, and whatever verifies carries exactly the signed
     * content of the one good code in the corpus (the fuzzer cannot hold the registry's key).
     */
    @FuzzTest(maxDuration = "60s")
    void verify(byte[] input) {
        VerifiedCode code;
        try {
            code = verifier.verify(new String(input, StandardCharsets.UTF_8), AT);
        } catch (CodeException e) {
            return;
        }
        assertArrayEquals(goodSignedBytes, code.code().signedBytes(), "a code that is not the registry's verified");
    }

    /** QR images: only QrReadException escapes, whatever the bytes (a photo, a screenshot, garbage). */
    @FuzzTest(maxDuration = "60s")
    void readQr(byte[] image) {
        try {
            String text = QrCodes.read(image);
            assertTrue(text != null);
        } catch (QrCodes.QrReadException e) {
            // documented refusal
        }
    }

    private static CollectionCode assertDecodes(String text) {
        try {
            return CollectionCode.decode(text);
        } catch (CodeException e) {
            throw new AssertionError("the canonical text of a decoded code does not decode: " + e.getMessage(), e);
        }
    }
}
