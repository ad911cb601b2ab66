package dev.codebound.agent.upload;

import dev.codebound.protocol.wire.Problem;
import java.time.Duration;

/**
 * A failed tus request, classified. Messages name the request and status, never personal data.
 */
final class UploadException extends Exception {
    private static final long serialVersionUID = 1L;

    private final FailureKind kind;
    private final int status;
    private final transient Duration retryAfter;
    private final transient Problem problem;
    private final long serverOffset;

    UploadException(FailureKind kind, int status, String message, Duration retryAfter, Problem problem,
            long serverOffset, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
        this.problem = problem;
        this.serverOffset = serverOffset;
    }

    /** A transient failure without an HTTP status (I/O error, malformed response). */
    static UploadException transientError(String message, Throwable cause) {
        return new UploadException(FailureKind.TRANSIENT, 0, message, null, null, -1, cause);
    }

    FailureKind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when no response arrived. */
    int status() {
        return status;
    }

    /** The server's Retry-After, or {@code null}. */
    Duration retryAfter() {
        return retryAfter;
    }

    /** The server's problem body (or one made from the status), or {@code null}. */
    Problem problem() {
        return problem;
    }

    /** The server's Upload-Offset sent with a 409, or -1. */
    long serverOffset() {
        return serverOffset;
    }
}
