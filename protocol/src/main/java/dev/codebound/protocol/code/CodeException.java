package dev.codebound.protocol.code;

/**
 * A collection code was refused. Each {@link Reason} is a distinct, stable failure a station can
 * explain to the photographer and a registry can report to an integrator.
 */
public class CodeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a code was refused. */
    public enum Reason {
        /** Not a collection code at all: wrong prefix, bad characters, truncated or garbled. */
        MALFORMED,
        /** A collection code of a version or suite this software does not know. */
        UNSUPPORTED_VERSION,
        /** Signed by a key that is not in the trust bundle (or not trusted at this time). */
        UNKNOWN_KEY,
        /** The signature does not verify: the code was altered or forged. */
        BAD_SIGNATURE,
        /** The code's validity window has not started. */
        NOT_YET_VALID,
        /** The code's validity window has ended. */
        EXPIRED,
        /** The code, or the key that signed it, has been revoked by the registry. */
        REVOKED,
        /** The code belongs to a school this station is not bound to. */
        WRONG_SCHOOL
    }

    private final Reason reason;

    public CodeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public CodeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
