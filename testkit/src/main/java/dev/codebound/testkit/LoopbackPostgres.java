package dev.codebound.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server on loopback, for the tests and the benchmarks: {@code initdb} into a
 * temporary directory and {@code pg_ctl} on an ephemeral port of 127.0.0.1, with fsync on (the
 * figures and the durability the tests rely on are those of a real server). {@link #close()} stops it
 * (immediate mode) and deletes its directory.
 *
 * <p>The binaries ({@code initdb}, {@code pg_ctl}, {@code createdb}, all from one directory) come from
 * {@code CODEBOUND_PG_BIN}, else the first directory of the PATH that holds all three, else
 * {@code /usr/lib/postgresql/<version>/bin} (Debian's {@code postgresql} package, which
 * {@code .ci/run} installs on CI). PostgreSQL refuses to run as root, so under root the server runs as
 * the {@code postgres} user. Databases are created with {@code createdb}, so that the kit needs no JDBC
 * driver; the user {@link #USER} connects without a password (trust authentication on loopback).
 */
public final class LoopbackPostgres implements AutoCloseable {
    /** The database user the clients connect as, without a password. */
    public static final String USER = "codebound";

    private final Path directory;
    private final Path bin;
    private final int port;

    private LoopbackPostgres(Path directory, Path bin, int port) {
        this.directory = directory;
        this.bin = bin;
        this.port = port;
    }

    /**
     * Creates a cluster in a new temporary directory and starts it on a free loopback port (three
     * attempts, since another process may take the port between the probe and the bind).
     *
     * @throws IllegalStateException if PostgreSQL's binaries are not found (the message says how to get them)
     * @throws IOException if {@code initdb} or {@code pg_ctl} fails (the message carries their output)
     */
    public static LoopbackPostgres start() throws IOException, InterruptedException {
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
                        // Room for every node and test database one run opens: each keeps pools of connections.
                        "-p " + port + " -c listen_addresses=127.0.0.1 -k " + directory + " -c fsync=on "
                                + "-c max_connections=300",
                        "start"), true);
                return new LoopbackPostgres(directory, bin, port);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Creates the empty database {@code name} (letters, digits and underscores) and returns its JDBC URL. */
    public String createDatabase(String name) throws IOException, InterruptedException {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database names here are lower-case letters, digits and underscores, "
                    + "got " + name);
        }
        run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER,
                name), false);
        return url(name);
    }

    /** The JDBC URL of database {@code name} on this server. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /**
     * The process id of the server's postmaster, from its pid file: the root of the processes whose CPU
     * a benchmark adds up (every backend is its child).
     */
    public OptionalLong postmasterPid() throws IOException {
        Path pidFile = directory.resolve("data").resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return OptionalLong.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
        return lines.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(lines.get(0).strip()));
    }

    /** Stops the server at once (nothing here needs a clean shutdown) and deletes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
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
                .filter(dir -> Stream.of("initdb", "pg_ctl", "createdb")
                        .allMatch(program -> Files.isExecutable(dir.resolve(program))))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("PostgreSQL's initdb, pg_ctl and createdb were not found together "
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
            throw new IOException(String.join(" ", full) + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }
}
