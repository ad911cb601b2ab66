package dev.codebound.agent.retention;

/**
 * Why a piece of data is deleted: each rule names the kind of data and the deadline it follows. The
 * names are the transfer log's {@code rule} codes, so they never change meaning.
 */
public enum RetentionRule {
    /** {@code retention.originals=never}: an original is deleted as soon as its envelope is spooled. */
    ORIGINAL_NEVER_KEPT(DataKind.ORIGINAL),
    /** An original, {@code retention.originals} after its envelope's receipt was verified and archived. */
    ORIGINAL_AFTER_DELIVERY(DataKind.ORIGINAL),
    /** An original of a rejected or corrupt entry, {@code retention.undelivered} after the entry became so. */
    ORIGINAL_OF_UNDELIVERED(DataKind.ORIGINAL),
    /** An original whose entry is gone from the spool (removed, withdrawn or expired): at once. */
    ORIGINAL_WITHOUT_ENTRY(DataKind.ORIGINAL),
    /**
     * A file in {@code done/} not named after an entry (moved there by an agent before retention
     * existed): {@code retention.undelivered} after it was last modified.
     */
    ORIGINAL_UNATTRIBUTED(DataKind.ORIGINAL),
    /** A delivered envelope, {@code retention.delivered-envelopes} after its receipt was verified and archived. */
    ENVELOPE_AFTER_DELIVERY(DataKind.ENVELOPE),
    /** A rejected or corrupt entry, {@code retention.undelivered} after it became so. */
    UNDELIVERED_ENTRY(DataKind.ENTRY),
    /** A refused photo in {@code rejected/}, {@code retention.refused-photos} after it was refused. */
    REFUSED_PHOTO_EXPIRED(DataKind.REFUSED_PHOTO);

    private final DataKind kind;

    RetentionRule(DataKind kind) {
        this.kind = kind;
    }

    /** The kind of data this rule deletes. */
    public DataKind kind() {
        return kind;
    }

    /** Whether the deletion is recorded by entry ({@code retention-deleted}) rather than by photo hash. */
    boolean namesEntry() {
        return this != ORIGINAL_UNATTRIBUTED && this != REFUSED_PHOTO_EXPIRED;
    }
}
