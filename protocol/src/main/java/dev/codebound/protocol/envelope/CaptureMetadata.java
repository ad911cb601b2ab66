package dev.codebound.protocol.envelope;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What the station knows about a capture besides the photo bytes and the code.
 *
 * @param mediaType   the photo's media type, lower case (e.g. {@code image/jpeg})
 * @param captureTime when the photo was taken; truncated to whole seconds, as the binding carries it
 */
public record CaptureMetadata(String mediaType, Instant captureTime) {
    /** The media type of registry photos. */
    public static final String JPEG = "image/jpeg";

    public CaptureMetadata {
        Objects.requireNonNull(mediaType, "mediaType");
        captureTime = Objects.requireNonNull(captureTime, "captureTime").truncatedTo(ChronoUnit.SECONDS);
    }

    /** A JPEG taken at {@code captureTime}. */
    public static CaptureMetadata jpeg(Instant captureTime) {
        return new CaptureMetadata(JPEG, captureTime);
    }
}
