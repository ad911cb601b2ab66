package dev.codebound.agent.spool;

/**
 * Where an envelope stands on its way to the registry. Each change is persisted before the network
 * step that depends on it.
 *
 * <pre>
 * QUEUED ──create──▶ CREATED ──chunk acknowledged──▶ IN_FLIGHT ──outcome stored──▶ DELIVERED
 *    ▲                  │                              │   │                     └─▶ REJECTED ──retry──▶ QUEUED
 *    │                  └────── transient error ───────┴───┴──▶ FAILED ──next attempt time──▶ (resumes)
 *    └───────── upload gone (404/410) ─────────────────────────────┘
 * any non-terminal state ──envelope truncated or altered──▶ CORRUPT ──retry──▶ QUEUED (after re-check)
 * </pre>
 */
public enum EntryState {
    /** Spooled; no upload exists on the server yet (or the previous one is gone). */
    QUEUED,
    /** The server created an upload; its URL is recorded and no chunk has been acknowledged yet. */
    CREATED,
    /** Some bytes are acknowledged; the acknowledged offset is recorded after every chunk. */
    IN_FLIGHT,
    /**
     * Uploaded and accepted; the receipt is stored with the entry. Terminal: once the receipt is
     * archived and the retention sweep has deleted the envelope (and no original is kept), the entry
     * leaves the spool ({@link Spool#forgetDelivered}).
     */
    DELIVERED,
    /**
     * The registry refused the envelope; the problem is stored and the entry stays visible with its
     * reason until an operator retries or removes it.
     */
    REJECTED,
    /**
     * A transient error stopped this run's attempt; the entry keeps its upload URL and offset and
     * is resumed at its next attempt time.
     */
    FAILED,
    /** The envelope file no longer matches its recorded length or SHA-256; never uploaded. */
    CORRUPT;

    /** Whether the uploader may work on an entry in this state (subject to its next attempt time). */
    public boolean isUploadable() {
        return this == QUEUED || this == CREATED || this == IN_FLIGHT || this == FAILED;
    }

    /** Whether the entry waits for an operator ({@code retry} or {@code remove}). */
    public boolean needsOperator() {
        return this == REJECTED || this == CORRUPT;
    }
}
