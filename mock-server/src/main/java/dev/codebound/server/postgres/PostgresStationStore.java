package dev.codebound.server.postgres;

import dev.codebound.server.registry.StationDirectory.Station;
import dev.codebound.server.registry.StationStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link StationStore} in PostgreSQL ({@code stations}), shared by every registry node. Writes
 * are single-statement transactions: a revocation is an {@code UPDATE ... WHERE revoked_at IS NULL},
 * so of rivals on any nodes the first to commit stands and the others read it back. Reads are
 * answered from a view of every station, which a node refreshes in the background once it is older
 * than the refresh interval ({@link LocalView}): a station revoked on another node is refused here
 * within about that interval.
 */
public final class PostgresStationStore implements StationStore {
    private static final String COLUMNS = "station_id, serial_hex, fingerprint, enrolled_at, not_after, revoked_at, "
            + "revocation_note, sm2_serial_hex";

    private final Database database;
    private final Map<String, Station> byId = new ConcurrentHashMap<>();
    private final LocalView view;
    /** {@link #revokedSerials}: computed again after each reload and each revocation made here. */
    private volatile Set<String> revokedSerials = Set.of();

    /** Opens the store over a migrated database, loading every station. */
    public PostgresStationStore(Database database, Duration refreshInterval) throws IOException {
        this.database = database;
        this.view = new LocalView(refreshInterval, this::reload);
        view.reloadNow();
    }

    @Override
    public void add(Station station) throws IOException {
        int inserted = database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO stations (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (station_id) DO NOTHING")) {
                insert.setString(1, station.stationId());
                insert.setString(2, station.serialHex());
                insert.setString(3, station.fingerprint());
                Rows.setInstant(insert, 4, station.enrolledAt());
                Rows.setInstant(insert, 5, station.notAfter());
                Rows.setInstant(insert, 6, station.revokedAt());
                insert.setString(7, station.revocationNote());
                insert.setString(8, station.sm2SerialHex());
                return insert.executeUpdate();
            }
        });
        if (inserted == 0) {
            throw new IllegalStateException("a station with id " + station.stationId() + " already exists");
        }
        byId.put(station.stationId(), station);
    }

    @Override
    public Optional<Station> revoke(String stationId, Instant at, String note) throws IOException {
        Optional<Station> result = database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE stations SET revoked_at = ?, "
                    + "revocation_note = ? WHERE station_id = ? AND revoked_at IS NULL RETURNING " + COLUMNS)) {
                Rows.setInstant(update, 1, at);
                update.setString(2, note);
                update.setString(3, stationId);
                Optional<Station> revoked = first(update);
                return revoked.isPresent() ? revoked : select(connection, stationId);
            }
        });
        result.ifPresent(station -> byId.put(station.stationId(), station));
        recomputeRevokedSerials();
        return result;
    }

    @Override
    public Optional<Station> find(String stationId) {
        view.touch();
        return Optional.ofNullable(byId.get(stationId));
    }

    /**
     * The station from the view, or, when the view does not hold it, from the database: it may have
     * enrolled on another node since the view was loaded. A station found is kept in the view
     * (stations are never deleted).
     */
    @Override
    public Optional<Station> findRecorded(String stationId) throws IOException {
        Optional<Station> known = find(stationId);
        if (known.isPresent()) {
            return known;
        }
        Optional<Station> loaded = database.read(connection -> select(connection, stationId));
        loaded.ifPresent(station -> byId.merge(station.stationId(), station,
                (inView, read) -> inView.revoked() && !read.revoked() ? inView : read));
        return loaded.map(station -> byId.get(station.stationId()));
    }

    @Override
    public List<Station> all() {
        view.touch();
        return List.copyOf(byId.values());
    }

    /** Reloads the view now, in the caller's thread. */
    void refresh() throws IOException {
        view.reloadNow();
    }

    private void reload() throws IOException {
        List<Station> stations = database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM stations")) {
                return all(select);
            }
        });
        // Stations are never deleted and a revocation is never undone: a reload that read the rows before
        // a revocation on this node committed must not put the unrevoked station back.
        stations.forEach(station -> byId.merge(station.stationId(), station,
                (known, loaded) -> known.revoked() && !loaded.revoked() ? known : loaded));
        recomputeRevokedSerials();
    }

    @Override
    public Set<String> revokedSerials() {
        view.touch();
        return revokedSerials;
    }

    /**
     * Computes the set from the view now. Synchronized so that of a reload and a revocation made here
     * the later assignment is computed after both changes are in the view.
     */
    private synchronized void recomputeRevokedSerials() {
        revokedSerials = StationStore.revokedSerialsOf(byId.values());
    }

    private static Optional<Station> select(Connection connection, String stationId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM stations WHERE station_id = ?")) {
            select.setString(1, stationId);
            return first(select);
        }
    }

    private static Optional<Station> first(PreparedStatement statement) throws SQLException {
        List<Station> rows = all(statement);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static List<Station> all(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            List<Station> stations = new ArrayList<>();
            while (rows.next()) {
                stations.add(new Station(rows.getString("station_id"), rows.getString("serial_hex"),
                        rows.getString("fingerprint"), Rows.instant(rows, "enrolled_at"),
                        Rows.instant(rows, "not_after"), Rows.instant(rows, "revoked_at"),
                        rows.getString("revocation_note"), rows.getString("sm2_serial_hex")));
            }
            return stations;
        }
    }
}
