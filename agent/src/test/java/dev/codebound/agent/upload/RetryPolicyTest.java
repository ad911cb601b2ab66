package dev.codebound.agent.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = RetryPolicy.builder().initialDelay(Duration.ofSeconds(1))
            .maxDelay(Duration.ofSeconds(60)).maxRetryAfter(Duration.ofMinutes(10)).maxAttempts(4).build();

    @Test
    void ceilingDoublesFromTheInitialDelayUpToTheCap() {
        assertEquals(Duration.ofSeconds(1), policy.ceiling(1));
        assertEquals(Duration.ofSeconds(2), policy.ceiling(2));
        assertEquals(Duration.ofSeconds(32), policy.ceiling(6));
        assertEquals(Duration.ofSeconds(60), policy.ceiling(7));
        assertEquals(Duration.ofSeconds(60), policy.ceiling(1_000), "no overflow for huge failure counts");
    }

    @Test
    void fullJitterStaysWithinZeroAndTheCeilingAndSpreadsOverIt() {
        SplittableRandom random = new SplittableRandom(42);
        for (int failures = 1; failures <= 10; failures++) {
            Duration ceiling = policy.ceiling(failures);
            Duration smallest = ceiling;
            Duration largest = Duration.ZERO;
            for (int i = 0; i < 2_000; i++) {
                Duration delay = policy.delay(failures, null, random);
                assertFalse(delay.isNegative(), "never negative");
                assertTrue(delay.compareTo(ceiling) <= 0, "never above the ceiling " + ceiling + ": " + delay);
                smallest = delay.compareTo(smallest) < 0 ? delay : smallest;
                largest = delay.compareTo(largest) > 0 ? delay : largest;
            }
            assertTrue(smallest.toNanos() < ceiling.toNanos() / 10, "full jitter reaches near zero");
            assertTrue(largest.toNanos() > ceiling.toNanos() * 9 / 10, "full jitter reaches near the ceiling");
        }
    }

    @Test
    void retryAfterReplacesTheJitterAndIsCapped() {
        SplittableRandom random = new SplittableRandom(1);
        assertEquals(Duration.ofSeconds(7), policy.delay(1, Duration.ofSeconds(7), random));
        assertEquals(Duration.ofMinutes(5), policy.delay(9, Duration.ofMinutes(5), random),
                "a server's wait longer than maxDelay is still honoured");
        assertEquals(Duration.ofMinutes(10), policy.delay(1, Duration.ofDays(3), random),
                "but not beyond maxRetryAfter");
    }

    @Test
    void attemptsAreCountedPerRun() {
        assertTrue(policy.allowsAnotherAttempt(3));
        assertFalse(policy.allowsAnotherAttempt(4));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().maxAttempts(0));
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().initialDelay(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder()
                .initialDelay(Duration.ofMinutes(2)).maxDelay(Duration.ofMinutes(1)).build());
    }
}
