package dev.codebound.protocol.wire;

import dev.codebound.protocol.log.LogEntry;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The registry's signed statement that it accepted one envelope: what a station keeps as proof of
 * delivery and what an auditor checks. It names the envelope by hash and the code by id; it holds
 * no personal data.
 *
 * @param registry          the registry's name (trust bundle {@code registry})
 * @param envelopeSha256    lower-case hex SHA-256 of the whole envelope file, the idempotency key
 * @param envelopeLength    the envelope's length in bytes
 * @param photoSha256       lower-case hex digest of the photo inside, as bound by the station: SHA-256 for
 *                          suite 1 envelopes, SM3 for suite 2 (wire member {@code photoDigest} in format 2)
 * @param codeId            the collection code the photo is bound to
 * @param stationId         the station that signed and uploaded it
 * @param captureTime       the capture time the station bound into the envelope
 * @param acceptedAt        when the registry accepted it
 * @param photoVersion      1 for the first accepted photo of this code, 2 for the first retake, ...
 * @param signingKeyId      hex key id of the receipt-signing key
 * @param log               the entry's place in the registry's transparency log, when the registry keeps one
 * @param suite             the envelope's algorithm suite, which also fixes the receipt's signature
 *                          algorithm: 1 ECDSA P-256/SHA-256 (format 1), 2 SM2 with SM3 (format 2)
 */
public record Receipt(String registry, String envelopeSha256, long envelopeLength, String photoSha256, String codeId,
        String stationId, Instant captureTime, Instant acceptedAt, int photoVersion, String signingKeyId,
        Optional<LogInclusion> log, int suite) {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    /** A receipt for a suite 1 envelope. */
    public Receipt(String registry, String envelopeSha256, long envelopeLength, String photoSha256, String codeId,
            String stationId, Instant captureTime, Instant acceptedAt, int photoVersion, String signingKeyId,
            Optional<LogInclusion> log) {
        this(registry, envelopeSha256, envelopeLength, photoSha256, codeId, stationId, captureTime, acceptedAt,
                photoVersion, signingKeyId, log, 1);
    }

    public Receipt {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(codeId, "codeId");
        Objects.requireNonNull(stationId, "stationId");
        Objects.requireNonNull(captureTime, "captureTime");
        Objects.requireNonNull(acceptedAt, "acceptedAt");
        Objects.requireNonNull(signingKeyId, "signingKeyId");
        Objects.requireNonNull(log, "log");
        // A receipt names the transparency-log leaf it was given (logEntry()): its ids obey the leaf's rule,
        // so that a receipt that parses can always be checked against the log (fuzzing found one that could not).
        LogEntry.requireId(codeId, "codeId");
        LogEntry.requireId(stationId, "stationId");
        requireSha256(envelopeSha256, "envelopeSha256");
        requireSha256(photoSha256, "photoSha256");
        if (envelopeLength <= 0) {
            throw new IllegalArgumentException("envelopeLength must be positive");
        }
        if (photoVersion < 1) {
            throw new IllegalArgumentException("photoVersion starts at 1");
        }
        if (suite != 1 && suite != 2) {
            throw new IllegalArgumentException("suite must be 1 or 2, got " + suite);
        }
    }

    /** The transparency-log leaf this receipt claims was appended for it. */
    public LogEntry logEntry() {
        return new LogEntry(HexFormat.of().parseHex(envelopeSha256), codeId, stationId, acceptedAt);
    }

    private static void requireSha256(String value, String field) {
        if (value == null || !SHA256_HEX.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be 64 lower-case hex digits");
        }
    }
}
