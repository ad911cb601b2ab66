package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz tests for what the registry reads from the internet: envelopes (CMS SignedData over
 * AuthEnvelopedData) and the binding inside them (docs/security-fuzzing.md). Seeds: every
 * {@code vectors/envelope/*.cms} and {@code good.binding.der}; for suite 2 (SM2, SM3, SM4-GCM),
 * every {@code vectors/envelope-suite2/*.cms}; for format 2 (a code proof in the binding), every
 * {@code vectors/envelope-format2/*.cms} and {@code vectors/envelope-format2-suite2/*.cms}, opened
 * with the code keys their manifests list, and their {@code good.binding.der}.
 */
class EnvelopeFuzzTest {
    private static final Path VECTORS = Path.of("src/test/resources/vectors/envelope");
    private static final Path SUITE_2_VECTORS = Path.of("src/test/resources/vectors/envelope-suite2");
    private static final Path FORMAT_2_VECTORS = Path.of("src/test/resources/vectors/envelope-format2");
    private static final Path FORMAT_2_SUITE_2_VECTORS = Path.of("src/test/resources/vectors/envelope-format2-suite2");

    /** An opener holding one vector directory's registry key, and the bindings its station really sealed. */
    private record Registry(EnvelopeOpener opener, List<Binding> acceptable) {}

    private static Registry suite1;
    private static Registry suite2;
    private static Registry format2;
    private static Registry format2Suite2;
    private static Path temp;

    @BeforeAll
    static void load() throws Exception {
        temp = Files.createTempDirectory("envelope-fuzz");
        suite1 = registry(VECTORS);
        suite2 = registry(SUITE_2_VECTORS);
        format2 = registry(FORMAT_2_VECTORS);
        format2Suite2 = registry(FORMAT_2_SUITE_2_VECTORS);
    }

    private static Registry registry(Path vectors) throws Exception {
        Instant verifierTime = Instant.parse("2026-06-15T09:35:00Z");
        // Photos stay in memory (the vectors' photos are at most 2 KiB), so an execution costs no disk I/O.
        EnvelopeOpener opener = EnvelopeOpener.builder(EnvelopeVectorGenerator.bundle(vectors))
                .recipient(EnvelopeVectorGenerator.encryptionKey(vectors))
                .codeProofKeys(EnvelopeVectorGenerator.codeKeys(vectors))
                .clock(Clock.fixed(verifierTime, ZoneOffset.UTC))
                .temporaryDirectory(temp).memoryThreshold(64 * 1024).build();
        return new Registry(opener, List.of(bindingOf(opener, vectors.resolve("good.cms")),
                bindingOf(opener, vectors.resolve("good-empty-photo.cms"))));
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
        assertOpensOnlyWhatWasSealed(suite1, envelope);
    }

    /** {@link #open}, for a registry holding the suite-2 (SM2) key, seeded with suite-2 envelopes. */
    @FuzzTest(maxDuration = "60s")
    void openSuite2(byte[] envelope) throws Exception {
        assertOpensOnlyWhatWasSealed(suite2, envelope);
    }

    /** {@link #open}, for format 2 envelopes (suite 1): the code proof checked with the manifest's keys. */
    @FuzzTest(maxDuration = "60s")
    void openFormat2(byte[] envelope) throws Exception {
        assertOpensOnlyWhatWasSealed(format2, envelope);
    }

    /** {@link #openFormat2}, for suite 2 (HMAC-SM3 code proofs). */
    @FuzzTest(maxDuration = "60s")
    void openFormat2Suite2(byte[] envelope) throws Exception {
        assertOpensOnlyWhatWasSealed(format2Suite2, envelope);
    }

    private static void assertOpensOnlyWhatWasSealed(Registry registry, byte[] envelope) throws Exception {
        try (OpenedEnvelope opened = registry.opener().open(new ByteArrayInputStream(envelope))) {
            assertTrue(registry.acceptable().contains(opened.binding()), "an envelope the station never sealed "
                    + "opened: " + opened.binding());
            byte[] photo = opened.openPhoto().readAllBytes();
            assertEquals(opened.binding().photoLength(), photo.length);
            assertArrayEquals(opened.binding().photoDigest(),
                    Suite.byId(opened.binding().suiteId()).photoDigest().digest(photo));
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

    private static Binding bindingOf(EnvelopeOpener opener, Path file) throws Exception {
        try (OpenedEnvelope opened = opener.open(Files.newInputStream(file))) {
            return opened.binding();
        }
    }
}
