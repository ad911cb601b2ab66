package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    private EnvelopeOpener opener() throws Exception {
        return EnvelopeOpener.builder(EnvelopeVectorGenerator.bundle(VECTORS))
                .recipient(EnvelopeVectorGenerator.encryptionKey(VECTORS))
                .clock(Clock.fixed(Instant.parse("2026-06-15T09:35:00Z"), ZoneOffset.UTC))
                .temporaryDirectory(temp).build();
    }
}
