package dev.codebound.agent.station;

import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether this station may seal photos now. A photo sealed by a revoked station, with an expired
 * certificate, or with a capture time the registry will reject as in the future is lost work (and
 * with {@code --delete-original}, a lost photo), so these are refused before anything is sealed.
 */
public final class StationStanding {
    /** What fixes a wrong clock, in every message about one. */
    public static final String FIX_THE_CLOCK = "fix this computer's clock (enable NTP, e.g. 'timedatectl set-ntp "
            + "true'), then run any registry command such as 'codebound-agent trust refresh' to measure it again";

    private StationStanding() {}

    /**
     * Refuses a station the trust bundle lists as revoked.
     *
     * @param outcome what this means for the command, e.g. "nothing was sealed"
     * @throws StationRevokedException when the bundle lists this station's certificate
     */
    public static void requireNotRevoked(StationCredentials credentials, TrustBundle bundle, String outcome)
            throws StationRevokedException {
        if (bundle.isStationRevoked(credentials.certificate())) {
            throw revoked(credentials, outcome);
        }
    }

    /** The refusal of a revoked station, saying what to do. */
    public static StationRevokedException revoked(StationCredentials credentials, String outcome) {
        return new StationRevokedException("the registry has revoked this station's certificate (station "
                + credentials.stationId() + ", serial " + Certificates.serialHex(credentials.certificate()) + "); "
                + outcome + ". Contact the registry: once it re-enrolls the station (a new enrollment token, then "
                + "'codebound-agent enroll --force'), queued envelopes can be uploaded again");
    }

    /**
     * {@link #requireFitToSeal(StationCredentials, TrustBundle, Optional, Duration, Instant)} now,
     * with the station's last clock measurement and its {@code capture.max-clock-skew} setting.
     */
    public static void requireFitToSeal(StationCredentials credentials, TrustBundle bundle, StationHome station,
            StationConfig config) throws StationException {
        requireFitToSeal(credentials, bundle, RegistryClock.of(station).last(),
                config.duration("capture.max-clock-skew"), Instant.now());
    }

    /**
     * Refuses to seal when the station is revoked, when {@code now} is outside its certificate's
     * validity, or when the last measured skew against the registry's clock exceeds {@code maxSkew}.
     *
     * @param skew the last measurement ({@link RegistryClock}); none measured yet is no refusal
     * @throws StationRevokedException when the station is revoked
     * @throws StationException        for an expired certificate or a wrong clock, saying how to fix it
     */
    public static void requireFitToSeal(StationCredentials credentials, TrustBundle bundle,
            Optional<RegistryClock.Measurement> skew, Duration maxSkew, Instant now) throws StationException {
        requireNotRevoked(credentials, bundle, "it must not seal photos, and nothing was sealed");
        Instant notBefore = credentials.certificate().getNotBefore().toInstant();
        Instant notAfter = credentials.certificate().getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            throw new StationException("this computer's clock says " + now + ", before the station certificate "
                    + "is valid (from " + notBefore + "): the clock is behind, and nothing was sealed; "
                    + FIX_THE_CLOCK);
        }
        if (now.isAfter(notAfter)) {
            throw new StationException("the station certificate expired at " + notAfter + " (this computer's "
                    + "clock says " + now + "), and nothing was sealed. If the clock is right, the station must "
                    + "enroll again with a new token ('codebound-agent enroll --force'); if it is wrong, "
                    + FIX_THE_CLOCK);
        }
        if (skew.isPresent() && skew.get().skew().abs().compareTo(maxSkew) > 0) {
            Duration off = skew.get().skew();
            throw new StationException("this computer's clock is " + describe(off.abs()) + (off.isNegative()
                    ? " behind" : " ahead of") + " the registry's (measured " + skew.get().measuredAt()
                    + "), more than capture.max-clock-skew = " + maxSkew + "; the registry would reject the "
                    + "photos' capture time, so nothing was sealed: " + FIX_THE_CLOCK);
        }
    }

    private static String describe(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds >= 86_400) {
            return String.format(Locale.ROOT, "%d d %d h", seconds / 86_400, seconds / 3600 % 24);
        }
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%d h %d min", seconds / 3600, seconds / 60 % 60);
        }
        return String.format(Locale.ROOT, "%d min %d s", seconds / 60, seconds % 60);
    }
}
