package dev.codebound.server.registry;

import dev.codebound.protocol.pki.Certificates;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The stations the registry has enrolled, and which of them are revoked, over a
 * {@link StationStore} (durability and concurrency are the store's contract).
 */
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
     * @param sm2SerialHex   the serial of the station's SM2 envelope-signing certificate (suite 2), issued
     *                       beside its P-256 one (TLS, suite 1), or {@code null} when it enrolled without one
     */
    public record Station(String stationId, String serialHex, String fingerprint, Instant enrolledAt, Instant notAfter,
            Instant revokedAt, String revocationNote, String sm2SerialHex) {
        public boolean revoked() {
            return revokedAt != null;
        }

        /**
         * The serial of the certificate this station signs envelopes of suite {@code suiteId} with: its
         * P-256 certificate for suite 1, its SM2 certificate for suite 2 (empty when it has none).
         */
        public Optional<String> signingSerialHex(int suiteId) {
            return suiteId == 2 ? Optional.ofNullable(sm2SerialHex) : Optional.of(serialHex);
        }
    }

    private final StationStore store;

    /** The directory over {@code store}. */
    public StationDirectory(StationStore store) {
        this.store = store;
    }

    /** Records a newly issued station certificate (a station without a suite 2 signing certificate). */
    public Station add(X509Certificate certificate, Instant enrolledAt) throws IOException {
        return add(certificate, Optional.empty(), enrolledAt);
    }

    /**
     * Records a newly issued station certificate and, for a suite 2 station, its SM2 envelope-signing
     * certificate (same station id, issued in the same enrollment).
     */
    public Station add(X509Certificate certificate, Optional<X509Certificate> sm2Certificate,
            Instant enrolledAt) throws IOException {
        Station station = new Station(Certificates.commonName(certificate), Certificates.serialHex(certificate),
                Certificates.fingerprint(certificate), enrolledAt, certificate.getNotAfter().toInstant(), null, null,
                sm2Certificate.map(Certificates::serialHex).orElse(null));
        store.add(station);
        return station;
    }

    /** The station with this id; answered from memory, so it may be asked on every request. */
    public Optional<Station> find(String stationId) {
        return store.find(stationId);
    }

    /**
     * The station with this id as the store has recorded it ({@link StationStore#findRecorded}): for
     * a refusal that is for good, off the network threads.
     */
    public Optional<Station> findRecorded(String stationId) throws IOException {
        return store.findRecorded(stationId);
    }

    /** Every station, oldest enrollment first. */
    public List<Station> all() {
        return store.all().stream().sorted(Comparator.comparing(Station::enrolledAt)).toList();
    }

    /**
     * Revokes a station's certificate. Revoking twice keeps the first revocation.
     *
     * @throws Refusal STATION_UNKNOWN (404) for an id never enrolled
     */
    public Station revoke(String stationId, String note, Instant at) throws IOException, Refusal {
        return store.revoke(stationId, at, note).orElseThrow(() -> new Refusal(ProblemType.STATION_UNKNOWN,
                "no station '" + stationId + "' has been enrolled"));
    }

    /**
     * Serial numbers of every revoked station certificate, P-256 and SM2 (for the trust bundle and TLS
     * checks): revoking a station withdraws both of its certificates.
     */
    public Set<String> revokedSerials() {
        // Asked for every envelope accepted (through the trust bundle): the store keeps it, rather than
        // this filtering every station each time.
        return store.revokedSerials();
    }

    /** Whether the certificate presented by a client is revoked. */
    public boolean isRevoked(X509Certificate certificate) {
        return isRevoked(Certificates.commonName(certificate), Certificates.serialHex(certificate));
    }

    /** Whether the station with this id has been revoked (whatever certificate it presents). */
    public boolean isRevoked(String stationId) {
        return find(stationId).map(Station::revoked).orElse(false);
    }

    /** Whether the station certificate with this id and serial is revoked. */
    public boolean isRevoked(String stationId, String serialHex) {
        return find(stationId).filter(station -> station.revoked() && station.serialHex().equals(serialHex))
                .isPresent();
    }
}
