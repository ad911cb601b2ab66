package dev.codebound.bench.nodes;

import dev.codebound.bench.BenchMain;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.objects.ObjectStoreLocation;
import dev.codebound.server.postgres.Database;
import dev.codebound.server.postgres.SharedStorageSettings;
import dev.codebound.testkit.LoopbackPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One set of registry nodes under measurement, started in this JVM on 127.0.0.1 with mutual TLS, as a
 * deployment runs them: the embedded registry over its data directory, or {@code nodes} nodes sharing one
 * PostgreSQL database (new for every set), one object directory and one keys directory.
 */
final class Deployment implements AutoCloseable {
    /** The three subjects of the comparison, in the order they run in every round. */
    enum Kind {
        EMBEDDED("(a) embedded, 1 node, files", 0),
        SHARED_ONE("(b) shared stores, 1 node", 1),
        SHARED_TWO("(c) shared stores, 2 nodes", 2);

        final String label;
        final int sharedNodes;

        Kind(String label, int sharedNodes) {
            this.label = label;
            this.sharedNodes = sharedNodes;
        }
    }

    /** What the database has served so far: connections (sessions) opened and transactions committed. */
    record DatabaseActivity(long sessions, long commits) {
        static final DatabaseActivity NONE = new DatabaseActivity(0, 0);

        DatabaseActivity minus(DatabaseActivity before) {
            return new DatabaseActivity(sessions - before.sessions, commits - before.commits);
        }
    }

    private final List<MockRegistry> nodes;
    private final OptionalLong postmaster;
    private final Database statistics;
    private final Path directory;

    private Deployment(List<MockRegistry> nodes, OptionalLong postmaster, Database statistics, Path directory) {
        this.nodes = nodes;
        this.postmaster = postmaster;
        this.statistics = statistics;
        this.directory = directory;
    }

    /**
     * Starts {@code kind}'s nodes under {@code directory}; the shared kinds take a new database named
     * {@code database} on {@code postgres}.
     */
    static Deployment start(Kind kind, Path directory, LoopbackPostgres postgres, String database)
            throws IOException, InterruptedException {
        List<MockRegistry> nodes = new ArrayList<>();
        try {
            if (kind.sharedNodes == 0) {
                nodes.add(MockRegistry.start(base(directory.resolve("node-a")).build()));
                return new Deployment(nodes, OptionalLong.empty(), null, directory);
            }
            SharedStorageSettings shared = new SharedStorageSettings(postgres.createDatabase(database),
                    LoopbackPostgres.USER, null, new ObjectStoreLocation.Directory(directory.resolve("objects")),
                    SharedStorageSettings.DEFAULT_REFRESH_INTERVAL);
            for (int i = 0; i < kind.sharedNodes; i++) {
                nodes.add(MockRegistry.start(base(directory.resolve("node-" + (char) ('a' + i)))
                        .keysDir(directory.resolve("keys")).sharedStorage(shared).build()));
            }
            return new Deployment(nodes, postgres.postmasterPid(),
                    Database.open(shared.jdbcUrl(), LoopbackPostgres.USER, null), directory);
        } catch (IOException | RuntimeException e) {
            for (MockRegistry node : nodes) {
                node.close();
            }
            throw e;
        }
    }

    private static MockRegistryConfig.Builder base(Path dataDir) {
        return MockRegistryConfig.builder().bindAddress("127.0.0.1").port(0).dataDir(dataDir).tls(true);
    }

    /** The node that enrols the stations and issues the codes (any node would do: they share the stores). */
    MockRegistry first() {
        return nodes.get(0);
    }

    /** The node station number {@code station} uploads to: the stations are split evenly across the nodes. */
    MockRegistry nodeFor(int station) {
        return nodes.get(station % nodes.size());
    }

    int size() {
        return nodes.size();
    }

    /** CPU seconds used so far by the PostgreSQL server, or 0 for the embedded registry. */
    double databaseCpuSeconds() throws IOException {
        return CpuClock.postgresSeconds(postmaster);
    }

    /**
     * The database's own count of sessions and commits (its cumulative statistics), or none for the embedded
     * registry. PostgreSQL publishes a backend's figures when it exits or at most once a second, so read this
     * a second or more after the work it is to count; the read itself adds one session and one commit.
     */
    DatabaseActivity databaseActivity() throws IOException {
        if (statistics == null) {
            return DatabaseActivity.NONE;
        }
        return statistics.transaction(connection -> {
            try (Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("SELECT sessions, xact_commit FROM pg_stat_database "
                            + "WHERE datname = current_database()")) {
                row.next();
                return new DatabaseActivity(row.getLong(1), row.getLong(2));
            }
        });
    }

    @Override
    public void close() throws IOException {
        for (MockRegistry node : nodes) {
            node.close();
        }
        BenchMain.deleteTree(directory);
    }
}
