package dev.codebound.server.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.codebound.server.problem.StorageBusyException;
import java.io.Closeable;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * A PostgreSQL database the registry keeps its shared state in, and the one way the stores talk to
 * it: short transactions on pooled connections, and sessions that hold upload locks.
 *
 * <p>Durability is PostgreSQL's: a transaction is durable when its commit returns, provided the
 * server runs with {@code fsync} on and {@code synchronous_commit} not off. {@link #open} checks both
 * and refuses a server that would acknowledge commits it can lose, because a registry acknowledges
 * chunks and receipts on the strength of those commits.
 *
 * <p><b>Connections are pooled</b> (HikariCP), in the two pools of {@link DatabasePools}: opening a
 * PostgreSQL connection starts a server process and authenticates, which cost more CPU than the
 * statements a photo needs. Both pools are bounded, and so is every wait: a transaction that finds
 * no free connection within {@link DatabasePools#connectionWait()}, and a lock wanted while every lock session
 * is taken (at once, since locks are taken on the event loop), fail with
 * {@link StorageBusyException}, which the request answers 503. A lock session goes back to its pool
 * only with no advisory lock left on it ({@link #returnLockSession}); the pools start empty and
 * grow on demand.
 */
public final class Database implements Closeable {
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(1);

    private final String url;
    private final HikariDataSource transactions;
    private final HikariDataSource lockSessions;
    /** One permit per lock session, taken without waiting before one is borrowed. */
    private final Semaphore freeLockSessions;

    private Database(String url, HikariDataSource transactions, HikariDataSource lockSessions, int lockSessionCount) {
        this.url = url;
        this.transactions = transactions;
        this.lockSessions = lockSessions;
        this.freeLockSessions = new Semaphore(lockSessionCount);
    }

    /** The database at {@code jdbcUrl} with the {@linkplain DatabasePools#DEFAULT default pools}. */
    public static Database open(String jdbcUrl, String user, String password) throws IOException {
        return open(jdbcUrl, user, password, DatabasePools.DEFAULT);
    }

    /**
     * The database at {@code jdbcUrl} ({@code jdbc:postgresql://host:port/name}), after checking that
     * it commits durably.
     *
     * @throws IOException if it cannot be reached, or runs with fsync or synchronous commits off
     */
    public static Database open(String jdbcUrl, String user, String password, DatabasePools pools)
            throws IOException {
        HikariDataSource transactions = pool(jdbcUrl, user, password, "codebound-transactions",
                pools.transactions(), pools.connectionWait(), false);
        // Lock sessions are borrowed only with a permit free, so the wait is never spent waiting on another
        // holder: only on opening a connection.
        HikariDataSource lockSessions = pool(jdbcUrl, user, password, "codebound-lock-sessions",
                pools.lockSessions(), pools.connectionWait(), true);
        Database database = new Database(jdbcUrl, transactions, lockSessions, pools.lockSessions());
        try {
            database.transaction(connection -> {
                requireSetting(connection, "fsync", "on");
                String synchronous = setting(connection, "synchronous_commit");
                if (synchronous.equals("off")) {
                    throw new SQLException("synchronous_commit is off: a commit could be lost after it returned");
                }
                return null;
            });
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    private static HikariDataSource pool(String jdbcUrl, String user, String password, String name, int size,
            Duration wait, boolean autoCommit) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        config.setConnectionTimeout(wait.toMillis());
        config.setAutoCommit(autoCommit);
        // Not reached before open() has checked the server: a pool that cannot connect fails on first use.
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "codebound-registry");
        return new HikariDataSource(config);
    }

    /** Work done in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        /** Does the work on {@code connection}; the transaction commits if this returns. */
        T run(Connection connection) throws SQLException, IOException;
    }

    /**
     * Runs {@code work} in one transaction on a pooled connection and commits it; the result is
     * durable when this returns. A failure rolls the transaction back and surfaces as an
     * {@link IOException} (the stores' contracts speak of storage failures, not of SQL); no free
     * connection within the pool's wait is a {@link StorageBusyException}.
     */
    public <T> T transaction(Work<T> work) throws IOException {
        try (Connection connection = connect()) {
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IOException("database " + redactedUrl() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work}, which only reads, on a pooled connection in auto-commit mode: each statement
     * sees what was committed when it began, and no {@code COMMIT} round trip follows. Work that
     * needs several statements to agree (a snapshot) or writes uses {@link #transaction}.
     */
    public <T> T read(Work<T> work) throws IOException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(true);
            return work.run(connection);
        } catch (SQLException e) {
            throw new IOException("database " + redactedUrl() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A pooled connection in manual-commit mode; closing it gives it back.
     *
     * @throws StorageBusyException if none is free within the pool's wait
     */
    public Connection connect() throws SQLException, StorageBusyException {
        try {
            return transactions.getConnection();
        } catch (SQLTransientConnectionException e) {
            throwIfBusy(e, "transactions");
            throw e;
        }
    }

    /**
     * A session of its own in auto-commit mode, for holding an upload's advisory lock; give it back
     * with {@link #returnLockSession}, and only that way.
     *
     * @throws StorageBusyException at once, if every lock session is taken
     */
    Connection borrowLockSession() throws SQLException, StorageBusyException {
        if (!freeLockSessions.tryAcquire()) {
            throw new StorageBusyException("every database session for upload locks is in use");
        }
        try {
            return lockSessions.getConnection();
        } catch (SQLException | RuntimeException e) {
            freeLockSessions.release();
            if (e instanceof SQLTransientConnectionException timeout) {
                throwIfBusy(timeout, "lock sessions");
            }
            throw e;
        }
    }

    /**
     * Gives back a session from {@link #borrowLockSession}. A session that may still hold an advisory
     * lock ({@code clean} false: its release failed or could not be confirmed) is closed instead, so
     * that the database drops its locks with it and the pool never lends a lock to another holder.
     */
    void returnLockSession(Connection session, boolean clean) {
        try {
            if (clean) {
                session.close();
            } else {
                lockSessions.evictConnection(session);
            }
        } catch (SQLException | RuntimeException e) {
            lockSessions.evictConnection(session);
        } finally {
            freeLockSessions.release();
        }
    }

    /**
     * A pool's timeout is busy when no connection failed to open (every one was in use); otherwise
     * the database could not be reached, a storage failure like any other, which the caller rethrows.
     */
    private static void throwIfBusy(SQLTransientConnectionException timeout, String pool)
            throws StorageBusyException {
        if (timeout.getCause() == null) {
            StorageBusyException busy = new StorageBusyException("every database connection for " + pool
                    + " is in use");
            busy.initCause(timeout);
            throw busy;
        }
    }

    /** Closes both pools; the database drops the sessions' locks with them. */
    @Override
    public void close() {
        try (lockSessions) {
            transactions.close();
        }
    }

    /** The URL without its query (which may carry a password), for messages. */
    String redactedUrl() {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    private static void requireSetting(Connection connection, String name, String expected) throws SQLException {
        String value = setting(connection, name);
        if (!value.equals(expected)) {
            throw new SQLException(name + " is " + value + ", the registry needs " + expected);
        }
    }

    private static String setting(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW " + name)) {
            result.next();
            return result.getString(1);
        }
    }
}
