package dev.codebound.agent.spool;

import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot of one spooled envelope and its transfer state. Immutable: the {@link Spool} persists
 * a new snapshot on every change.
 *
 * @param info               the envelope's immutable facts
 * @param state              where the entry stands
 * @param uploadUrl          the server's upload URL, recorded before the first PATCH; {@code null}
 *                           while no upload exists
 * @param acknowledgedOffset bytes the server has acknowledged (0 before the first chunk)
 * @param transientErrors    consecutive transient errors since the last progress
 * @param lastError          the last error or refusal reason, free of personal data; {@code null} if none
 * @param nextAttemptAt      earliest time the uploader may try again; {@code null} means now
 * @param updatedAt          when this snapshot was written
 */
public record SpoolEntry(EnvelopeInfo info, EntryState state, String uploadUrl, long acknowledgedOffset,
        int transientErrors, String lastError, Instant nextAttemptAt, Instant updatedAt) {

    public SpoolEntry {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (acknowledgedOffset < 0 || acknowledgedOffset > info.length()) {
            throw new IllegalArgumentException("acknowledged offset " + acknowledgedOffset + " outside 0.."
                    + info.length());
        }
        if ((state == EntryState.CREATED || state == EntryState.IN_FLIGHT) && uploadUrl == null) {
            throw new IllegalArgumentException(state + " requires an upload URL");
        }
    }

    /** A freshly queued entry. */
    static SpoolEntry queued(EnvelopeInfo info, Instant now) {
        return new SpoolEntry(info, EntryState.QUEUED, null, 0, 0, null, null, now);
    }

    /** The entry id: the envelope's SHA-256 in lower-case hex. */
    public String id() {
        return info.sha256();
    }

    /** Bytes still to be acknowledged by the server. */
    public long pendingBytes() {
        return info.length() - acknowledgedOffset;
    }

    /** Whether the uploader may work on this entry at {@code now}. */
    public boolean isDue(Instant now) {
        return state.isUploadable() && (nextAttemptAt == null || !nextAttemptAt.isAfter(now));
    }
}
