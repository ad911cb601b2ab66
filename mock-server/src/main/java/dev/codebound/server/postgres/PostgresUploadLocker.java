package dev.codebound.server.postgres;

import dev.codebound.server.problem.StorageBusyException;
import dev.codebound.server.upload.UploadId;
import dev.codebound.server.upload.UploadLocker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@link UploadLocker} shared by every registry node: a PostgreSQL session-level advisory lock
 * per upload, keyed by the first 8 bytes of the SHA-256 of its id, held on a pooled session of its
 * own ({@link Database#borrowLockSession}) for as long as the lock is held.
 *
 * <ul>
 *   <li><b>Exclusion across nodes</b>: the database grants an advisory lock to one session at a
 *       time.</li>
 *   <li><b>Never waits</b>: {@code pg_try_advisory_lock} answers at once; a lock held elsewhere is
 *       empty, and the server answers 423. Nor does it wait for a lock session when every one is
 *       taken: that is a {@link StorageBusyException} (503).</li>
 *   <li><b>No stale lock</b>: the database drops a session's advisory locks when the session ends,
 *       so a node that crashes, is killed or loses its connection releases every lock it held.</li>
 *   <li><b>No lock lent out</b>: releasing unlocks the advisory lock on its session and gives the
 *       session back to the pool only when the database confirms the unlock; otherwise the session
 *       is closed, which drops the lock. A pooled session therefore never carries a lock to the
 *       next request that borrows it.</li>
 * </ul>
 *
 * <p>Fencing, the last clause of the contract: {@link PostgresUploadStore} commits an upload's
 * offset through the session that holds its lock ({@link #session}), so a holder whose session
 * broke cannot commit, and the commit checks in the same statement that the session still holds
 * the lock. Pooling keeps this true, because the session committing is still the one that took
 * the lock: the pool lends a lock's session to no one else until the lock is released, and then
 * the session holds the lock no more (or was closed), so a commit through it after the release
 * fails the same check; a handle kept past the release is closed and refuses every statement, even
 * once the pool has lent the same server session to another request.
 *
 * <p>A database that cannot be reached fails the request ({@link UncheckedIOException}, a storage
 * failure) rather than granting a lock it could not take.
 */
public final class PostgresUploadLocker implements UploadLocker {
    private final Database database;
    /** The locks this node holds, by upload: at most one each, since a second tryLock is refused. */
    private final Map<UploadId, SessionLock> held = new ConcurrentHashMap<>();

    /** The locker over {@code database} (advisory locks need no schema). */
    public PostgresUploadLocker(Database database) {
        this.database = database;
    }

    @Override
    public Optional<Lock> tryLock(UploadId id) {
        long key = key(id);
        Connection session;
        try {
            session = database.borrowLockSession();
        } catch (SQLException | IOException e) {
            throw failure(id, e);
        }
        try (PreparedStatement lock = session.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            lock.setLong(1, key);
            try (ResultSet granted = lock.executeQuery()) {
                granted.next();
                if (!granted.getBoolean(1)) {
                    database.returnLockSession(session, true);
                    return Optional.empty();
                }
            }
        } catch (SQLException e) {
            // Whether the lock was granted is unknown: the session goes, and any lock with it.
            database.returnLockSession(session, false);
            throw failure(id, e);
        }
        SessionLock lock = new SessionLock(id, key, session);
        held.put(id, lock);
        return Optional.of(lock);
    }

    private UncheckedIOException failure(UploadId id, Exception cause) {
        if (cause instanceof StorageBusyException busy) {
            return new UncheckedIOException(busy);
        }
        return new UncheckedIOException(new IOException("cannot take the lock of upload " + id + " in "
                + database.redactedUrl() + ": " + cause.getMessage(), cause));
    }

    /**
     * The session holding this node's lock on {@code id}, for the store to commit through, or empty
     * when this node holds none. Used by one holder at a time: the lock's.
     */
    Optional<Connection> session(UploadId id) {
        return Optional.ofNullable(held.get(id)).map(lock -> lock.session);
    }

    /** The advisory lock key of {@code id}, as {@code pg_locks} shows it split into two 32-bit halves. */
    static long key(UploadId id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(id.value().getBytes(StandardCharsets.US_ASCII));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A held lock: released by unlocking it on its session, or by ending the session. */
    private final class SessionLock implements Lock {
        private final UploadId id;
        private final long key;
        private final Connection session;
        private final AtomicBoolean released = new AtomicBoolean();

        SessionLock(UploadId id, long key, Connection session) {
            this.id = id;
            this.key = key;
            this.session = session;
        }

        @Override
        public void close() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            held.remove(id, this);
            database.returnLockSession(session, unlock());
        }

        /** True when the database confirms the session holds the lock no more. */
        private boolean unlock() {
            try (PreparedStatement unlock = session.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, key);
                try (ResultSet result = unlock.executeQuery()) {
                    return result.next() && result.getBoolean(1);
                }
            } catch (SQLException e) {
                System.getLogger(PostgresUploadLocker.class.getName()).log(System.Logger.Level.WARNING,
                        "releasing an upload lock failed; its session is closed, which drops the lock", e);
                return false;
            }
        }
    }
}
