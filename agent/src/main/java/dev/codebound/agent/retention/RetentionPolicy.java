package dev.codebound.agent.retention;

import dev.codebound.agent.station.StationConfig;
import dev.codebound.agent.station.StationException;
import java.time.Duration;
import java.util.Optional;

/**
 * How long the station keeps each kind of data, from its configuration (docs/privacy.md). The
 * defaults keep a photo in clear only as long as the work needs it: an original until an hour after
 * the registry's receipt is verified, a refused photo a week (for a retake or a manual capture),
 * an undelivered entry two weeks (for an operator's retry), a delivered envelope not at all.
 *
 * @param originals          how long an original stays in {@code done/} after its envelope's receipt
 *                           is verified; empty for {@code never} (deleted as soon as it is sealed)
 * @param deliveredEnvelopes how long a delivered envelope stays after its receipt is verified and archived
 * @param undelivered        how long a rejected or corrupt entry (and its original) stays after it became so
 * @param refusedPhotos      how long a photo {@code watch} refused stays in {@code rejected/}
 */
public record RetentionPolicy(Optional<Duration> originals, Duration deliveredEnvelopes, Duration undelivered,
        Duration refusedPhotos) {
    /** The {@code retention.originals} value that keeps no original at all. */
    public static final String NEVER = "never";

    /**
     * The policy the station's settings {@code retention.*} describe.
     *
     * @throws StationException naming the setting whose value is not a duration (or {@code never})
     */
    public static RetentionPolicy from(StationConfig config) throws StationException {
        Optional<Duration> originals = NEVER.equals(config.string("retention.originals")) ? Optional.empty()
                : Optional.of(durationOrNever(config, "retention.originals"));
        return new RetentionPolicy(originals, config.duration("retention.delivered-envelopes"),
                config.duration("retention.undelivered"), config.duration("retention.refused-photos"));
    }

    private static Duration durationOrNever(StationConfig config, String key) throws StationException {
        try {
            return config.duration(key);
        } catch (StationException e) {
            throw new StationException(e.getMessage() + ", or '" + NEVER + "' to keep no original at all", e);
        }
    }

    /** Whether originals are deleted as soon as their envelope is spooled. */
    public boolean keepsNoOriginals() {
        return originals.isEmpty();
    }
}
