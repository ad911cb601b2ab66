package dev.codebound.server.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz test for the registry's parsing of the tus integer headers {@code Upload-Offset} and
 * {@code Upload-Length}, which arrive from the internet (docs/security-fuzzing.md).
 * {@code Upload-Metadata} and {@code Upload-Checksum} are fuzzed where they are parsed, in the
 * protocol module ({@code WireFuzzTest}).
 */
class TusHeadersFuzzTest {
    /**
     * Only a Refusal (a 400 problem) escapes; what parses is a non-negative long whose decimal text
     * is the header without leading zeros.
     */
    @FuzzTest(maxDuration = "60s")
    void integerHeader(byte[] input) {
        // Netty hands header values over as Latin-1 text: one char per byte.
        String value = new String(input, StandardCharsets.ISO_8859_1);
        for (String header : new String[] {Tus.UPLOAD_OFFSET, Tus.UPLOAD_LENGTH}) {
            long parsed;
            try {
                parsed = TusHeaders.nonNegative(value, header, ProblemType.MISSING_UPLOAD_LENGTH,
                        ProblemType.INVALID_UPLOAD_LENGTH, "/files/fuzz");
            } catch (Refusal refusal) {
                assertEquals(400, refusal.problem().status());
                continue;
            }
            assertTrue(parsed >= 0);
            String canonical = value.replaceFirst("^0+(?=.)", "");
            assertEquals(canonical, Long.toString(parsed));
        }
    }
}
