package dev.codebound.server;

import dev.codebound.server.faults.FaultPlan;
import dev.codebound.server.http.ClientLimits;
import dev.codebound.server.postgres.SharedStorageSettings;
import dev.codebound.server.upload.CompletionHandler;
import dev.codebound.server.upload.UploadRetention;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything a {@link MockRegistry} needs to start: an immutable value made with {@link #builder()}.
 * Every setting has a default that suits a developer's machine.
 */
public final class MockRegistryConfig {
    /** Default {@code Tus-Max-Size}: 2 GiB, above the largest envelope (1 GiB) with room to spare. */
    public static final long DEFAULT_MAX_UPLOAD_SIZE = 2L << 30;
    public static final int DEFAULT_MAX_UNFINISHED_UPLOADS_PER_STATION = 100;
    /**
     * Default minimum body rate: 4 KiB/s, a sixteenth of a slow 64 KiB/s station link (or of two
     * parallel uploads sharing it), yet a client trickling a byte every few seconds is cut within
     * one rate window.
     */
    public static final long DEFAULT_MIN_BODY_RATE = 4 * 1024;
    /**
     * Default body deadline: 12 h, more than the largest upload ({@link #DEFAULT_MAX_UPLOAD_SIZE})
     * takes in one request at 64 KiB/s (about 9.1 h).
     */
    public static final Duration DEFAULT_BODY_DEADLINE = Duration.ofHours(12);
    /**
     * Default cap on open connections per client address: 64, far above what a station opens (its
     * uploader uses 2 in parallel) and above the 50 slow connections plus honest clients of this
     * project's own hostile-client tests, all from 127.0.0.1. Raise it when many stations share one
     * address (a school's NAT).
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;
    /** The envelope suites a registry accepts unless told otherwise: both, 1 (P-256) and 2 (SM2). */
    public static final Set<Integer> DEFAULT_ACCEPTED_SUITES = Set.of(1, 2);

    private final String bindAddress;
    private final int port;
    private final Path dataDir;
    private final Path keysDir;
    private final SharedStorageSettings sharedStorage;
    private final boolean tls;
    private final TlsEngine tlsEngine;
    private final Long seed;
    private final FaultPlan faultPlan;
    private final long maxUploadSize;
    private final int maxUnfinishedUploadsPerStation;
    private final Duration uploadExpiry;
    private final Duration expiryCheckInterval;
    private final UploadRetention uploadRetention;
    private final Duration headerTimeout;
    private final Duration bodyIdleTimeout;
    private final long minBodyRate;
    private final Duration bodyRateWindow;
    private final Duration bodyDeadline;
    private final int maxConnectionsPerAddress;
    private final int storageThreads;
    private final int eventLoopThreads;
    private final int bufferedBytesPerRequest;
    private final int journalCapacity;
    private final Set<Integer> acceptedSuites;
    private final int codeSuite;
    private final CompletionHandler completionHandler;
    private final Clock clock;

    private MockRegistryConfig(Builder builder) {
        this.bindAddress = builder.bindAddress;
        this.port = builder.port;
        this.dataDir = builder.dataDir;
        this.keysDir = builder.keysDir;
        this.sharedStorage = builder.sharedStorage;
        this.tls = builder.tls;
        this.tlsEngine = builder.tlsEngine;
        this.seed = builder.seed;
        this.faultPlan = builder.faultPlan;
        this.maxUploadSize = builder.maxUploadSize;
        this.maxUnfinishedUploadsPerStation = builder.maxUnfinishedUploadsPerStation;
        this.uploadExpiry = builder.uploadExpiry;
        this.expiryCheckInterval = builder.expiryCheckInterval;
        this.uploadRetention = builder.uploadRetention;
        this.headerTimeout = builder.headerTimeout;
        this.bodyIdleTimeout = builder.bodyIdleTimeout;
        this.minBodyRate = builder.minBodyRate;
        this.bodyRateWindow = builder.bodyRateWindow;
        this.bodyDeadline = builder.bodyDeadline;
        this.maxConnectionsPerAddress = builder.maxConnectionsPerAddress;
        this.storageThreads = builder.storageThreads;
        this.eventLoopThreads = builder.eventLoopThreads;
        this.bufferedBytesPerRequest = builder.bufferedBytesPerRequest;
        this.journalCapacity = builder.journalCapacity;
        this.acceptedSuites = builder.acceptedSuites;
        this.codeSuite = builder.codeSuite;
        if (!acceptedSuites.contains(codeSuite)) {
            throw new IllegalArgumentException("the code suite (" + codeSuite + ") must be one of the accepted suites "
                    + new TreeSet<>(acceptedSuites) + ": stations verify codes with the bundle's keys");
        }
        this.completionHandler = builder.completionHandler;
        this.clock = builder.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with this configuration's values (e.g. to restart over the same data dir). */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.bindAddress = bindAddress;
        builder.port = port;
        builder.dataDir = dataDir;
        builder.keysDir = keysDir;
        builder.sharedStorage = sharedStorage;
        builder.tls = tls;
        builder.tlsEngine = tlsEngine;
        builder.seed = seed;
        builder.faultPlan = faultPlan;
        builder.maxUploadSize = maxUploadSize;
        builder.maxUnfinishedUploadsPerStation = maxUnfinishedUploadsPerStation;
        builder.uploadExpiry = uploadExpiry;
        builder.expiryCheckInterval = expiryCheckInterval;
        builder.uploadRetention = uploadRetention;
        builder.headerTimeout = headerTimeout;
        builder.bodyIdleTimeout = bodyIdleTimeout;
        builder.minBodyRate = minBodyRate;
        builder.bodyRateWindow = bodyRateWindow;
        builder.bodyDeadline = bodyDeadline;
        builder.maxConnectionsPerAddress = maxConnectionsPerAddress;
        builder.storageThreads = storageThreads;
        builder.eventLoopThreads = eventLoopThreads;
        builder.bufferedBytesPerRequest = bufferedBytesPerRequest;
        builder.journalCapacity = journalCapacity;
        builder.acceptedSuites = acceptedSuites;
        builder.codeSuite = codeSuite;
        builder.completionHandler = completionHandler;
        builder.clock = clock;
        return builder;
    }

    /** The address to listen on (default {@code 127.0.0.1}); plain mode accepts only loopback addresses. */
    public String bindAddress() {
        return bindAddress;
    }

    /** The port (default 8443); 0 picks a free one, see {@link MockRegistry#port()}. */
    public int port() {
        return port;
    }

    /** Where keys, uploads and the admin token live (default {@code ./codebound-registry}). */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Where the registry's keys live (the keyring and the TLS server certificate): by default
     * {@code <data-dir>/keys}; the nodes of one registry share one directory.
     */
    public Path keysDir() {
        return keysDir != null ? keysDir : dataDir.resolve("keys");
    }

    /**
     * The database and object store this node shares with the other nodes of its registry, when it
     * is one of several; empty for the embedded stores under the data directory (the default).
     */
    public Optional<SharedStorageSettings> sharedStorage() {
        return Optional.ofNullable(sharedStorage);
    }

    /** Mutual TLS (default) or plain HTTP for development on loopback. */
    public boolean tls() {
        return tls;
    }

    /** Which TLS implementation serves TLS mode (default {@link TlsEngine#AUTO}). */
    public TlsEngine tlsEngine() {
        return tlsEngine;
    }

    /** The seed for the fault injector, when one was given; otherwise the server draws one and reports it. */
    public Optional<Long> seed() {
        return Optional.ofNullable(seed);
    }

    /** The faults injected from the start (default none); replaceable at runtime through {@code /admin/faults}. */
    public FaultPlan faultPlan() {
        return faultPlan;
    }

    /** The largest upload accepted ({@code Tus-Max-Size}; default 2 GiB). */
    public long maxUploadSize() {
        return maxUploadSize;
    }

    /**
     * How many unfinished uploads (created, not yet complete, not expired) one station may hold at
     * once (default {@value #DEFAULT_MAX_UNFINISHED_UPLOADS_PER_STATION}); one more creation is
     * refused with {@code 429 UNFINISHED_UPLOAD_QUOTA}.
     */
    public int maxUnfinishedUploadsPerStation() {
        return maxUnfinishedUploadsPerStation;
    }

    /** How long an unfinished upload lives after its creation or last chunk (default 24 h). */
    public Duration uploadExpiry() {
        return uploadExpiry;
    }

    /** How often the upload retention policy is applied (expired and finished uploads deleted; default 1 min). */
    public Duration expiryCheckInterval() {
        return expiryCheckInterval;
    }

    /** How long expired, rejected and accepted uploads are kept (default {@link UploadRetention#DEFAULT}). */
    public UploadRetention uploadRetention() {
        return uploadRetention;
    }

    /**
     * Time allowed for a request's head to arrive (from the end of the TLS handshake or the previous
     * answer), for an idle keep-alive connection and for the TLS handshake (default 30 s).
     */
    public Duration headerTimeout() {
        return headerTimeout;
    }

    /** Longest silence allowed while a body is arriving (default 60 s). */
    public Duration bodyIdleTimeout() {
        return bodyIdleTimeout;
    }

    /**
     * The fewest body bytes per second a client must average over each {@link #bodyRateWindow()}
     * (default {@value #DEFAULT_MIN_BODY_RATE}); a slower body is answered {@code 408 BODY_TOO_SLOW}.
     */
    public long minBodyRate() {
        return minBodyRate;
    }

    /** The span over which the body rate is averaged, and the grace before it counts (default 30 s). */
    public Duration bodyRateWindow() {
        return bodyRateWindow;
    }

    /** The longest one request's body may take in all (default 12 h); then {@code 408 BODY_DEADLINE_EXCEEDED}. */
    public Duration bodyDeadline() {
        return bodyDeadline;
    }

    /**
     * Open connections one client address may hold (default
     * {@value #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}); more are closed as soon as they are accepted.
     */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** The limits above, as the connection pipeline takes them. */
    public ClientLimits clientLimits() {
        return new ClientLimits(headerTimeout, bodyIdleTimeout, minBodyRate, bodyRateWindow, bodyDeadline,
                maxConnectionsPerAddress);
    }

    /** Threads for disk writes, fsync and hashing (default 4). */
    public int storageThreads() {
        return storageThreads;
    }

    /** Netty event-loop threads (default 2). */
    public int eventLoopThreads() {
        return eventLoopThreads;
    }

    /** Body bytes one request may have queued for disk before reading pauses (default 1 MiB). */
    public int bufferedBytesPerRequest() {
        return bufferedBytesPerRequest;
    }

    /** How many recent requests {@code /admin/journal} keeps (default 1000). */
    public int journalCapacity() {
        return journalCapacity;
    }

    /** The envelope suites the registry accepts and lists in its trust bundle (default 1 and 2). */
    public Set<Integer> acceptedSuites() {
        return acceptedSuites;
    }

    /**
     * The suite of the collection codes the registry issues (default 1): 1 signs with ECDSA P-256 and
     * seals identities with P-256 and AES-256-GCM, 2 signs with SM2 and seals with SM2 and SM4-GCM.
     */
    public int codeSuite() {
        return codeSuite;
    }

    /** The completion handler, when one was given; otherwise the registry's envelope acceptance. */
    public Optional<CompletionHandler> completionHandler() {
        return Optional.ofNullable(completionHandler);
    }

    public Clock clock() {
        return clock;
    }

    /** Builds a {@link MockRegistryConfig}; every setter validates its argument at once. */
    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int port = 8443;
        private Path dataDir = Path.of("codebound-registry");
        private Path keysDir;
        private SharedStorageSettings sharedStorage;
        private boolean tls = true;
        private TlsEngine tlsEngine = TlsEngine.AUTO;
        private Long seed;
        private FaultPlan faultPlan = FaultPlan.NONE;
        private long maxUploadSize = DEFAULT_MAX_UPLOAD_SIZE;
        private int maxUnfinishedUploadsPerStation = DEFAULT_MAX_UNFINISHED_UPLOADS_PER_STATION;
        private Duration uploadExpiry = Duration.ofHours(24);
        private Duration expiryCheckInterval = Duration.ofMinutes(1);
        private UploadRetention uploadRetention = UploadRetention.DEFAULT;
        private Duration headerTimeout = Duration.ofSeconds(30);
        private Duration bodyIdleTimeout = Duration.ofSeconds(60);
        private long minBodyRate = DEFAULT_MIN_BODY_RATE;
        private Duration bodyRateWindow = Duration.ofSeconds(30);
        private Duration bodyDeadline = DEFAULT_BODY_DEADLINE;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private int storageThreads = 4;
        private int eventLoopThreads = 2;
        private int bufferedBytesPerRequest = 1 << 20;
        private int journalCapacity = 1000;
        private Set<Integer> acceptedSuites = DEFAULT_ACCEPTED_SUITES;
        private int codeSuite = 1;
        private CompletionHandler completionHandler;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        public Builder bindAddress(String value) {
            this.bindAddress = Objects.requireNonNull(value, "bindAddress");
            return this;
        }

        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + value);
            }
            this.port = value;
            return this;
        }

        public Builder dataDir(Path value) {
            this.dataDir = Objects.requireNonNull(value, "dataDir");
            return this;
        }

        /** The keys directory, shared by the nodes of one registry; null for {@code <data-dir>/keys}. */
        public Builder keysDir(Path value) {
            this.keysDir = value;
            return this;
        }

        /** The storage shared with the registry's other nodes; null for the embedded stores. */
        public Builder sharedStorage(SharedStorageSettings value) {
            this.sharedStorage = value;
            return this;
        }

        public Builder tls(boolean value) {
            this.tls = value;
            return this;
        }

        /** Which TLS implementation to use in TLS mode (default {@link TlsEngine#AUTO}). */
        public Builder tlsEngine(TlsEngine value) {
            this.tlsEngine = Objects.requireNonNull(value, "tlsEngine");
            return this;
        }

        public Builder seed(Long value) {
            this.seed = value;
            return this;
        }

        /** The fault plan to start with; its routes are checked when the server starts. */
        public Builder faultPlan(FaultPlan value) {
            this.faultPlan = Objects.requireNonNull(value, "faultPlan");
            return this;
        }

        public Builder maxUploadSize(long value) {
            this.maxUploadSize = positive(value, "maxUploadSize");
            return this;
        }

        public Builder maxUnfinishedUploadsPerStation(int value) {
            this.maxUnfinishedUploadsPerStation = (int) positive(value, "maxUnfinishedUploadsPerStation");
            return this;
        }

        public Builder uploadExpiry(Duration value) {
            this.uploadExpiry = positive(value, "uploadExpiry");
            return this;
        }

        public Builder expiryCheckInterval(Duration value) {
            this.expiryCheckInterval = positive(value, "expiryCheckInterval");
            return this;
        }

        public Builder uploadRetention(UploadRetention value) {
            this.uploadRetention = Objects.requireNonNull(value, "uploadRetention");
            return this;
        }

        public Builder headerTimeout(Duration value) {
            this.headerTimeout = positive(value, "headerTimeout");
            return this;
        }

        public Builder bodyIdleTimeout(Duration value) {
            this.bodyIdleTimeout = positive(value, "bodyIdleTimeout");
            return this;
        }

        /** Bytes per second; 0 turns the rate check off (the idle timeout and deadline still hold). */
        public Builder minBodyRate(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("minBodyRate must not be negative, got " + value);
            }
            this.minBodyRate = value;
            return this;
        }

        public Builder bodyRateWindow(Duration value) {
            this.bodyRateWindow = positive(value, "bodyRateWindow");
            return this;
        }

        public Builder bodyDeadline(Duration value) {
            this.bodyDeadline = positive(value, "bodyDeadline");
            return this;
        }

        public Builder maxConnectionsPerAddress(int value) {
            this.maxConnectionsPerAddress = (int) positive(value, "maxConnectionsPerAddress");
            return this;
        }

        public Builder storageThreads(int value) {
            this.storageThreads = (int) positive(value, "storageThreads");
            return this;
        }

        public Builder eventLoopThreads(int value) {
            this.eventLoopThreads = (int) positive(value, "eventLoopThreads");
            return this;
        }

        public Builder bufferedBytesPerRequest(int value) {
            this.bufferedBytesPerRequest = (int) positive(value, "bufferedBytesPerRequest");
            return this;
        }

        public Builder journalCapacity(int value) {
            this.journalCapacity = (int) positive(value, "journalCapacity");
            return this;
        }

        /**
         * The envelope suites to accept: a non-empty subset of 1 ({@code CB-P256-AES256GCM-SHA256}) and
         * 2 ({@code CB-SM2-SM4GCM-SM3}).
         */
        public Builder acceptedSuites(Set<Integer> value) {
            if (value == null || value.isEmpty() || !DEFAULT_ACCEPTED_SUITES.containsAll(value)) {
                throw new IllegalArgumentException("accepted suites must be a non-empty subset of "
                        + new TreeSet<>(DEFAULT_ACCEPTED_SUITES) + ", got " + value);
            }
            this.acceptedSuites = Set.copyOf(value);
            return this;
        }

        /** The suite of the collection codes to issue, 1 or 2; it must be an accepted suite. */
        public Builder codeSuite(int value) {
            if (!DEFAULT_ACCEPTED_SUITES.contains(value)) {
                throw new IllegalArgumentException("code suite must be 1 or 2, got " + value);
            }
            this.codeSuite = value;
            return this;
        }

        /** A replacement for the registry's envelope acceptance (tests of the transport); null for the real one. */
        public Builder completionHandler(CompletionHandler value) {
            this.completionHandler = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public MockRegistryConfig build() {
            return new MockRegistryConfig(this);
        }

        private static long positive(long value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
            }
            return value;
        }
    }
}
