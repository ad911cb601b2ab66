package dev.codebound.agent.spool;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The immutable facts about one spooled envelope, recorded when it is enqueued and never changed.
 * Nothing here is personal data: the code id is the registry's opaque id and the file name is a
 * display name chosen by the capture step.
 *
 * @param codeId    the registry's id of the collection code the envelope is bound to
 * @param stationId the station that sealed it
 * @param filename  a display name for the upload (no directories)
 * @param sha256    lower-case hex SHA-256 of the whole envelope: the entry id and the registry's
 *                  idempotency key
 * @param length    the envelope's length in bytes
 * @param createdAt when it was spooled
 */
public record EnvelopeInfo(String codeId, String stationId, String filename, String sha256, long length,
        Instant createdAt) {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public EnvelopeInfo {
        requireText(codeId, "codeId");
        requireText(stationId, "stationId");
        requireText(filename, "filename");
        if (filename.contains("/") || filename.contains("\\")) {
            throw new IllegalArgumentException("filename must not name a directory");
        }
        if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative");
        }
        Objects.requireNonNull(createdAt, "createdAt");
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
