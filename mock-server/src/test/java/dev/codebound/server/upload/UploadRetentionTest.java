package dev.codebound.server.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codebound.protocol.wire.UploadMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the registry's upload retention does with each state, and from when (docs/privacy.md). */
class UploadRetentionTest {
    static final Instant EXPIRES = Instant.parse("2026-12-01T10:00:00Z");
    static final UploadRetention POLICY = new UploadRetention(Duration.ofHours(24), Duration.ofHours(2),
            Duration.ofHours(1));

    @Test
    void eachStateHasItsDeadlineCountedFromTheUploadsExpiry() {
        assertEquals(Optional.empty(), POLICY.due(upload(UploadState.RECEIVING), EXPIRES.minusMillis(1)));
        assertEquals(Optional.of(UploadRetention.Step.EXPIRE), POLICY.due(upload(UploadState.RECEIVING), EXPIRES));
        assertDeletedAt(UploadState.EXPIRED, EXPIRES.plus(Duration.ofHours(24)));
        assertDeletedAt(UploadState.REJECTED, EXPIRES.plus(Duration.ofHours(2)));
        assertDeletedAt(UploadState.ACCEPTED, EXPIRES.plus(Duration.ofHours(1)));
        assertEquals(Optional.empty(), POLICY.due(upload(UploadState.AWAITING_OUTCOME),
                EXPIRES.plus(Duration.ofDays(365))), "an upload whose outcome is not decided yet is never deleted");
    }

    private static void assertDeletedAt(UploadState state, Instant deadline) {
        assertEquals(Optional.empty(), POLICY.due(upload(state), deadline.minusMillis(1)), state + " before");
        assertEquals(Optional.of(UploadRetention.Step.DELETE), POLICY.due(upload(state), deadline), state + " at");
    }

    private static UploadInfo upload(UploadState state) {
        long offset = state == UploadState.RECEIVING || state == UploadState.EXPIRED ? 1 : 2;
        return new UploadInfo(UploadId.random(), 2, UploadMetadata.empty(), "station-r",
                EXPIRES.minus(Duration.ofDays(1)), EXPIRES, offset, state);
    }
}
