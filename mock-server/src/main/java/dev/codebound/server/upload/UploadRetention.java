package dev.codebound.server.upload;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How long the registry keeps each kind of upload data (docs/privacy.md). An unfinished upload
 * loses its bytes at its {@code Upload-Expires} (the tus expiration extension; the server's upload
 * expiry after its last chunk) and keeps a small record so that its station is told 410 Gone;
 * every other deadline counts from that same instant, which for a completed upload is the upload
 * expiry after its last byte: the window in which a station that lost the answer asks for it again.
 * Accepted envelopes themselves are not uploads: the photo archive keeps them, as the record.
 *
 * @param expiredRecords  how long the record of an expired upload stays after its expiry (then 404)
 * @param rejectedUploads how long a rejected upload (its bytes and problem) stays after its expiry
 * @param acceptedUploads how long an accepted upload's own copy of the bytes stays after its expiry
 */
public record UploadRetention(Duration expiredRecords, Duration rejectedUploads, Duration acceptedUploads) {
    /** Expired records a day; rejected and accepted uploads' bytes no longer than the upload expiry. */
    public static final UploadRetention DEFAULT = new UploadRetention(Duration.ofHours(24), Duration.ZERO,
            Duration.ZERO);

    public UploadRetention {
        for (Duration value : new Duration[] {expiredRecords, rejectedUploads, acceptedUploads}) {
            if (Objects.requireNonNull(value, "retention").isNegative()) {
                throw new IllegalArgumentException("a retention must not be negative, got " + value);
            }
        }
    }

    /** What this policy does with {@code upload} and from when; empty while it keeps it. */
    public Optional<Step> due(UploadInfo upload, Instant now) {
        Step step = switch (upload.state()) {
            case RECEIVING -> upload.isExpiredAt(now) ? Step.EXPIRE : null;
            case EXPIRED -> passed(upload, expiredRecords, now) ? Step.DELETE : null;
            case REJECTED -> passed(upload, rejectedUploads, now) ? Step.DELETE : null;
            case ACCEPTED -> passed(upload, acceptedUploads, now) ? Step.DELETE : null;
            // Its outcome is still to be decided (at the next start): never deleted before it is.
            case AWAITING_OUTCOME -> null;
        };
        return Optional.ofNullable(step);
    }

    private static boolean passed(UploadInfo upload, Duration retention, Instant now) {
        return !now.isBefore(upload.expires().plus(retention));
    }

    /** What the reaper does to an upload that is due. */
    public enum Step {
        /** Delete the bytes of an unfinished upload and keep its record as {@link UploadState#EXPIRED}. */
        EXPIRE,
        /** Delete the upload: its record and whatever bytes it still has. */
        DELETE
    }
}
