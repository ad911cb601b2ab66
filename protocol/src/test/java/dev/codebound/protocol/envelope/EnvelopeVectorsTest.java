package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
 * Opens every file in {@code vectors/envelope} (suite 1) and {@code vectors/envelope-suite2} (suite 2)
 * and expects exactly the outcome its manifest states.
 */
class EnvelopeVectorsTest {
    private static final Path SUITE_1 = Path.of("src/test/resources/vectors/envelope");
    private static final Path SUITE_2 = Path.of("src/test/resources/vectors/envelope-suite2");
    private static VectorSet suite1;
    private static VectorSet suite2;

    @TempDir
    static Path temp;

    /** One directory of vectors, its manifest and an opener holding its registry encryption key. */
    private record VectorSet(Path directory, JsonNode manifest, EnvelopeOpener opener) {
        static VectorSet load(Path directory) throws IOException {
            JsonNode manifest = new ObjectMapper().readTree(directory.resolve("manifest.json").toFile());
            Clock clock = Clock.fixed(Instant.parse(manifest.get("verifierTime").asText()), ZoneOffset.UTC);
            EnvelopeOpener opener = EnvelopeOpener.builder(EnvelopeVectorGenerator.bundle(directory))
                    .recipient(EnvelopeVectorGenerator.encryptionKey(directory))
                    .clock(clock).temporaryDirectory(temp).build();
            return new VectorSet(directory, manifest, opener);
        }
    }

    @BeforeAll
    static void load() throws Exception {
        suite1 = VectorSet.load(SUITE_1);
        suite2 = VectorSet.load(SUITE_2);
    }

    @TestFactory
    List<DynamicTest> everyVectorHasItsExpectedOutcome() {
        List<DynamicTest> tests = new ArrayList<>();
        for (VectorSet set : List.of(suite1, suite2)) {
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
        for (VectorSet set : List.of(suite1, suite2)) {
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
