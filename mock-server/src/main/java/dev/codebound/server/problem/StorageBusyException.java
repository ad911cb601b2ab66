package dev.codebound.server.problem;

import java.io.IOException;
import java.util.Optional;

/**
 * The storage could not take this request now because every connection to it is in use: not a
 * fault, a load the registry sheds. Requests that meet it are answered {@code 503 STORAGE_BUSY}
 * with {@code Retry-After}, so that a station backs off and retries instead of waiting on a
 * connection that may not come.
 */
public final class StorageBusyException extends IOException {
    private static final long serialVersionUID = 1L;
    /** The {@code Retry-After} a busy answer carries: long enough for the requests ahead to finish. */
    public static final int RETRY_AFTER_SECONDS = 2;

    /** {@code detail} says which resource was exhausted, never with what. */
    public StorageBusyException(String detail) {
        super(detail);
    }

    /** The busy storage behind {@code failure}, if that is what it was, however it was wrapped. */
    public static Optional<StorageBusyException> in(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StorageBusyException busy) {
                return Optional.of(busy);
            }
        }
        return Optional.empty();
    }
}
