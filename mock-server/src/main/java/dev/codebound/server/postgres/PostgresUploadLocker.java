package dev.codebound.server.postgres;

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
 * per upload, keyed by the first 8 bytes of the SHA-256 of its id, held on a connection of its own
 * for as long as the lock is held.
 *
 * <ul>
 *   <li><b>Exclusion across nodes</b>: the database grants an advisory lock to one session at a
 *       time.</li>
 *   <li><b>Never waits</b>: {@code pg_try_advisory_lock} answers at once; a lock held elsewhere is
 *       empty, and the server answers 423.</li>
 *   <li><b>No stale lock</b>: the database drops a session's advisory locks when the session ends,
 *       so a node that crashes, is killed or loses its connection releases every lock it held.</li>
 * </ul>
 *
 * <p>Fencing, the last clause of the contract: {@link PostgresUploadStore} commits an upload's
 * offset through the session that holds its lock ({@link #session}), so a holder whose session
 * broke cannot commit, and the commit checks in the same statement that the session still holds
 * the lock.
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
        Connection session = null;
        try {
            session = database.connect();
            session.setAutoCommit(true);
            try (PreparedStatement lock = session.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                lock.setLong(1, key);
                try (ResultSet granted = lock.executeQuery()) {
                    granted.next();
                    if (!granted.getBoolean(1)) {
                        session.close();
                        return Optional.empty();
                    }
                }
            }
            SessionLock lock = new SessionLock(id, session);
            held.put(id, lock);
            return Optional.of(lock);
        } catch (SQLException e) {
            closeQuietly(session, e);
            throw new UncheckedIOException(new IOException("cannot take the lock of upload " + id + " in "
                    + database.redactedUrl() + ": " + e.getMessage(), e));
        }
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

    /** A held lock: ending the session releases it, also when the process ends without closing it. */
    private final class SessionLock implements Lock {
        private final UploadId id;
        private final Connection session;
        private final AtomicBoolean released = new AtomicBoolean();

        SessionLock(UploadId id, Connection session) {
            this.id = id;
            this.session = session;
        }

        @Override
        public void close() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            held.remove(id, this);
            try {
                session.close();
            } catch (SQLException e) {
                // The session is gone either way, and with it the lock.
                System.getLogger(PostgresUploadLocker.class.getName()).log(System.Logger.Level.WARNING,
                        "closing an upload lock's session failed; the database drops its lock with the session", e);
            }
        }
    }

    private static void closeQuietly(Connection session, SQLException failure) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }
}
