package dev.codebound.server.registry;

import dev.codebound.server.registry.StationDirectory.Station;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where the enrolled stations are kept: the storage seam behind {@link StationDirectory} (the
 * embedded {@link FileStationStore}; a database shared by several registry nodes fits behind it).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Durability</b>: {@link #add} and {@link #revoke} return only once the change is durable;
 *       a crash during a call leaves the station as it was before the call or as it is after it,
 *       never a mix, and nothing about the change is visible before it is durable.</li>
 *   <li><b>Concurrency</b>: every method may be called from any thread, and from every node that
 *       shares the store, at the same time. {@link #revoke} is atomic: of concurrent revocations of one
 *       station exactly one takes effect and every caller gets that one back.</li>
 *   <li><b>Reads on the request path</b>: {@link #find} is asked on every authenticated request
 *       (is this station revoked?), possibly on a network thread, so it answers from memory and
 *       never blocks on storage. A store shared by several nodes therefore keeps a local view and
 *       must document how soon a revocation made on another node reaches it; the node that revoked
 *       sees it as soon as {@link #revoke} returns.</li>
 * </ul>
 */
public interface StationStore {
    /**
     * Records a newly enrolled station.
     *
     * @throws IllegalStateException if a station with the same id exists (ids are random: a
     *                               collision is a bug, never overwritten)
     */
    void add(Station station) throws IOException;

    /**
     * Revokes a station; the first revocation stands, so revoking again returns the station as it
     * was first revoked.
     *
     * @return the revoked station, or empty when no station has this id
     */
    Optional<Station> revoke(String stationId, Instant at, String note) throws IOException;

    /** The station with this id, from memory. */
    Optional<Station> find(String stationId);

    /**
     * The station with this id as the store has recorded it, for a decision that refuses for good
     * when the station is unknown (an envelope's acceptance): a store shared by several nodes looks
     * past its local view when the view does not hold the station, which may have enrolled on
     * another node since. May block on storage: never call it on a network thread. A store whose
     * memory is its record (one node) answers as {@link #find} does.
     *
     * @throws IOException when the store cannot be read: a transient failure, not an unknown station
     */
    default Optional<Station> findRecorded(String stationId) throws IOException {
        return find(stationId);
    }

    /** Every station, in no particular order. */
    List<Station> all();

    /**
     * The serial numbers of every revoked station's certificates, P-256 and SM2, from memory, as
     * {@link #find} sees them. Asked for every envelope accepted (through the trust bundle), so a
     * store keeps it up to date with each revocation it makes or loads instead of computing it from
     * every station on each call.
     */
    Set<String> revokedSerials();

    /** The serial numbers of the revoked ones among {@code stations}: what {@link #revokedSerials} answers. */
    static Set<String> revokedSerialsOf(Collection<Station> stations) {
        return stations.stream().filter(Station::revoked)
                .flatMap(station -> Stream.concat(Stream.of(station.serialHex()),
                        Optional.ofNullable(station.sm2SerialHex()).stream()))
                .collect(Collectors.toUnmodifiableSet());
    }
}
