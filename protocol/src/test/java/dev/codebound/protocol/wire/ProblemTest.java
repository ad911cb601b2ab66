package dev.codebound.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProblemTest {
    @Test
    void aProblemRoundTrips() throws WireFormatException {
        Problem problem = Problem.of(422, "BAD_SIGNATURE", "Bad signature", "altered", "/files/x");
        assertEquals(problem, Problem.fromJson(problem.toJson()));
    }

    /**
     * Found by WireFuzzTest.problem in 7 s: the body {@code null} parsed to a null Problem, which the
     * agent's tus client then dereferenced (an answer from a proxy or a broken registry crashed the upload).
     */
    @Test
    void theJsonLiteralNullIsNotAProblem() {
        assertThrows(WireFormatException.class, () -> Problem.fromJson("null".getBytes(StandardCharsets.US_ASCII)));
    }
}
