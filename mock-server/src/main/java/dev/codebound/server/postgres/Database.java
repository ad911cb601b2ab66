package dev.codebound.server.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A PostgreSQL database the registry keeps its shared state in, and the one way the stores talk to
 * it: short transactions on connections of their own.
 *
 * <p>Durability is PostgreSQL's: a transaction is durable when its commit returns, provided the
 * server runs with {@code fsync} on and {@code synchronous_commit} not off. {@link #open} checks both
 * and refuses a server that would acknowledge commits it can lose, because a registry acknowledges
 * chunks and receipts on the strength of those commits.
 *
 * <p>Every operation opens its own connection: the stores' writes are administrative and rare,
 * and everything asked per request is answered from memory, so a pool would add a dependency and
 * state without saving anything that matters here.
 */
public final class Database {
    private final String url;
    private final Properties properties;

    private Database(String url, Properties properties) {
        this.url = url;
        this.properties = properties;
    }

    /**
     * The database at {@code jdbcUrl} ({@code jdbc:postgresql://host:port/name}), after checking that
     * it commits durably.
     *
     * @throws IOException if it cannot be reached, or runs with fsync or synchronous commits off
     */
    public static Database open(String jdbcUrl, String user, String password) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", "codebound-registry");
        Database database = new Database(jdbcUrl, properties);
        database.transaction(connection -> {
            requireSetting(connection, "fsync", "on");
            String synchronous = setting(connection, "synchronous_commit");
            if (synchronous.equals("off")) {
                throw new SQLException("synchronous_commit is off: a commit could be lost after it returned");
            }
            return null;
        });
        return database;
    }

    /** Work done in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        /** Does the work on {@code connection}; the transaction commits if this returns. */
        T run(Connection connection) throws SQLException, IOException;
    }

    /**
     * Runs {@code work} in one transaction on a fresh connection and commits it; the result is durable
     * when this returns. A failure rolls the transaction back and surfaces as an {@link IOException}
     * (the stores' contracts speak of storage failures, not of SQL).
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

    /** A new connection in manual-commit mode; the caller closes it. */
    public Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection(url, properties);
        connection.setAutoCommit(false);
        return connection;
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
