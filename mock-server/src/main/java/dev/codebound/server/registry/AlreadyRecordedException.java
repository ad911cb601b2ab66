package dev.codebound.server.registry;

import java.io.IOException;

/**
 * A shared archive refused a record because another node recorded the same envelope meanwhile (two
 * nodes accepted it at once). Nothing was recorded; the other node's record stands and is the
 * answer to this acceptance too, with its receipt.
 */
public final class AlreadyRecordedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient PhotoArchive.AcceptedPhoto recorded;

    /** @param recorded the record that stands */
    public AlreadyRecordedException(PhotoArchive.AcceptedPhoto recorded) {
        super("envelope " + recorded.envelopeSha256() + " was recorded by another node");
        this.recorded = recorded;
    }

    /** The record that stands. */
    public PhotoArchive.AcceptedPhoto recorded() {
        return recorded;
    }
}
