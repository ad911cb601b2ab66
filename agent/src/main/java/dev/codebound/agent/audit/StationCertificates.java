package dev.codebound.agent.audit;

import dev.codebound.agent.station.StationHome;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The station certificates a log's checkpoints may name: the one pinned in the station home at
 * enrollment ({@code station.cert.pem}) and the copies kept under {@code log/certificates/}. A
 * certificate is found only if the pinned registry CA issued it and it was valid when the
 * checkpoint was signed. Being found is not being trusted: anyone can drop a registry-issued
 * certificate of another station into the directory, so which keys may sign this station's
 * checkpoints is decided by {@link SignerTrust}, from the pinned certificate.
 */
final class StationCertificates {
    private final X509Certificate pinned;
    private final List<X509Certificate> candidates = new ArrayList<>();
    private final X509Certificate registryCa;

    StationCertificates(StationHome home, X509Certificate registryCa) throws IOException {
        this.registryCa = registryCa;
        if (Files.exists(home.certificate())) {
            candidates.addAll(PemFiles.readCertificates(home.certificate()));
        }
        this.pinned = candidates.isEmpty() ? null : candidates.get(0);
        Path kept = LogFiles.certificates(home);
        if (Files.isDirectory(kept)) {
            try (Stream<Path> files = Files.list(kept)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".pem")).sorted().toList()) {
                    candidates.addAll(PemFiles.readCertificates(file));
                }
            }
        }
    }

    /** The certificate the station home pins ({@code station.cert.pem}), if the station is enrolled. */
    Optional<X509Certificate> pinned() {
        return Optional.ofNullable(pinned);
    }

    /**
     * The registry-issued certificate with this fingerprint, valid at {@code at}.
     *
     * @throws PkiException saying why none qualifies
     */
    X509Certificate find(String fingerprint, Instant at) {
        for (X509Certificate certificate : candidates) {
            if (Certificates.fingerprint(certificate).equals(fingerprint)) {
                Certificates.requireIssuedBy(certificate, registryCa, at);
                return certificate;
            }
        }
        throw new PkiException("no station certificate with fingerprint " + fingerprint + " is in the station home "
                + "or log/certificates/");
    }
}
