package dev.codebound.agent.registry;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The registry's answer to an enrollment, as received and not yet checked (see {@link EnrollmentCheck}).
 *
 * @param stationId      the station id the registry assigned
 * @param certificate    the station certificate (P-256: TLS, suite 1 envelopes)
 * @param registryCa     the registry CA certificate the registry says it has
 * @param trustBundle    the signed trust bundle, as bytes
 * @param sm2Certificate the SM2 envelope-signing certificate, when the station asked for one (suite 2)
 */
public record Enrollment(String stationId, X509Certificate certificate, X509Certificate registryCa,
        byte[] trustBundle, Optional<X509Certificate> sm2Certificate) {

    /** An answer without an SM2 certificate. */
    public Enrollment(String stationId, X509Certificate certificate, X509Certificate registryCa, byte[] trustBundle) {
        this(stationId, certificate, registryCa, trustBundle, Optional.empty());
    }
}
