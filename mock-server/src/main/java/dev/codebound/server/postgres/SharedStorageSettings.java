package dev.codebound.server.postgres;

import dev.codebound.server.objects.ObjectStoreLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where a registry node keeps the state it shares with the other nodes of its registry: a
 * PostgreSQL database and an object store (a shared directory or an S3 bucket). The password is never shown:
 * {@link #toString()} leaves it out, so that a logged configuration carries no secret.
 *
 * @param jdbcUrl          {@code jdbc:postgresql://host:port/database}
 * @param user             the database user
 * @param password         the user's password, or null where the database needs none (trust, peer)
 * @param objects          where the shared object store lives ({@code --objects} or {@code --s3-*})
 * @param refreshInterval  how soon another node's revocations reach this node's views
 * @param pools            how many database connections this node keeps, and how long it waits for one
 */
public record SharedStorageSettings(String jdbcUrl, String user, String password, ObjectStoreLocation objects,
        Duration refreshInterval, DatabasePools pools) {
    /** The environment variable a node reads the database password from when no file is given. */
    public static final String PASSWORD_VARIABLE = "CODEBOUND_POSTGRES_PASSWORD";
    /** How soon another node's revocations reach this node unless told otherwise: 2 s. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(2);

    public SharedStorageSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(objects, "objects");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        Objects.requireNonNull(pools, "pools");
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("the database URL must start with jdbc:postgresql://, as in "
                    + "jdbc:postgresql://db.example:5432/codebound");
        }
        if (jdbcUrl.contains("password=")) {
            throw new IllegalArgumentException("the database URL must not carry the password; give it in a file "
                    + "(--postgres-password-file) or the environment (CODEBOUND_POSTGRES_PASSWORD)");
        }
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("the refresh interval must be positive, got " + refreshInterval);
        }
    }

    /** Settings with the {@linkplain DatabasePools#DEFAULT default pools}. */
    public SharedStorageSettings(String jdbcUrl, String user, String password, ObjectStoreLocation objects,
            Duration refreshInterval) {
        this(jdbcUrl, user, password, objects, refreshInterval, DatabasePools.DEFAULT);
    }

    /**
     * The password in {@code file}: its first line. The error names the file, never its content.
     *
     * @throws IllegalArgumentException if it cannot be read or is empty
     */
    public static String readPassword(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the database password file " + file + ": " + e, e);
        }
        if (lines.isEmpty() || lines.get(0).isEmpty()) {
            throw new IllegalArgumentException("the database password file " + file + " is empty; its first line "
                    + "must be the password");
        }
        return lines.get(0);
    }

    @Override
    public String toString() {
        return "SharedStorageSettings[" + jdbcUrl + ", user " + user + (password == null ? "" : ", password set")
                + ", objects " + objects.describe() + ", refresh " + refreshInterval + ", " + pools + "]";
    }
}
