package dev.codebound.agent.upload;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;

/**
 * Fuzz test for the agent's reading of the registry's {@code Retry-After} header, which decides how
 * long an upload waits (docs/security-fuzzing.md). A registry, or anything between it and the
 * station, must not be able to crash an upload or make it wait longer than the policy allows.
 * Seeds: the header forms of RFC 9110 and of {@code RetryAfterTest}.
 */
class RetryAfterFuzzTest {
    private static final Instant NOW = Instant.parse("2026-06-01T22:00:00Z");
    private static final RetryPolicy POLICY = RetryPolicy.defaults();

    /**
     * Nothing escapes (a malformed header is no header); the delay the retry policy draws from it is
     * never negative and never above the policy's cap.
     */
    @FuzzTest(maxDuration = "60s")
    void header(byte[] input) {
        // OkHttp reads a response's header lines as UTF-8.
        String header = new String(input, StandardCharsets.UTF_8);
        Optional<Duration> wait = RetryAfter.parse(header, NOW);
        wait.ifPresent(duration -> assertFalse(duration.isNegative()));
        Duration delay = POLICY.delay(1, wait.orElse(null), new Random(0));
        assertFalse(delay.isNegative());
        assertTrue(delay.compareTo(POLICY.delay(1, Duration.ofDays(365_000), new Random(0))) <= 0);
    }
}
