package dev.codebound.server.postgres;

import dev.codebound.server.registry.TrustBundleStore;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@link TrustBundleStore} shared by every registry node ({@code trust_bundle}, one row): a
 * publication is one {@code UPDATE ... WHERE sequence = previous} (or the first row's insert), so
 * of two nodes publishing at once exactly one succeeds.
 *
 * <p>The registry asks for the published bundle at every envelope it accepts, so reads are answered
 * from the row as this node last read or wrote it, refreshed in the background once older than the
 * refresh interval ({@link LocalView}), as the stations' and codes' views are: a bundle another node
 * published is served here within about that interval. A publication this node loses (another node
 * published first) reads the row again at once, so that the publisher takes the winner up and never
 * tries to replace a bundle it has not seen.
 */
public final class PostgresTrustBundleStore implements TrustBundleStore {
    private final Database database;
    private final LocalView view;
    private volatile Optional<byte[]> latest = Optional.empty();

    /** The store over a migrated {@code database}, its row read now and again every {@code refreshInterval}. */
    public PostgresTrustBundleStore(Database database, Duration refreshInterval) throws IOException {
        this.database = database;
        this.view = new LocalView(refreshInterval, this::reload);
        view.reloadNow();
    }

    @Override
    public Optional<byte[]> published() {
        view.touch();
        return latest.map(byte[]::clone);
    }

    private void reload() throws IOException {
        latest = database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT bundle FROM trust_bundle");
                    ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getBytes(1)) : Optional.<byte[]>empty();
            }
        });
    }

    @Override
    public boolean publish(long previousSequence, long sequence, byte[] signed) throws IOException {
        boolean published = database.transaction(connection -> {
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
        if (published) {
            latest = Optional.of(signed.clone());
        } else {
            view.reloadNow();
        }
        return published;
    }

    @Override
    public String toString() {
        return "trust_bundle in " + database.redactedUrl();
    }
}
