package dev.codebound.server.postgres;

import dev.codebound.server.registry.EnrollmentService.TokenRecord;
import dev.codebound.server.registry.EnrollmentTokenStore;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@link EnrollmentTokenStore} in PostgreSQL ({@code enrollment_tokens}). A redemption is one
 * {@code UPDATE ... WHERE used_at IS NULL}: the database lets exactly one of rival redemptions on any
 * nodes change the row, so one token enrolls one station.
 */
public final class PostgresEnrollmentTokenStore implements EnrollmentTokenStore {
    private static final String COLUMNS = "token_hash, issued_at, expires_at, note, used_at, station_id";

    private final Database database;

    /** The store over a migrated database. */
    public PostgresEnrollmentTokenStore(Database database) {
        this.database = database;
    }

    @Override
    public void add(TokenRecord token) throws IOException {
        int inserted = database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO enrollment_tokens (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING")) {
                insert.setString(1, token.tokenHash());
                Rows.setInstant(insert, 2, token.issuedAt());
                Rows.setInstant(insert, 3, token.expiresAt());
                insert.setString(4, token.note());
                Rows.setInstant(insert, 5, token.usedAt());
                insert.setString(6, token.stationId());
                return insert.executeUpdate();
            }
        });
        if (inserted == 0) {
            throw new IllegalStateException("a token with this hash already exists");
        }
    }

    @Override
    public Optional<TokenRecord> find(String tokenHash) throws IOException {
        return database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM enrollment_tokens WHERE token_hash = ?")) {
                select.setString(1, tokenHash);
                return first(select);
            }
        });
    }

    @Override
    public Optional<TokenRecord> redeem(String tokenHash, Instant usedAt, String stationId) throws IOException {
        return database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE enrollment_tokens SET used_at = ?, "
                    + "station_id = ? WHERE token_hash = ? AND used_at IS NULL RETURNING " + COLUMNS)) {
                Rows.setInstant(update, 1, usedAt);
                update.setString(2, stationId);
                update.setString(3, tokenHash);
                return first(update);
            }
        });
    }

    private static Optional<TokenRecord> first(PreparedStatement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                return Optional.empty();
            }
            return Optional.of(new TokenRecord(row.getString("token_hash"), Rows.instant(row, "issued_at"),
                    Rows.instant(row, "expires_at"), row.getString("note"), Rows.instant(row, "used_at"),
                    row.getString("station_id")));
        }
    }
}
