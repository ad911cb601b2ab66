package dev.codebound.server.registry;

import dev.codebound.protocol.pki.Certificates;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The stations the registry has enrolled, and which of them are revoked. Durable. */
public final class StationDirectory {
    /**
     * One enrolled station.
     *
     * @param stationId      the id the registry assigned (certificate CN)
     * @param serialHex      the certificate's serial number in hex
     * @param fingerprint    SHA-256 of the certificate
     * @param enrolledAt     when the certificate was issued
     * @param notAfter       when the certificate expires
     * @param revokedAt      when it was revoked, or {@code null}
     * @param revocationNote why, as the administrator said (no personal data)
     */
    public record Station(String stationId, String serialHex, String fingerprint, Instant enrolledAt, Instant notAfter,
            Instant revokedAt, String revocationNote) {
        public boolean revoked() {
            return revokedAt != null;
        }
    }

    private final JsonRecordStore<Station> records;
    /** Every record, read once at open and kept in step with each durable write: checked per request. */
    private final Map<String, Station> byId = new ConcurrentHashMap<>();

    public StationDirectory(Path directory) throws IOException {
        this.records = new JsonRecordStore<>(directory, Station.class);
        records.all().forEach(station -> byId.put(station.stationId(), station));
    }

    /** Records a newly issued station certificate. */
    public synchronized Station add(X509Certificate certificate, Instant enrolledAt) throws IOException {
        Station station = new Station(Certificates.commonName(certificate), Certificates.serialHex(certificate),
                Certificates.fingerprint(certificate), enrolledAt, certificate.getNotAfter().toInstant(), null, null);
        records.put(station.stationId(), station);
        byId.put(station.stationId(), station);
        return station;
    }

    public Optional<Station> find(String stationId) {
        return Optional.ofNullable(byId.get(stationId));
    }

    public List<Station> all() {
        return byId.values().stream().sorted(Comparator.comparing(Station::enrolledAt)).toList();
    }

    /**
     * Revokes a station's certificate. Revoking twice keeps the first revocation.
     *
     * @throws RegistryException STATION_UNKNOWN (404) for an id never enrolled
     */
    public synchronized Station revoke(String stationId, String note, Instant at) throws IOException, RegistryException {
        Station station = find(stationId).orElseThrow(() -> new RegistryException("STATION_UNKNOWN", 404,
                "no station '" + stationId + "' has been enrolled"));
        if (station.revoked()) {
            return station;
        }
        Station revoked = new Station(station.stationId(), station.serialHex(), station.fingerprint(),
                station.enrolledAt(), station.notAfter(), at, note);
        records.put(stationId, revoked);
        byId.put(stationId, revoked);
        return revoked;
    }

    /** Serial numbers of every revoked station certificate (for the trust bundle and TLS checks). */
    public Set<String> revokedSerials() {
        return all().stream().filter(Station::revoked).map(Station::serialHex).collect(Collectors.toSet());
    }

    /** Whether the certificate presented by a client is revoked. */
    public boolean isRevoked(X509Certificate certificate) {
        return isRevoked(Certificates.commonName(certificate), Certificates.serialHex(certificate));
    }

    /** Whether the station with this id has been revoked (whatever certificate it presents). */
    public boolean isRevoked(String stationId) {
        Station station = byId.get(stationId);
        return station != null && station.revoked();
    }

    /** Whether the station certificate with this id and serial is revoked. */
    public boolean isRevoked(String stationId, String serialHex) {
        Station station = byId.get(stationId);
        return station != null && station.revoked() && station.serialHex().equals(serialHex);
    }
}
