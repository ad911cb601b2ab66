package dev.codebound.server.http;

import dev.codebound.protocol.pki.Certificates;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The authenticated station behind a request: from its registry-issued TLS client certificate, or
 * in plain (development) mode from the {@code Codebound-Dev-Station} header.
 *
 * @param stationId    the station id (the certificate's CN)
 * @param serialHex    the certificate's serial number in lower-case hex; {@code "dev"} in plain mode
 */
public record StationIdentity(String stationId, String serialHex) {
    /** What a station id may look like: short, printable, no separators that could confuse logs or paths. */
    private static final Pattern STATION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public StationIdentity {
        Objects.requireNonNull(stationId, "stationId");
        Objects.requireNonNull(serialHex, "serialHex");
    }

    /** The identity a verified client certificate proves. */
    public static StationIdentity of(X509Certificate certificate) {
        return new StationIdentity(Certificates.commonName(certificate), Certificates.serialHex(certificate));
    }

    /** Whether {@code id} is an acceptable station id. */
    public static boolean isValidStationId(String id) {
        return id != null && STATION_ID.matcher(id).matches();
    }
}
