package dev.codebound.agent.upload;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import okhttp3.HttpUrl;

/**
 * Everything the {@link Uploader} needs besides the HTTP client and the spool. Immutable; build
 * with {@link #builder(HttpUrl)}. Time, sleeping and randomness are injectable for tests.
 */
public final class UploadConfig {
    /** Default PATCH chunk: 1 MiB, a few seconds on a poor uplink, so a drop re-sends little. */
    public static final int DEFAULT_CHUNK_SIZE = 1024 * 1024;
    /** Default size up to which an envelope travels in its creation request (typical photos are 20–40 KB). */
    public static final int DEFAULT_CREATION_WITH_UPLOAD_LIMIT = 64 * 1024;
    /** Default slowest body rate a request's deadline allows for: a 1 MiB chunk gets 256 s more. */
    public static final long DEFAULT_MIN_RATE = 4 * 1024;

    private final HttpUrl endpoint;
    private final int chunkSize;
    private final int creationWithUploadLimit;
    private final int parallelism;
    private final RetryPolicy retryPolicy;
    private final UploadWindow window;
    private final long rateLimit;
    private final Duration runDeadline;
    private final Duration callTimeout;
    private final long minRate;
    private final String devStationId;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final LongSupplier nanoTime;

    private UploadConfig(Builder builder) {
        this.endpoint = builder.endpoint;
        this.chunkSize = builder.chunkSize;
        this.creationWithUploadLimit = builder.creationWithUploadLimit;
        this.parallelism = builder.parallelism;
        this.retryPolicy = builder.retryPolicy;
        this.window = builder.window;
        this.rateLimit = builder.rateLimit;
        this.runDeadline = builder.runDeadline;
        this.callTimeout = builder.callTimeout;
        this.minRate = builder.minRate;
        this.devStationId = builder.devStationId;
        this.clock = builder.clock;
        this.sleeper = builder.sleeper;
        this.random = builder.random;
        this.nanoTime = builder.nanoTime;
    }

    /** A builder for uploads to the tus collection at {@code endpoint} (e.g. {@code https://registry/files/}). */
    public static Builder builder(HttpUrl endpoint) {
        return new Builder(endpoint);
    }

    /** The tus creation endpoint. */
    public HttpUrl endpoint() {
        return endpoint;
    }

    /** Bytes per PATCH request. */
    public int chunkSize() {
        return chunkSize;
    }

    /** Envelopes up to this size are sent in the creation request itself; 0 disables it. */
    public int creationWithUploadLimit() {
        return creationWithUploadLimit;
    }

    /** Entries uploaded at once. */
    public int parallelism() {
        return parallelism;
    }

    /** When and how often to retry transient failures. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** The daily hours in which new entries may start. */
    public UploadWindow window() {
        return window;
    }

    /** The total request-body rate limit in bytes per second; 0 means none. */
    public long rateLimit() {
        return rateLimit;
    }

    /** How long one run may start new attempts; {@code null} means no deadline. */
    public Duration runDeadline() {
        return runDeadline;
    }

    /**
     * The deadline of one request whose body is empty or small; a request carrying a body gets
     * this plus the time to send the body at {@link #minRate()}.
     */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** The slowest sending rate, in bytes per second, that a request body is given time for. */
    public long minRate() {
        return minRate;
    }

    /**
     * The station id sent as {@code Codebound-Dev-Station} to a registry in plain development mode,
     * where it stands in for a client certificate; {@code null} in production (mutual TLS).
     */
    public String devStationId() {
        return devStationId;
    }

    /** The wall clock: windows, deadlines, next attempt times (its zone is the window's zone). */
    public Clock clock() {
        return clock;
    }

    /** How backoff and rate limiting wait. */
    public Sleeper sleeper() {
        return sleeper;
    }

    /** Randomness for backoff jitter. */
    public RandomGenerator random() {
        return random;
    }

    /** A monotonic nanosecond clock for rates and the rate limiter. */
    public LongSupplier nanoTime() {
        return nanoTime;
    }

    /** Builds an {@link UploadConfig}. */
    public static final class Builder {
        private final HttpUrl endpoint;
        private int chunkSize = DEFAULT_CHUNK_SIZE;
        private int creationWithUploadLimit = DEFAULT_CREATION_WITH_UPLOAD_LIMIT;
        private int parallelism = 2;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private UploadWindow window = UploadWindow.always();
        private long rateLimit;
        private Duration runDeadline;
        private Duration callTimeout = Duration.ofMinutes(1);
        private long minRate = DEFAULT_MIN_RATE;
        private String devStationId;
        private Clock clock = Clock.systemDefaultZone();
        private Sleeper sleeper = Sleeper.system();
        private RandomGenerator random = new java.security.SecureRandom();
        private LongSupplier nanoTime = System::nanoTime;

        private Builder(HttpUrl endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        }

        /** Bytes per PATCH (default 1 MiB, at least 1 KiB). */
        public Builder chunkSize(int value) {
            if (value < 1024) {
                throw new IllegalArgumentException("chunk size must be at least 1 KiB");
            }
            this.chunkSize = value;
            return this;
        }

        /** Largest envelope sent in the creation request (default 64 KiB; 0 disables). */
        public Builder creationWithUploadLimit(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("creation-with-upload limit must not be negative");
            }
            this.creationWithUploadLimit = value;
            return this;
        }

        /** Entries uploaded at once (default 2). */
        public Builder parallelism(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1");
            }
            this.parallelism = value;
            return this;
        }

        /** Retry policy (default {@link RetryPolicy#defaults()}). */
        public Builder retryPolicy(RetryPolicy value) {
            this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
            return this;
        }

        /** Daily hours for starting entries (default: always). */
        public Builder window(UploadWindow value) {
            this.window = Objects.requireNonNull(value, "window");
            return this;
        }

        /** Total bytes per second over all uploads (default 0: unlimited). */
        public Builder rateLimit(long bytesPerSecond) {
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("rate limit must not be negative");
            }
            this.rateLimit = bytesPerSecond;
            return this;
        }

        /** How long a run may keep starting attempts (default: no deadline). */
        public Builder runDeadline(Duration value) {
            this.runDeadline = value;
            return this;
        }

        /** Deadline of a request without a (large) body (default 1 min; must be positive). */
        public Builder callTimeout(Duration value) {
            Objects.requireNonNull(value, "callTimeout");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("call timeout must be positive");
            }
            this.callTimeout = value;
            return this;
        }

        /** Slowest body rate given time for, in bytes per second (default 4 KiB/s; at least 1). */
        public Builder minRate(long bytesPerSecond) {
            if (bytesPerSecond < 1) {
                throw new IllegalArgumentException("minimum rate must be at least 1 byte per second");
            }
            this.minRate = bytesPerSecond;
            return this;
        }

        /** Development mode only: the station id to send instead of a client certificate. */
        public Builder devStationId(String value) {
            this.devStationId = value;
            return this;
        }

        /** Wall clock for windows, deadlines and records (its zone is the window's zone). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** How to wait (default {@link Sleeper#system()}). */
        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value, "sleeper");
            return this;
        }

        /** Randomness for backoff jitter. */
        public Builder random(RandomGenerator value) {
            this.random = Objects.requireNonNull(value, "random");
            return this;
        }

        /** Monotonic nanosecond clock for rates (default {@code System::nanoTime}). */
        public Builder nanoTime(LongSupplier value) {
            this.nanoTime = Objects.requireNonNull(value, "nanoTime");
            return this;
        }

        /** The immutable configuration. */
        public UploadConfig build() {
            return new UploadConfig(this);
        }
    }
}
