package dev.codebound.agent.upload;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket limiting the bytes per second written into request bodies ({@code --limit-rate}),
 * shared by all parallel uploads so that the limit is the station's total. The bucket holds at most
 * one second of tokens; a caller that takes more than are available goes into debt and sleeps until
 * the debt is paid, which keeps callers in order without holding a lock while sleeping.
 */
public final class RateLimiter {
    private static final RateLimiter UNLIMITED = new RateLimiter(0, System::nanoTime, Sleeper.system());

    private final long bytesPerSecond;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private double tokens;
    private long lastRefill;

    private RateLimiter(long bytesPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        this.bytesPerSecond = bytesPerSecond;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.tokens = bytesPerSecond;
        this.lastRefill = nanoTime.getAsLong();
    }

    /** No limit. */
    public static RateLimiter unlimited() {
        return UNLIMITED;
    }

    /**
     * A limit of {@code bytesPerSecond} (greater than zero).
     *
     * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime} in production)
     * @param sleeper  how to wait
     */
    public static RateLimiter of(long bytesPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("rate limit must be positive");
        }
        return new RateLimiter(bytesPerSecond, nanoTime, sleeper);
    }

    /** The limit in bytes per second, or 0 when unlimited. */
    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Blocks until {@code bytes} may be sent. */
    public void acquire(long bytes) throws InterruptedException {
        if (bytesPerSecond == 0 || bytes <= 0) {
            return;
        }
        double debt;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            tokens = Math.min(bytesPerSecond, tokens + (now - lastRefill) * bytesPerSecond / 1e9);
            lastRefill = now;
            tokens -= bytes;
            debt = -tokens;
        }
        if (debt > 0) {
            sleeper.sleep(Duration.ofNanos((long) Math.ceil(debt * 1e9 / bytesPerSecond)));
        }
    }
}
