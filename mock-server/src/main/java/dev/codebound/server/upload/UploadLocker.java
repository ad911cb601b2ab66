package dev.codebound.server.upload;

import java.util.Optional;

/**
 * Exclusive access to one upload at a time, so that two requests never write the same upload at
 * once (the tus "locking" concern tusd separates from storage).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Exclusion</b>: while one holder has the lock on an id, no other holder gets it: not in
 *       this process and, for a locker shared by several registry nodes over one
 *       {@link UploadStore}, not on any node.</li>
 *   <li><b>Never blocks</b>: {@link #tryLock} returns a lock or, when another holder has one, empty
 *       at once (the server then answers 423 Locked and the client retries). A shared locker asks
 *       its service once and does not queue.</li>
 *   <li><b>No stale locks</b>: a lock lives no longer than its holder. Whoever takes a lock releases
 *       it exactly once, also when the connection that caused it breaks; a holder that dies (a crash,
 *       kill -9, a node cut off) loses its locks with it, so a client's retry is never blocked by a
 *       lock nobody holds. A shared locker ties each lock to the holder's liveness: a database
 *       session's advisory lock, which the database drops with the session, meets this; a lock
 *       record with no owner check does not.</li>
 *   <li><b>Fencing</b>: a holder that may lose its lock without knowing (its session to a shared
 *       locker broke) must not get a chunk acknowledged afterwards. A shared implementation either
 *       commits the upload's offset through the same session that holds the lock, so that losing
 *       one fails the other, or checks the lock in the commit.</li>
 * </ul>
 *
 * <p>{@link MemoryUploadLocker}, the embedded locker, holds locks in this process's memory: one
 * node, and a crash drops every lock with the process.
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
