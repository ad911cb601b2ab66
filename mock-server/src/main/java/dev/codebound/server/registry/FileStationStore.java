package dev.codebound.server.registry;

import dev.codebound.server.registry.StationDirectory.Station;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded {@link StationStore}: one JSON record per station under a directory
 * ({@code registry/stations/<station id>.json}), every record also held in memory, read once at open
 * and kept in step with each durable write.
 */
public final class FileStationStore implements StationStore {
    private final JsonRecordStore<Station> records;
    private final Map<String, Station> byId = new ConcurrentHashMap<>();
    private final RecordChanges changes = new RecordChanges();
    /** {@link #revokedSerials}: computed at open and again after each revocation. */
    private volatile Set<String> revokedSerials;

    /** Opens (creating, owner-only) the store under {@code directory}. */
    public FileStationStore(Path directory) throws IOException {
        this.records = new JsonRecordStore<>(directory, Station.class);
        records.all().forEach(station -> byId.put(station.stationId(), station));
        recomputeRevokedSerials();
    }

    @Override
    public void add(Station station) throws IOException {
        changes.of(station.stationId(), () -> {
            if (byId.containsKey(station.stationId())) {
                throw new IllegalStateException("a station with id " + station.stationId() + " already exists");
            }
            records.put(station.stationId(), station);
            byId.put(station.stationId(), station);
            return station;
        });
    }

    @Override
    public Optional<Station> revoke(String stationId, Instant at, String note) throws IOException {
        return changes.of(stationId, () -> {
            Station station = byId.get(stationId);
            if (station == null || station.revoked()) {
                return Optional.ofNullable(station);
            }
            Station revoked = new Station(station.stationId(), station.serialHex(), station.fingerprint(),
                    station.enrolledAt(), station.notAfter(), at, note, station.sm2SerialHex());
            records.put(stationId, revoked);
            byId.put(stationId, revoked);
            recomputeRevokedSerials();
            return Optional.of(revoked);
        });
    }

    @Override
    public Optional<Station> find(String stationId) {
        return Optional.ofNullable(byId.get(stationId));
    }

    @Override
    public List<Station> all() {
        return List.copyOf(byId.values());
    }

    @Override
    public Set<String> revokedSerials() {
        return revokedSerials;
    }

    /**
     * Computes the set from the stations in memory now. Synchronized so that of two revocations of
     * different stations the later assignment is computed after both are in memory (each calls this
     * after its own change, and the last to enter sees every change made before it).
     */
    private synchronized void recomputeRevokedSerials() {
        revokedSerials = StationStore.revokedSerialsOf(byId.values());
    }
}
