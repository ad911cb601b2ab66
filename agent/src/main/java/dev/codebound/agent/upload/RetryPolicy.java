package dev.codebound.agent.upload;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When to try again after a transient failure: exponential backoff with full jitter (a uniformly
 * random wait between zero and {@code min(maxDelay, initialDelay × 2^(failures-1))}), so that many
 * stations knocked off by the same outage do not return in lockstep. A server's {@code Retry-After}
 * replaces the jittered wait, bounded by {@link #maxRetryAfter()} so that a wrong header cannot
 * park an entry for days. Immutable; build with {@link #builder()}.
 */
public final class RetryPolicy {
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final Duration maxRetryAfter;
    private final int maxAttempts;

    private RetryPolicy(Builder builder) {
        this.initialDelay = builder.initialDelay;
        this.maxDelay = builder.maxDelay;
        this.maxRetryAfter = builder.maxRetryAfter;
        this.maxAttempts = builder.maxAttempts;
    }

    /** Defaults: 1 s initial, 5 min cap, Retry-After honoured up to 1 h, 8 attempts per entry per run. */
    public static RetryPolicy defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this policy. */
    public Builder newBuilder() {
        return new Builder().initialDelay(initialDelay).maxDelay(maxDelay).maxRetryAfter(maxRetryAfter)
                .maxAttempts(maxAttempts);
    }

    /** The ceiling of the jittered wait after the {@code failures}-th consecutive failure (1-based). */
    public Duration ceiling(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1");
        }
        int doublings = Math.min(failures - 1, 62);
        long nanos = initialDelay.toNanos();
        long capped = maxDelay.toNanos();
        long ceiling = doublings >= Long.numberOfLeadingZeros(nanos) - 1 ? capped : Math.min(capped, nanos << doublings);
        return Duration.ofNanos(ceiling);
    }

    /**
     * The wait before the next attempt after the {@code failures}-th consecutive failure.
     *
     * @param retryAfter the server's Retry-After, or {@code null}
     */
    public Duration delay(int failures, Duration retryAfter, RandomGenerator random) {
        if (retryAfter != null) {
            return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
        }
        long ceiling = ceiling(failures).toNanos();
        return Duration.ofNanos(ceiling == 0 ? 0 : random.nextLong(ceiling + 1));
    }

    /** Whether another attempt is allowed after {@code failures} consecutive failures in this run. */
    public boolean allowsAnotherAttempt(int failures) {
        return failures < maxAttempts;
    }

    /** Ceiling of the first jittered wait. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** Largest jittered wait. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** Longest server-requested wait honoured as such. */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /** Attempts per entry per run, counting the first. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Builds a {@link RetryPolicy}. */
    public static final class Builder {
        private Duration initialDelay = Duration.ofSeconds(1);
        private Duration maxDelay = Duration.ofMinutes(5);
        private Duration maxRetryAfter = Duration.ofHours(1);
        private int maxAttempts = 8;

        private Builder() {}

        /** The ceiling of the first wait (default 1 s). */
        public Builder initialDelay(Duration value) {
            this.initialDelay = nonNegative(value, "initialDelay");
            return this;
        }

        /** The largest jittered wait (default 5 min). */
        public Builder maxDelay(Duration value) {
            this.maxDelay = nonNegative(value, "maxDelay");
            return this;
        }

        /** The longest server-requested wait honoured as such (default 1 h). */
        public Builder maxRetryAfter(Duration value) {
            this.maxRetryAfter = nonNegative(value, "maxRetryAfter");
            return this;
        }

        /** Attempts per entry per run, counting the first (default 8). */
        public Builder maxAttempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = value;
            return this;
        }

        /** The immutable policy; fails when {@code maxDelay < initialDelay}. */
        public RetryPolicy build() {
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("maxDelay must not be less than initialDelay");
            }
            return new RetryPolicy(this);
        }

        private static Duration nonNegative(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative");
            }
            return value;
        }
    }
}
