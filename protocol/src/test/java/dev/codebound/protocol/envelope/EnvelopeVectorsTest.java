package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
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

/** Opens every file in {@code vectors/envelope} and expects exactly the outcome its manifest states. */
class EnvelopeVectorsTest {
    private static final Path VECTORS = Path.of("src/test/resources/vectors/envelope");
    private static JsonNode manifest;
    private static EnvelopeOpener opener;

    @TempDir
    static Path temp;

    @BeforeAll
    static void load() throws Exception {
        manifest = new ObjectMapper().readTree(VECTORS.resolve("manifest.json").toFile());
        Clock clock = Clock.fixed(Instant.parse(manifest.get("verifierTime").asText()), ZoneOffset.UTC);
        opener = EnvelopeOpener.builder(EnvelopeVectorGenerator.bundle(VECTORS))
                .recipient(EnvelopeVectorGenerator.encryptionKey(VECTORS))
                .clock(clock).temporaryDirectory(temp).build();
    }

    @TestFactory
    List<DynamicTest> everyVectorHasItsExpectedOutcome() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode vector : manifest.get("vectors")) {
            String file = vector.get("file").asText();
            tests.add(DynamicTest.dynamicTest(file, () -> check(vector, Files.readAllBytes(VECTORS.resolve(file)))));
        }
        return tests;
    }

    private static void check(JsonNode vector, byte[] envelope) throws Exception {
        if (vector.get("expect").asText().equals("accept")) {
            try (OpenedEnvelope opened = opener.open(new ByteArrayInputStream(envelope))) {
                byte[] photo = opened.openPhoto().readAllBytes();
                assertEquals(opened.binding().photoLength(), photo.length);
                if (vector.get("file").asText().equals("good.cms")) {
                    assertArrayEquals(Files.readAllBytes(VECTORS.resolve("photo.jpg")), photo);
                    assertArrayEquals(Files.readAllBytes(VECTORS.resolve("good.binding.der")), opened.binding().toDer());
                }
            }
            return;
        }
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> opener.open(new ByteArrayInputStream(envelope)));
        assertEquals(vector.get("reason").asText(), e.reason().name(), e.getMessage());
        if (vector.has("codeReason")) {
            assertEquals(vector.get("codeReason").asText(), e.codeReason().orElseThrow().name());
        }
    }

    @Test
    void everyFlippedByteOfASmallEnvelopeIsRefused() throws Exception {
        byte[] envelope = Files.readAllBytes(VECTORS.resolve("good-empty-photo.cms"));
        for (int i = 0; i < envelope.length; i++) {
            byte[] flipped = envelope.clone();
            flipped[i] ^= 0x01;
            int position = i;
            assertThrows(EnvelopeException.class, () -> opener.open(new ByteArrayInputStream(flipped)).close(),
                    () -> "flipping byte " + position + " went unnoticed");
        }
    }

    @Test
    void manifestListsEveryEnvelopeFile() throws Exception {
        List<String> listed = new ArrayList<>();
        manifest.get("vectors").forEach(vector -> listed.add(vector.get("file").asText()));
        try (var files = Files.list(VECTORS)) {
            files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".cms"))
                    .forEach(name -> assertFalse(!listed.contains(name), name + " is not in manifest.json"));
        }
    }
}
