package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * Fuzz test for the student list of {@code POST /admin/v1/codes/batch} (docs/security-fuzzing.md):
 * the registry reads it with Commons CSV before issuing anything. Seeds: the lists of
 * docs/registry-api.md and docs/admin-cli.md and the batch tests' mistakes.
 */
class CodeBatchFuzzTest {
    private static final CodeBook BOOK = new CodeBook(null, null,
            Clock.fixed(Instant.parse("2027-05-01T00:00:00Z"), ZoneOffset.UTC));

    /**
     * Only a refusal escapes, and only as 400 CSV_INVALID or 413 CSV_TOO_MANY_ROWS with a reason
     * (anything else would answer the integrator 500); a list that parses has between one and
     * {@code MAX_BATCH} rows, each valid for at least a moment.
     */
    @FuzzTest(maxDuration = "60s")
    void parseBatch(byte[] input) {
        List<CodeBook.CodeRequest> requests;
        try {
            requests = BOOK.parseBatch(new String(input, StandardCharsets.UTF_8));
        } catch (Refusal refusal) {
            assertTrue(Set.of(ProblemType.CSV_INVALID, ProblemType.CSV_TOO_MANY_ROWS).contains(refusal.type()),
                    "refused as " + refusal.type());
            assertFalse(refusal.getMessage().isBlank());
            return;
        }
        assertFalse(requests.isEmpty());
        assertTrue(requests.size() <= CodeBook.MAX_BATCH);
        for (CodeBook.CodeRequest request : requests) {
            assertTrue(request.notAfter().isAfter(request.notBefore()));
        }
    }
}
