package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs EnvelopeFuzzTest found, kept as plain tests with the outcome each must have. */
class EnvelopeFuzzFindingsTest {
    private static final Path VECTORS = Path.of("src/test/resources/vectors/envelope");
    private static final Path FOUND = Path.of("src/test/resources/dev/codebound/protocol/envelope/EnvelopeFuzzTestInputs/open");

    @TempDir
    Path temp;

    /**
     * An oversized element inside the signed content, met while Bouncy Castle reads ahead to the
     * content: the framing check's IOException came back wrapped in an IllegalStateException and
     * escaped EnvelopeOpener.open.
     */
    @Test
    void anOversizedElementBeforeTheContentIsMalformed() throws Exception {
        byte[] envelope = Files.readAllBytes(FOUND.resolve("crash-767790af2ef6795637f63b0c3fb7dc65c92513df"));
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> opener().open(new ByteArrayInputStream(envelope)));
        assertEquals(EnvelopeException.Reason.MALFORMED, e.reason(), e.getMessage());
    }

    /**
     * A SignedData whose version is an INTEGER beyond int range (found by the long campaign of
     * issue 18, after about 1.4 million executions): Bouncy Castle's getVersion threw
     * ArithmeticException out of EnvelopeOpener.open, and the registry reported its own storage
     * failure for a malformed upload.
     */
    @Test
    void aSignedDataVersionBeyondIntRangeIsMalformed() throws Exception {
        byte[] envelope = Files.readAllBytes(FOUND.resolve("crash-e40638db68731035388d5270c5ba0f76c30b28c9"));
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> opener().open(new ByteArrayInputStream(envelope)));
        assertEquals(EnvelopeException.Reason.MALFORMED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("the SignedData version"), e.getMessage());
    }

    private EnvelopeOpener opener() throws Exception {
        return EnvelopeOpener.builder(EnvelopeVectorGenerator.bundle(VECTORS))
                .recipient(EnvelopeVectorGenerator.encryptionKey(VECTORS))
                .clock(Clock.fixed(Instant.parse("2026-06-15T09:35:00Z"), ZoneOffset.UTC))
                .temporaryDirectory(temp).build();
    }
}
