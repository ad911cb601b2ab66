package dev.codebound.server.transparency;

import java.io.IOException;

/**
 * An append found an entry's envelope already in the log: another node logged it after this node
 * looked. Nothing of the batch was appended and the storage stays usable; the caller looks the
 * envelopes up again and appends only the ones still missing.
 */
public final class AlreadyLoggedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param logged how many entries of the batch were already logged */
    public AlreadyLoggedException(int logged) {
        super(logged + " entries of the batch are already in the log; nothing was appended");
    }
}
