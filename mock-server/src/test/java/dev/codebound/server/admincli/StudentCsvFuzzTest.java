package dev.codebound.server.admincli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;

/**
 * Fuzz test for the admin CLI's check of a student list before {@code codes batch} sends it
 * (docs/security-fuzzing.md). Seeds: the lists of docs/admin-cli.md and the CLI tests' mistakes.
 */
class StudentCsvFuzzTest {
    /**
     * Only {@link AdminFailure} escapes, with exit code 3 and a message naming the file; a list that
     * passes names at least one student, each once.
     */
    @FuzzTest(maxDuration = "60s")
    void studentNumbers(byte[] input) {
        List<String> numbers;
        try {
            numbers = StudentCsv.studentNumbers(new StringReader(new String(input, StandardCharsets.UTF_8)),
                    "students.csv");
        } catch (AdminFailure failure) {
            assertEquals(AdminExitCodes.INPUT, failure.exitCode());
            assertTrue(failure.getMessage().contains("students.csv") || failure.getMessage().contains("problem(s)"),
                    failure.getMessage());
            return;
        }
        assertFalse(numbers.isEmpty());
        assertEquals(numbers.size(), new HashSet<>(numbers).size(), "a student number passes only once");
    }
}
