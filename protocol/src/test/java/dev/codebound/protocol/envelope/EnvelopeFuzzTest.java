package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz tests for what the registry reads from the internet: envelopes (CMS SignedData over
 * AuthEnvelopedData) and the binding inside them (docs/security-fuzzing.md). Seeds: every
 * {@code vectors/envelope/*.cms} and {@code good.binding.der}.
 */
class EnvelopeFuzzTest {
    private static final Path VECTORS = Path.of("src/test/resources/vectors/envelope");

    private static EnvelopeOpener opener;
    private static List<Binding> acceptable;
    private static Path temp;

    @BeforeAll
    static void load() throws Exception {
        temp = Files.createTempDirectory("envelope-fuzz");
        Instant verifierTime = Instant.parse("2026-06-15T09:35:00Z");
        // Photos stay in memory (the vectors' photos are at most 2 KiB), so an execution costs no disk I/O.
        opener = EnvelopeOpener.builder(EnvelopeVectorGenerator.bundle(VECTORS))
                .recipient(EnvelopeVectorGenerator.encryptionKey(VECTORS))
                .clock(Clock.fixed(verifierTime, ZoneOffset.UTC))
                .temporaryDirectory(temp).memoryThreshold(64 * 1024).build();
        acceptable = List.of(bindingOf("good.cms"), bindingOf("good-empty-photo.cms"));
    }

    @AfterAll
    static void clean() throws IOException {
        try (var files = Files.list(temp)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(temp);
    }

    /**
     * Opening: only EnvelopeException escapes (the input is in memory, so an IOException is a parser
     * fault too); an envelope that opens is one the station really sealed, and its photo matches
     * its binding.
     */
    @FuzzTest(maxDuration = "60s")
    void open(byte[] envelope) throws Exception {
        try (OpenedEnvelope opened = opener.open(new ByteArrayInputStream(envelope))) {
            assertTrue(acceptable.contains(opened.binding()), "an envelope the station never sealed opened: "
                    + opened.binding());
            byte[] photo = opened.openPhoto().readAllBytes();
            assertEquals(opened.binding().photoLength(), photo.length);
            assertArrayEquals(opened.binding().photoDigest(), MessageDigest.getInstance("SHA-256").digest(photo));
        } catch (EnvelopeException e) {
            // documented refusal
        }
    }

    /** The binding: only EnvelopeException escapes, and only the canonical DER decodes. */
    @FuzzTest(maxDuration = "60s")
    void bindingFromDer(byte[] der) {
        Binding binding;
        try {
            binding = Binding.fromDer(der);
        } catch (EnvelopeException e) {
            return;
        }
        assertArrayEquals(der, binding.toDer());
    }

    private static Binding bindingOf(String file) throws Exception {
        try (OpenedEnvelope opened = opener.open(Files.newInputStream(VECTORS.resolve(file)))) {
            return opened.binding();
        }
    }
}
