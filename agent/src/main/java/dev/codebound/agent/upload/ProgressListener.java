package dev.codebound.agent.upload;

import dev.codebound.agent.spool.EntryState;
import java.time.Instant;

/**
 * Receives upload progress. Called from the uploader's worker threads, possibly concurrently;
 * implementations must be thread-safe and quick. Every method has a no-op default.
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {};

    /** An entry starts (or resumes) with {@code acknowledged} of its {@code length} bytes already done. */
    default void entryStarted(String entryId, String filename, long acknowledged, long length) {}

    /** Bytes moved; called often (every body slice), so throttle any drawing. */
    default void progressed(Progress progress) {}

    /**
     * An entry's request failed and it will be tried again in this run at {@code nextAttempt}.
     *
     * @param reason      what failed, e.g. {@code upload: ConnectException: Connection refused}
     * @param failures    consecutive failures so far
     * @param maxAttempts attempts allowed per entry and run
     */
    default void entryRetrying(String entryId, String filename, String reason, int failures, int maxAttempts,
            Instant nextAttempt) {}

    /** An entry's attempt in this run ended in {@code state}; {@code reason} is set unless delivered. */
    default void entryFinished(String entryId, String filename, EntryState state, String reason) {}

    /** The run is over. */
    default void runFinished(UploadRun run) {}
}
