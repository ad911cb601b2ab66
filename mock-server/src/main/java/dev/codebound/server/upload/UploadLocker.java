package dev.codebound.server.upload;

import java.util.Optional;

/**
 * Exclusive access to one upload at a time, so that two requests never write the same upload at
 * once (the tus "locking" concern tusd separates from storage).
 *
 * <p>Contract: {@link #tryLock} never blocks: it returns a lock or, when another holder has one,
 * empty at once (the server then answers 423 Locked). Locks are held in memory by this process
 * only: a crash drops every lock with it, so no stale lock can ever block a client's retry after
 * a restart. Whoever takes a lock releases it exactly once, also when the connection that caused it
 * breaks.
 */
public interface UploadLocker {
    /** The lock on {@code id}, or empty when someone else holds it. */
    Optional<Lock> tryLock(UploadId id);

    /** A held upload lock. */
    interface Lock extends AutoCloseable {
        /** Releases the lock; calling it again does nothing. */
        @Override
        void close();
    }
}
