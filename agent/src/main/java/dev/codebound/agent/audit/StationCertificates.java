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
import java.util.stream.Stream;

/**
 * Finds the station certificate a checkpoint names, among the home's current certificate and the
 * copies kept under {@code log/certificates/}. A copy is trusted only if the pinned registry CA
 * issued it and it was valid when the checkpoint was signed: anyone can drop a PEM file into the
 * directory, but only the registry can make one that passes.
 */
final class StationCertificates {
    private final List<X509Certificate> candidates = new ArrayList<>();
    private final X509Certificate registryCa;

    StationCertificates(StationHome home, X509Certificate registryCa) throws IOException {
        this.registryCa = registryCa;
        if (Files.exists(home.certificate())) {
            candidates.addAll(PemFiles.readCertificates(home.certificate()));
        }
        Path kept = LogFiles.certificates(home);
        if (Files.isDirectory(kept)) {
            try (Stream<Path> files = Files.list(kept)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".pem")).sorted().toList()) {
                    candidates.addAll(PemFiles.readCertificates(file));
                }
            }
        }
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
