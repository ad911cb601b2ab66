package dev.codebound.agent.upload;

import java.time.Duration;

/** Waits; injectable so that tests of backoff and rate limiting run without real sleeping. */
@FunctionalInterface
public interface Sleeper {
    /** Waits {@code duration} (nothing when zero or negative). */
    void sleep(Duration duration) throws InterruptedException;

    /** Real sleeping with {@link Thread#sleep}. */
    static Sleeper system() {
        return duration -> {
            if (!duration.isNegative() && !duration.isZero()) {
                Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
            }
        };
    }
}
