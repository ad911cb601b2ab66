package dev.codebound.server.registry;

/**
 * A registry operation was refused. The reason is stable and machine-readable (it becomes the
 * {@code reason} member of an RFC 9457 problem body); the message says what to do.
 */
public class RegistryException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final int httpStatus;

    public RegistryException(String reason, int httpStatus, String message) {
        super(message);
        this.reason = reason;
        this.httpStatus = httpStatus;
    }

    /** Stable upper-case reason code, e.g. {@code ENROLLMENT_TOKEN_USED}. */
    public String reason() {
        return reason;
    }

    /** The HTTP status that fits this refusal. */
    public int httpStatus() {
        return httpStatus;
    }
}
