package dev.codebound.server.upload;

import dev.codebound.protocol.wire.UploadMetadata;
import java.time.Instant;
import java.util.Objects;

/**
 * What the store knows about one upload, as durably recorded: an immutable snapshot.
 *
 * @param id        the upload's id
 * @param length    the total length declared at creation ({@code Upload-Length})
 * @param metadata  the creation's {@code Upload-Metadata}
 * @param stationId the station that created the upload (from its certificate)
 * @param created   when it was created
 * @param expires   when an unfinished upload expires; refreshed by every accepted chunk
 * @param offset    how many bytes are durably stored
 * @param state     where the upload is in its life
 */
public record UploadInfo(UploadId id, long length, UploadMetadata metadata, String stationId, Instant created,
        Instant expires, long offset, UploadState state) {
    public UploadInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(stationId, "stationId");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(state, "state");
        if (length < 0 || offset < 0 || offset > length) {
            throw new IllegalArgumentException("offset " + offset + " outside 0.." + length);
        }
    }

    /** A copy at a new offset and expiry, still receiving or now awaiting its outcome. */
    public UploadInfo advancedTo(long newOffset, Instant newExpires) {
        return new UploadInfo(id, length, metadata, stationId, created, newExpires, newOffset,
                newOffset == length ? UploadState.AWAITING_OUTCOME : UploadState.RECEIVING);
    }

    /** A copy in another state. */
    public UploadInfo withState(UploadState newState) {
        return new UploadInfo(id, length, metadata, stationId, created, expires, offset, newState);
    }

    /** Whether an unfinished upload's expiry has passed at {@code now}. */
    public boolean isExpiredAt(Instant now) {
        return state == UploadState.EXPIRED || (state == UploadState.RECEIVING && !now.isBefore(expires));
    }
}
