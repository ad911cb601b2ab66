package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.testkit.ByteScan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens every file in {@code vectors/envelope} (suite 1) and {@code vectors/envelope-suite2} (suite 2),
 * both format 1, and {@code vectors/envelope-format2} and {@code vectors/envelope-format2-suite2}
 * (format 2: code proofs), and expects exactly the outcome its manifest states. A format 2 set's opener
 * holds the code keys of the codes its manifest lists, derived from their texts.
 */
class EnvelopeVectorsTest {
    private static final Path SUITE_1 = Path.of("src/test/resources/vectors/envelope");
    private static final Path SUITE_2 = Path.of("src/test/resources/vectors/envelope-suite2");
    private static final Path FORMAT_2 = Path.of("src/test/resources/vectors/envelope-format2");
    private static final Path FORMAT_2_SUITE_2 = Path.of("src/test/resources/vectors/envelope-format2-suite2");
    private static VectorSet suite1;
    private static VectorSet suite2;
    private static VectorSet format2;
    private static VectorSet format2Suite2;

    @TempDir
    static Path temp;

    /** One directory of vectors, its manifest and an opener holding its registry encryption key. */
    private record VectorSet(Path directory, JsonNode manifest, EnvelopeOpener opener) {
        static VectorSet load(Path directory) throws IOException {
            JsonNode manifest = new ObjectMapper().readTree(directory.resolve("manifest.json").toFile());
            Clock clock = Clock.fixed(Instant.parse(manifest.get("verifierTime").asText()), ZoneOffset.UTC);
            EnvelopeOpener opener = EnvelopeOpener.builder(EnvelopeVectorGenerator.bundle(directory))
                    .recipient(EnvelopeVectorGenerator.encryptionKey(directory))
                    .codeProofKeys(EnvelopeVectorGenerator.codeKeys(directory))
                    .clock(clock).temporaryDirectory(temp).build();
            return new VectorSet(directory, manifest, opener);
        }
    }

    @BeforeAll
    static void load() throws Exception {
        suite1 = VectorSet.load(SUITE_1);
        suite2 = VectorSet.load(SUITE_2);
        format2 = VectorSet.load(FORMAT_2);
        format2Suite2 = VectorSet.load(FORMAT_2_SUITE_2);
    }

    private static List<VectorSet> all() {
        return List.of(suite1, suite2, format2, format2Suite2);
    }

    @TestFactory
    List<DynamicTest> everyVectorHasItsExpectedOutcome() {
        List<DynamicTest> tests = new ArrayList<>();
        for (VectorSet set : all()) {
            for (JsonNode vector : set.manifest().get("vectors")) {
                String file = vector.get("file").asText();
                tests.add(DynamicTest.dynamicTest(set.directory().getFileName() + "/" + file,
                        () -> check(set, vector, Files.readAllBytes(set.directory().resolve(file)))));
            }
        }
        return tests;
    }

    private static void check(VectorSet set, JsonNode vector, byte[] envelope) throws Exception {
        if (vector.get("expect").asText().equals("accept")) {
            try (OpenedEnvelope opened = set.opener().open(new ByteArrayInputStream(envelope))) {
                byte[] photo = opened.openPhoto().readAllBytes();
                assertEquals(opened.binding().photoLength(), photo.length);
                assertEquals(set.manifest().path("formatVersion").asInt(1), opened.binding().formatVersion());
                if (vector.get("file").asText().equals("good.cms")) {
                    assertArrayEquals(Files.readAllBytes(set.directory().resolve("photo.jpg")), photo);
                    assertArrayEquals(Files.readAllBytes(set.directory().resolve("good.binding.der")),
                            opened.binding().toDer());
                }
            }
            return;
        }
        EnvelopeException e = assertThrows(EnvelopeException.class,
                () -> set.opener().open(new ByteArrayInputStream(envelope)));
        assertEquals(vector.get("reason").asText(), e.reason().name(), e.getMessage());
        if (vector.has("codeReason")) {
            assertEquals(vector.get("codeReason").asText(), e.codeReason().orElseThrow().name());
        }
    }

    @Test
    void everyFlippedByteOfASmallEnvelopeIsRefused() throws Exception {
        assertEveryFlippedByteIsRefused(suite1);
    }

    @Test
    void everyFlippedByteOfASmallSuite2EnvelopeIsRefused() throws Exception {
        assertEveryFlippedByteIsRefused(suite2);
    }

    @Test
    void everyFlippedByteOfSmallFormat2EnvelopesIsRefused() throws Exception {
        assertEveryFlippedByteIsRefused(format2);
        assertEveryFlippedByteIsRefused(format2Suite2);
    }

    /** Format 2 holds no code text: the very thing it exists for, checked on the committed files. */
    @Test
    void noFormat2VectorHoldsACodeText() throws Exception {
        for (VectorSet set : List.of(format2, format2Suite2)) {
            for (JsonNode vector : set.manifest().get("vectors")) {
                byte[] envelope = Files.readAllBytes(set.directory().resolve(vector.get("file").asText()));
                for (JsonNode code : set.manifest().get("codes")) {
                    assertFalse(ByteScan.contains(envelope,
                            code.get("text").asText().getBytes(StandardCharsets.US_ASCII)), vector.get("file").asText());
                }
            }
        }
    }

    private static void assertEveryFlippedByteIsRefused(VectorSet set) throws Exception {
        byte[] envelope = Files.readAllBytes(set.directory().resolve("good-empty-photo.cms"));
        for (int i = 0; i < envelope.length; i++) {
            byte[] flipped = envelope.clone();
            flipped[i] ^= 0x01;
            int position = i;
            assertThrows(EnvelopeException.class, () -> set.opener().open(new ByteArrayInputStream(flipped)).close(),
                    () -> "flipping byte " + position + " of " + set.directory() + " went unnoticed");
        }
    }

    @Test
    void manifestListsEveryEnvelopeFile() throws Exception {
        for (VectorSet set : all()) {
            List<String> listed = new ArrayList<>();
            set.manifest().get("vectors").forEach(vector -> listed.add(vector.get("file").asText()));
            try (var files = Files.list(set.directory())) {
                files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".cms"))
                        .forEach(name -> assertFalse(!listed.contains(name), name + " is not in "
                                + set.directory().resolve("manifest.json")));
            }
        }
    }
}
