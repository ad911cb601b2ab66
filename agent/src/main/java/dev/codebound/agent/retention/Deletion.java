package dev.codebound.agent.retention;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One piece of data a retention rule deletes, and when.
 *
 * @param rule       the rule that deletes it
 * @param entryId    the spool entry it belongs to; {@code null} for a photo no entry accounts for
 * @param file       the file deleted (for an undelivered entry: its envelope, which the spool deletes with it)
 * @param companions files deleted with it, first (a refused photo's reason file)
 * @param dueAt      its deadline: it is deleted by the first sweep at or after this instant
 */
public record Deletion(RetentionRule rule, String entryId, Path file, List<Path> companions, Instant dueAt) {
    public Deletion {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(dueAt, "dueAt");
        companions = List.copyOf(companions);
        if (rule.namesEntry() != (entryId != null)) {
            throw new IllegalArgumentException("rule " + rule + (entryId == null ? " needs" : " takes no")
                    + " entry id");
        }
    }

    /** Whether its deadline has come at {@code now}. */
    public boolean isDueAt(Instant now) {
        return !dueAt.isAfter(now);
    }

    /** Whether the file is a photo in clear (an original or a refused photo) rather than an envelope. */
    public boolean isReadablePhoto() {
        return rule.kind() == DataKind.ORIGINAL || rule.kind() == DataKind.REFUSED_PHOTO;
    }
}
