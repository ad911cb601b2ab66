package dev.codebound.server.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings the registry's schema up to date: the versioned SQL files beside this class
 * ({@code V<n>__<what>.sql}, listed in {@code migrations.txt}), each applied once, in order, in its
 * own transaction, and recorded in {@code schema_migrations} with its SHA-256.
 *
 * <ul>
 *   <li>Several nodes may start at once: a transaction-scoped advisory lock lets one migrate while
 *       the others wait, then find nothing left to do.</li>
 *   <li>A migration edited after it was applied is refused (its checksum no longer matches): the
 *       change belongs in a new version, or the nodes' databases would silently differ.</li>
 *   <li>A database migrated by a newer registry is refused: this registry would not know its
 *       schema.</li>
 *   <li>PostgreSQL's DDL is transactional, so a crash during a migration leaves the version before
 *       it, and the next start applies it again.</li>
 * </ul>
 */
public final class SchemaMigrations {
    /** An arbitrary constant naming "the registry's schema" among advisory locks. */
    private static final long MIGRATION_LOCK = 0x436f6465626f756eL;
    private static final Pattern NAME = Pattern.compile("V([1-9][0-9]*)__[a-z0-9_]+\\.sql");

    private SchemaMigrations() {}

    /** Applies every migration the database lacks; returns the versions it applied. */
    public static List<Integer> apply(Database database) throws IOException {
        Map<Integer, Migration> known = known();
        return database.transaction(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                statement.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                        + "name text NOT NULL, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            }
            Map<Integer, String> applied = applied(connection);
            int newestKnown = known.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
            for (Map.Entry<Integer, String> done : applied.entrySet()) {
                Migration migration = known.get(done.getKey());
                if (migration == null) {
                    throw new IOException("the database has schema version " + done.getKey() + ", newer than this "
                            + "registry knows (" + newestKnown + "); run a registry at least as new as the one that "
                            + "migrated it");
                }
                if (!migration.sha256().equals(done.getValue())) {
                    throw new IOException("migration " + migration.name() + " differs from the one applied to the "
                            + "database; never edit an applied migration, add a new version instead");
                }
            }
            List<Integer> missing = known.keySet().stream().filter(version -> !applied.containsKey(version)).toList();
            for (int version : missing) {
                Migration migration = known.get(version);
                try (Statement statement = connection.createStatement()) {
                    statement.execute(migration.sql());
                }
                try (PreparedStatement record = connection.prepareStatement(
                        "INSERT INTO schema_migrations (version, name, sha256) VALUES (?, ?, ?)")) {
                    record.setInt(1, version);
                    record.setString(2, migration.name());
                    record.setString(3, migration.sha256());
                    record.executeUpdate();
                }
            }
            return missing;
        });
    }

    private record Migration(String name, String sql, String sha256) {}

    private static Map<Integer, String> applied(Connection connection) throws SQLException {
        Map<Integer, String> applied = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version, sha256 FROM schema_migrations ORDER BY 1")) {
            while (rows.next()) {
                applied.put(rows.getInt(1), rows.getString(2));
            }
        }
        return applied;
    }

    /** The migrations shipped with this registry, by version, in order. */
    static Map<Integer, Migration> known() throws IOException {
        Map<Integer, Migration> known = new LinkedHashMap<>();
        int expected = 1;
        for (String line : resource("migrations.txt").split("\n")) {
            String name = line.strip();
            if (name.isEmpty()) {
                continue;
            }
            Matcher matcher = NAME.matcher(name);
            if (!matcher.matches() || Integer.parseInt(matcher.group(1)) != expected) {
                throw new IllegalStateException("migrations.txt must list V1__..., V2__..., in order; found " + name);
            }
            String sql = resource(name);
            known.put(expected++, new Migration(name, sql, sha256(sql)));
        }
        return known;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SchemaMigrations.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("migration resource " + name + " is missing from the registry jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String sha256(String sql) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(sql.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
