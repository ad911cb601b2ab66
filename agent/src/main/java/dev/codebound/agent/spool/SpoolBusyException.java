package dev.codebound.agent.spool;

import java.io.IOException;

/** Another agent process holds the spool's lock (an upload, a capture or the hot folder). */
public final class SpoolBusyException extends IOException {
    private static final long serialVersionUID = 1L;

    public SpoolBusyException(String message) {
        super(message);
    }
}
