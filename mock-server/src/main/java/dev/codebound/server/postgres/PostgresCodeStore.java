package dev.codebound.server.postgres;

import dev.codebound.server.registry.CodeBook.CodeRecord;
import dev.codebound.server.registry.CodeStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link CodeStore} in PostgreSQL ({@code codes}). A revocation is one
 * {@code UPDATE ... WHERE revoked_at IS NULL}, so of rivals on any nodes the first to commit stands.
 * The ids of revoked codes, asked on every acceptance, are answered from a view that a node
 * refreshes in the background once it is older than the refresh interval ({@link LocalView}).
 *
 * <p>The code keys (columns {@code code_key_sha256}, {@code code_key_sm3}, hex in the record) of rows
 * written before they existed are derived from the row's text when a node opens the store: each row
 * in its own {@code UPDATE ... WHERE code_key_sha256 IS NULL}, so nodes starting together agree and
 * a crash part way leaves the rest to the next start.
 */
public final class PostgresCodeStore implements CodeStore {
    private static final String COLUMNS = "code_id, text, school_code, cohort, not_before, not_after, issued_at, "
            + "revoked_at, code_key_sha256, code_key_sm3";

    private final Database database;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final LocalView view;

    /** Opens the store over a migrated database, loading the revoked codes' ids. */
    public PostgresCodeStore(Database database, Duration refreshInterval) throws IOException {
        this.database = database;
        this.view = new LocalView(refreshInterval, this::reload);
        view.reloadNow();
        addMissingCodeKeys();
    }

    private void addMissingCodeKeys() throws IOException {
        List<CodeRecord> keyless = database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM codes WHERE code_key_sha256 IS NULL OR code_key_sm3 IS NULL")) {
                return rows(select);
            }
        });
        for (CodeRecord record : keyless) {
            Optional<CodeRecord> keyed = record.withCodeKeys();
            if (keyed.isEmpty()) {
                continue;
            }
            database.transaction(connection -> {
                try (PreparedStatement update = connection.prepareStatement("UPDATE codes SET code_key_sha256 = ?, "
                        + "code_key_sm3 = ? WHERE code_id = ? AND (code_key_sha256 IS NULL OR code_key_sm3 IS NULL)")) {
                    update.setBytes(1, hex(keyed.get().codeKeySha256()));
                    update.setBytes(2, hex(keyed.get().codeKeySm3()));
                    update.setString(3, record.codeId());
                    return update.executeUpdate();
                }
            });
        }
    }

    @Override
    public void add(CodeRecord code) throws IOException {
        addAll(List.of(code));
    }

    /** {@inheritDoc} One transaction, the rows sent in one batch; a clash rolls the whole batch back. */
    @Override
    public void addAll(List<CodeRecord> codes) throws IOException {
        database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO codes (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code_id) DO NOTHING")) {
                for (CodeRecord code : codes) {
                    insert.setString(1, code.codeId());
                    insert.setString(2, code.text());
                    insert.setInt(3, code.schoolCode());
                    insert.setInt(4, code.cohort());
                    Rows.setInstant(insert, 5, code.notBefore());
                    Rows.setInstant(insert, 6, code.notAfter());
                    Rows.setInstant(insert, 7, code.issuedAt());
                    Rows.setInstant(insert, 8, code.revokedAt());
                    insert.setBytes(9, hex(code.codeKeySha256()));
                    insert.setBytes(10, hex(code.codeKeySm3()));
                    insert.addBatch();
                }
                int[] inserted = insert.executeBatch();
                for (int i = 0; i < inserted.length; i++) {
                    if (inserted[i] == 0) {
                        throw new IllegalStateException("a code with id " + codes.get(i).codeId() + " already exists");
                    }
                }
                return null;
            }
        });
    }

    @Override
    public Optional<CodeRecord> find(String codeId) throws IOException {
        return database.read(connection -> select(connection, codeId));
    }

    @Override
    public List<CodeRecord> all() throws IOException {
        return database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM codes")) {
                return rows(select);
            }
        });
    }

    @Override
    public Optional<CodeRecord> revoke(String codeId, Instant at) throws IOException {
        Optional<CodeRecord> result = database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE codes SET revoked_at = ? "
                    + "WHERE code_id = ? AND revoked_at IS NULL RETURNING " + COLUMNS)) {
                Rows.setInstant(update, 1, at);
                update.setString(2, codeId);
                List<CodeRecord> changed = rows(update);
                return changed.isEmpty() ? select(connection, codeId) : Optional.of(changed.get(0));
            }
        });
        result.ifPresent(record -> revoked.add(record.codeId()));
        return result;
    }

    @Override
    public Set<String> revokedCodeIds() {
        view.touch();
        return Set.copyOf(revoked);
    }

    /** Reloads the view now, in the caller's thread. */
    void refresh() throws IOException {
        view.reloadNow();
    }

    private void reload() throws IOException {
        // A revocation is never undone, so the view only grows.
        revoked.addAll(database.transaction(connection -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT code_id FROM codes WHERE revoked_at IS NOT NULL");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }));
    }

    private static Optional<CodeRecord> select(Connection connection, String codeId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM codes WHERE code_id = ?")) {
            select.setString(1, codeId);
            List<CodeRecord> found = rows(select);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    private static byte[] hex(String hex) {
        return hex == null ? null : HexFormat.of().parseHex(hex);
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? null : HexFormat.of().formatHex(bytes);
    }

    private static List<CodeRecord> rows(PreparedStatement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery()) {
            List<CodeRecord> records = new ArrayList<>();
            while (row.next()) {
                records.add(new CodeRecord(row.getString("code_id"), row.getString("text"), row.getInt("school_code"),
                        row.getInt("cohort"), Rows.instant(row, "not_before"), Rows.instant(row, "not_after"),
                        Rows.instant(row, "issued_at"), Rows.instant(row, "revoked_at"),
                        hex(row.getBytes("code_key_sha256")), hex(row.getBytes("code_key_sm3"))));
            }
            return records;
        }
    }
}
