package dev.codebound.agent.spool;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A summary of the spool for the {@code status} command; plain values, so that it serialises
 * directly to JSON. Contains no personal data.
 *
 * @param counts             number of entries in each state (every state present, possibly 0)
 * @param entries            total number of entries
 * @param bytesPending       bytes not yet acknowledged by the registry, over uploadable entries
 * @param lastError          the most recent error or refusal reason, or {@code null}
 * @param lastErrorEntry     the entry id that error concerns, or {@code null}
 * @param lastErrorAt        when it was recorded, or {@code null}
 * @param oldestPendingSince when the oldest entry still to be delivered was spooled, or {@code null}
 */
public record SpoolStatus(Map<EntryState, Integer> counts, int entries, long bytesPending, String lastError,
        String lastErrorEntry, Instant lastErrorAt, Instant oldestPendingSince) {
    public SpoolStatus {
        EnumMap<EntryState, Integer> ordered = new EnumMap<>(EntryState.class);
        ordered.putAll(counts);
        counts = Collections.unmodifiableMap(ordered);
    }

    /** The summary of {@code entries}. */
    public static SpoolStatus of(Collection<SpoolEntry> entries) {
        Map<EntryState, Integer> counts = new EnumMap<>(EntryState.class);
        for (EntryState state : EntryState.values()) {
            counts.put(state, 0);
        }
        long pending = 0;
        SpoolEntry lastError = null;
        Instant oldestPending = null;
        for (SpoolEntry entry : entries) {
            counts.merge(entry.state(), 1, Integer::sum);
            if (entry.state().isUploadable()) {
                pending += entry.pendingBytes();
                if (oldestPending == null || entry.info().createdAt().isBefore(oldestPending)) {
                    oldestPending = entry.info().createdAt();
                }
            }
            if (entry.lastError() != null && (lastError == null || entry.updatedAt().isAfter(lastError.updatedAt()))) {
                lastError = entry;
            }
        }
        return new SpoolStatus(counts, entries.size(), pending, lastError == null ? null : lastError.lastError(),
                lastError == null ? null : lastError.id(), lastError == null ? null : lastError.updatedAt(),
                oldestPending);
    }

    /** The number of entries in {@code state}. */
    public int count(EntryState state) {
        return counts.getOrDefault(state, 0);
    }
}
