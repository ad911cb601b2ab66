package dev.codebound.server.upload;

/** Where an upload is in its life. */
public enum UploadState {
    /** Accepting PATCHes; {@code offset < length}. */
    RECEIVING,
    /**
     * Every byte is durable but the completion outcome is not yet recorded: a crash struck between
     * the last chunk and the outcome. The server runs the completion handler again at startup.
     */
    AWAITING_OUTCOME,
    /** The completion handler accepted the upload; its receipt is stored. */
    ACCEPTED,
    /** The completion handler rejected the upload; its problem is stored. */
    REJECTED,
    /** Not finished before its expiry; the data is gone and only this record remains. */
    EXPIRED;

    /** Whether every byte has been received. */
    public boolean isComplete() {
        return this == AWAITING_OUTCOME || this == ACCEPTED || this == REJECTED;
    }

    /** Whether the completion outcome is recorded. */
    public boolean hasOutcome() {
        return this == ACCEPTED || this == REJECTED;
    }
}
