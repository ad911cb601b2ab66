package dev.codebound.server.postgres;

import dev.codebound.testkit.LoopbackPostgres;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server on loopback for the tests (the test kit's {@link LoopbackPostgres}),
 * started once per test run and stopped when the run ends. Each test takes a fresh database from
 * {@link #newDatabase}. Without PostgreSQL's binaries the tests fail rather than skip: the PostgreSQL
 * stores must be tested wherever the build runs.
 */
public final class PostgresServer implements BeforeAllCallback {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static LoopbackPostgres running;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (PostgresServer.class) {
            if (running == null) {
                running = LoopbackPostgres.start();
                // The root store closes its resources when the whole test run ends.
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(PostgresServer.class, (ExtensionContext.Store.CloseableResource) () -> {
                            synchronized (PostgresServer.class) {
                                running.close();
                                running = null;
                            }
                        });
            }
        }
    }

    /** A new, empty database on the server, opened as the registry opens its database. */
    public Database newDatabase() throws Exception {
        return Database.open(newDatabaseUrl(), user(), null);
    }

    /** A new, empty database on the server, opened with connection pools of the given sizes. */
    public Database newDatabase(DatabasePools pools) throws Exception {
        return Database.open(newDatabaseUrl(), user(), null, pools);
    }

    /** The JDBC URL of a new, empty database on the server, for {@link #user()} without a password. */
    public String newDatabaseUrl() throws Exception {
        return server().createDatabase("test_" + DATABASES.incrementAndGet());
    }

    /** The database user the tests connect as (trust authentication: no password). */
    public String user() {
        return LoopbackPostgres.USER;
    }

    /** The JDBC URL of database {@code name} on the server. */
    public String url(String name) {
        return server().url(name);
    }

    private static synchronized LoopbackPostgres server() {
        if (running == null) {
            throw new IllegalStateException("register PostgresServer with @RegisterExtension on a static field");
        }
        return running;
    }
}
