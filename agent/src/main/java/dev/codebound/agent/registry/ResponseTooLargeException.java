package dev.codebound.agent.registry;

import java.io.IOException;

/**
 * A registry answer was larger than the limit for its kind. Reading stopped at the limit, so a
 * hostile or broken server cannot make the station buffer gigabytes.
 */
public final class ResponseTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long limit;

    public ResponseTooLargeException(String source, long limit) {
        super(source + " answered with more than " + limit + " bytes; the station stopped reading (no registry "
                + "answer of this kind is that large)");
        this.limit = limit;
    }

    /** The limit that was exceeded, in bytes. */
    public long limit() {
        return limit;
    }
}
