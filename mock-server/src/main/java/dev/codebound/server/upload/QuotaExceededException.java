package dev.codebound.server.upload;

/**
 * A station already holds as many unfinished uploads as its quota allows; nothing was created. An
 * answer rather than a fault, so it carries no stack trace.
 */
public final class QuotaExceededException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int held;
    private final int limit;

    /** The station holds {@code held} unfinished uploads, and may hold {@code limit}. */
    public QuotaExceededException(int held, int limit) {
        super("the station holds " + held + " unfinished uploads, at most " + limit, null, false, false);
        this.held = held;
        this.limit = limit;
    }

    /** How many unfinished uploads the station holds. */
    public int held() {
        return held;
    }

    /** How many it may hold. */
    public int limit() {
        return limit;
    }
}
