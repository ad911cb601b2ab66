package dev.codebound.agent.retention;

/** The kinds of station data a retention rule deletes; the names are the transfer log's {@code kind} codes. */
public enum DataKind {
    /** A photo, in clear, that {@code watch} sealed and moved to its hot folder's {@code done/}. */
    ORIGINAL,
    /** A delivered entry's sealed envelope in {@code spool/envelopes/}; the entry and its receipt stay. */
    ENVELOPE,
    /** An entry the registry did not accept (rejected or corrupt), with its envelope. */
    ENTRY,
    /** A photo, in clear, that {@code watch} refused and moved to its hot folder's {@code rejected/}. */
    REFUSED_PHOTO
}
