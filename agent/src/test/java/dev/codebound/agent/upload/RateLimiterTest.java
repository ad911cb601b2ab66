package dev.codebound.agent.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.testing.FakeTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final FakeTime time = new FakeTime(Instant.EPOCH);

    @Test
    void sustainedRateIsTheLimitAfterTheOneSecondBurst() throws InterruptedException {
        RateLimiter limiter = RateLimiter.of(10_000, time::nanoTime, time.sleeper());
        for (int i = 0; i < 60; i++) {
            limiter.acquire(1_000);
        }
        // 60 000 bytes at 10 000 B/s with a 10 000-byte initial burst: 5 seconds.
        long elapsedMillis = time.nanoTime() / 1_000_000;
        assertTrue(elapsedMillis >= 4_990 && elapsedMillis <= 5_010, "elapsed " + elapsedMillis + " ms");
    }

    @Test
    void idleTimeRefillsAtMostOneSecondOfTokens() throws InterruptedException {
        RateLimiter limiter = RateLimiter.of(1_000, time::nanoTime, time.sleeper());
        time.advance(Duration.ofHours(1));
        limiter.acquire(1_000);
        assertTrue(time.sleeps().isEmpty(), "a full bucket pays for one second at once");
        limiter.acquire(500);
        assertEquals(Duration.ofMillis(500), time.sleeps().get(0), "but no more than one second was saved up");
    }

    @Test
    void unlimitedNeverWaits() throws InterruptedException {
        RateLimiter.unlimited().acquire(Long.MAX_VALUE);
        assertEquals(0, RateLimiter.unlimited().bytesPerSecond());
    }

    @Test
    void rejectsNonPositiveRates() {
        assertThrows(IllegalArgumentException.class, () -> RateLimiter.of(0, time::nanoTime, time.sleeper()));
    }
}
