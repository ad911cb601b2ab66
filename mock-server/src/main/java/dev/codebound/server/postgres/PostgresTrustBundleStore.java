package dev.codebound.server.postgres;

import dev.codebound.server.registry.TrustBundleStore;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/**
 * The {@link TrustBundleStore} shared by every registry node ({@code trust_bundle}, one row): a
 * publication is one {@code UPDATE ... WHERE sequence = previous} (or the first row's insert), so
 * of two nodes publishing at once exactly one succeeds.
 */
public final class PostgresTrustBundleStore implements TrustBundleStore {
    private final Database database;

    /** The store over a migrated {@code database}. */
    public PostgresTrustBundleStore(Database database) {
        this.database = database;
    }

    @Override
    public Optional<byte[]> published() throws IOException {
        return database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT bundle FROM trust_bundle");
                    ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getBytes(1)) : Optional.<byte[]>empty();
            }
        });
    }

    @Override
    public boolean publish(long previousSequence, long sequence, byte[] signed) throws IOException {
        return database.transaction(connection -> {
            String sql = previousSequence == 0
                    ? "INSERT INTO trust_bundle (sequence, bundle) VALUES (?, ?) ON CONFLICT (singleton) DO NOTHING"
                    : "UPDATE trust_bundle SET sequence = ?, bundle = ? WHERE sequence = ?";
            try (PreparedStatement publish = connection.prepareStatement(sql)) {
                publish.setLong(1, sequence);
                publish.setBytes(2, signed);
                if (previousSequence != 0) {
                    publish.setLong(3, previousSequence);
                }
                return publish.executeUpdate() == 1;
            }
        });
    }

    @Override
    public String toString() {
        return "trust_bundle in " + database.redactedUrl();
    }
}
