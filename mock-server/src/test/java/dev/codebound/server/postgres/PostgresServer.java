package dev.codebound.server.postgres;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server on loopback for the tests: {@code initdb} into a temporary directory and
 * {@code pg_ctl} on an ephemeral port, started once per test run and stopped (immediate mode) when
 * the run ends. Each test takes a fresh database from {@link #newDatabase}.
 *
 * <p>The binaries come from {@code CODEBOUND_PG_BIN}, else {@code pg_ctl} on the PATH, else
 * {@code /usr/lib/postgresql/<version>/bin} (Debian's {@code postgresql} package, which
 * {@code .ci/run} installs on CI). Without them the tests fail rather than skip: the PostgreSQL
 * stores must be tested wherever the build runs. PostgreSQL refuses to run as root, so under root
 * the server runs as the {@code postgres} user.
 */
public final class PostgresServer implements BeforeAllCallback {
    private static final String USER = "codebound";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static Running running;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (PostgresServer.class) {
            if (running == null) {
                running = Running.start();
                // The root store closes its resources when the whole test run ends.
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(PostgresServer.class, (ExtensionContext.Store.CloseableResource) () -> {
                            synchronized (PostgresServer.class) {
                                running.stop();
                                running = null;
                            }
                        });
            }
        }
    }

    /** A new, empty database on the server, opened as the registry opens its database. */
    public Database newDatabase() throws Exception {
        return Database.open(newDatabaseUrl(), USER, null);
    }

    /** The JDBC URL of a new, empty database on the server, for {@link #user()} without a password. */
    public String newDatabaseUrl() throws Exception {
        String name = "test_" + DATABASES.incrementAndGet();
        Running server = server();
        try (Connection admin = Database.open(server.url("postgres"), USER, null).connect();
                Statement statement = admin.createStatement()) {
            admin.setAutoCommit(true);
            statement.execute("CREATE DATABASE " + name);
        }
        return server.url(name);
    }

    /** The database user the tests connect as (trust authentication: no password). */
    public String user() {
        return USER;
    }

    /** The JDBC URL of database {@code name} on the server. */
    public String url(String name) {
        return server().url(name);
    }

    private static synchronized Running server() {
        if (running == null) {
            throw new IllegalStateException("register PostgresServer with @RegisterExtension on a static field");
        }
        return running;
    }

    private record Running(Path directory, Path bin, int port) {
        static Running start() throws IOException, InterruptedException {
            Path bin = binaries();
            Path directory = Files.createTempDirectory("codebound-pg");
            if (runsAsRoot()) {
                run(List.of("chown", "postgres", directory.toString()), false);
            }
            run(List.of(bin.resolve("initdb").toString(), "-D", directory.resolve("data").toString(), "-U", USER,
                    "--auth=trust", "-E", "UTF8", "--no-locale"), true);
            IOException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = freePort();
                try {
                    run(List.of(bin.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(),
                            "-l", directory.resolve("server.log").toString(), "-w", "-t", "120", "-o",
                            "-p " + port + " -c listen_addresses=127.0.0.1 -k " + directory + " -c fsync=on",
                            "start"), true);
                    return new Running(directory, bin, port);
                } catch (IOException e) {
                    last = e;
                }
            }
            throw last;
        }

        String url(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        }

        void stop() throws IOException, InterruptedException {
            try {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(), "-m",
                        "immediate", "-w", "stop"), true);
            } finally {
                try (Stream<Path> files = Files.walk(directory)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }

        private static Path binaries() {
            List<Path> candidates = new ArrayList<>();
            Optional.ofNullable(System.getenv("CODEBOUND_PG_BIN")).map(Path::of).ifPresent(candidates::add);
            for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!entry.isEmpty()) {
                    candidates.add(Path.of(entry));
                }
            }
            try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
                versions.sorted(Comparator.reverseOrder()).map(version -> version.resolve("bin"))
                        .forEach(candidates::add);
            } catch (IOException e) {
                // No Debian layout: the PATH and CODEBOUND_PG_BIN are the only places to look.
            }
            return candidates.stream()
                    .filter(dir -> Files.isExecutable(dir.resolve("pg_ctl"))
                            && Files.isExecutable(dir.resolve("initdb")))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("PostgreSQL's initdb and pg_ctl were not found "
                            + "(looked in CODEBOUND_PG_BIN, the PATH and /usr/lib/postgresql/*/bin); install "
                            + "PostgreSQL 15 or later (Debian: apt-get install postgresql) or set CODEBOUND_PG_BIN"));
        }

        private static boolean runsAsRoot() {
            return "root".equals(System.getProperty("user.name"));
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }

        private static void run(List<String> command, boolean asServerUser) throws IOException, InterruptedException {
            List<String> full = new ArrayList<>();
            if (asServerUser && runsAsRoot()) {
                full.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            full.addAll(command);
            Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", full) + " failed: "
                        + new String(output, StandardCharsets.UTF_8));
            }
        }
    }
}
