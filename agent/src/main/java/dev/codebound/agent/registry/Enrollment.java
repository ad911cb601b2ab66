package dev.codebound.agent.registry;

import java.security.cert.X509Certificate;

/**
 * The registry's answer to an enrollment, as received and not yet checked (see {@link EnrollmentCheck}).
 *
 * @param stationId   the station id the registry assigned
 * @param certificate the station certificate
 * @param registryCa  the registry CA certificate the registry says it has
 * @param trustBundle the signed trust bundle, as bytes
 */
public record Enrollment(String stationId, X509Certificate certificate, X509Certificate registryCa,
        byte[] trustBundle) {}
