package dev.codebound.server.registry;

import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accepted envelopes and what the registry said about each. Envelopes are kept sealed (as they
 * arrived); the photo is decrypted only when an integrator asks for it. Every version of every
 * code is kept: a retake adds a version, it never replaces one.
 *
 * <pre>
 * registry/photos/&lt;envelope sha256&gt;.cms   the envelope, byte for byte as uploaded
 * registry/photos/&lt;envelope sha256&gt;.json  its {@link AcceptedPhoto} record, written after the envelope
 * </pre>
 *
 * A crash between the two writes leaves an envelope without a record, which the next acceptance
 * of the same upload overwrites; only a record makes an envelope accepted.
 */
public final class PhotoArchive {
    /**
     * One accepted envelope.
     *
     * @param envelopeSha256 hex SHA-256 of the envelope (the idempotency key)
     * @param envelopeLength its length in bytes
     * @param codeId         the code it is bound to
     * @param version        1 for the code's first accepted photo, 2 for the first retake, ...
     * @param stationId      the station that signed and uploaded it
     * @param photoSha256    hex SHA-256 of the photo inside
     * @param mediaType      the photo's media type
     * @param captureTime    the capture time the station bound
     * @param acceptedAt     when the registry accepted it
     * @param receipt        the signed receipt, exactly as served to the station
     */
    public record AcceptedPhoto(String envelopeSha256, long envelopeLength, String codeId, int version,
            String stationId, String photoSha256, String mediaType, Instant captureTime, Instant acceptedAt,
            String receipt) {}

    private final Path directory;
    private final JsonRecordStore<AcceptedPhoto> records;
    private final Map<String, AcceptedPhoto> byEnvelope = new ConcurrentHashMap<>();

    public PhotoArchive(Path directory) throws IOException {
        this.directory = directory;
        this.records = new JsonRecordStore<>(directory, AcceptedPhoto.class);
        records.all().forEach(photo -> byEnvelope.put(photo.envelopeSha256(), photo));
    }

    /** The accepted record of an envelope, if it was accepted. */
    public Optional<AcceptedPhoto> find(String envelopeSha256) {
        return Optional.ofNullable(byEnvelope.get(envelopeSha256));
    }

    /** Every accepted version of a code, oldest first. */
    public List<AcceptedPhoto> versions(String codeId) {
        return byEnvelope.values().stream().filter(photo -> photo.codeId().equals(codeId))
                .sorted(Comparator.comparingInt(AcceptedPhoto::version)).toList();
    }

    /** The version number the next accepted photo of {@code codeId} gets. */
    public int nextVersion(String codeId) {
        return versions(codeId).size() + 1;
    }

    /** Copies the sealed envelope into the archive durably (the transport may later delete its copy). */
    public void storeEnvelope(String envelopeSha256, Path envelope) throws IOException {
        DurableFiles.write(envelopeFile(envelopeSha256), true, out -> Files.copy(envelope, out));
    }

    /** Writes the record that makes an archived envelope accepted. */
    public void record(AcceptedPhoto photo) throws IOException {
        if (!Files.exists(envelopeFile(photo.envelopeSha256()))) {
            throw new IOException("no archived envelope for " + photo.envelopeSha256() + "; store it first");
        }
        records.put(photo.envelopeSha256(), photo);
        byEnvelope.put(photo.envelopeSha256(), photo);
    }

    /** The archived envelope of an accepted photo. */
    public Path envelopeFile(String envelopeSha256) {
        if (!envelopeSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("an envelope is named by 64 lower-case hex digits");
        }
        return directory.resolve(envelopeSha256 + ".cms");
    }
}
