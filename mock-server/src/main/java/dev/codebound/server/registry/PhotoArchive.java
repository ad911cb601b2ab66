package dev.codebound.server.registry;

import dev.codebound.server.upload.UploadBytes;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Accepted envelopes and what the registry said about each: the seam in front of the archive's
 * storage (the embedded {@link FilePhotoArchive}; records in PostgreSQL and envelopes in an object
 * store, {@code PostgresPhotoArchive}).
 * Envelopes are kept sealed (as they arrived); the photo is decrypted only when an integrator asks
 * for it. Every version of every code is kept: a retake adds a version, it never replaces one.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Writing</b> is two steps: {@link #adopt} takes over an envelope's bytes (no copy where the
 *       storage allows: a link, a server-side copy), then {@link #record} queues the record that
 *       makes it accepted. The record's future completes once both the bytes and the record are
 *       durable; nothing may be acknowledged before. A crash in between leaves adopted bytes without
 *       a record, which the next acceptance of the same envelope adopts again: only a record makes an
 *       envelope accepted. The sequencer adopts a batch's envelopes before it appends them to the
 *       log, so an implementation may begin making adopted bytes durable at once, while the log
 *       syncs.</li>
 *   <li><b>Sequencing</b>: {@link #nextVersion} and {@link #record} are called by one sequencer at a
 *       time (the acceptance's batches), so versions are dense and unique per code;
 *       {@link #nextVersion} counts records queued but not yet durable.</li>
 *   <li><b>Several nodes</b>: an archive shared by several registry nodes has one sequencer per
 *       node, so it checks each record against the others' in the database: a record whose version
 *       another node gave meanwhile fails with {@link VersionTakenException} (the sequencer signs
 *       again with the next version), one of an envelope another node recorded meanwhile fails with
 *       {@link AlreadyRecordedException} carrying that node's record, which answers both uploads.
 *       Nothing is recorded in either case, so versions stay dense and unique per code.</li>
 *   <li><b>Reading</b> ({@link #find}, {@link #versions}, {@link #openEnvelope}) is safe from any
 *       thread at any time and sees only durable records: a record still being written is waited
 *       for.</li>
 * </ul>
 */
public interface PhotoArchive extends Closeable {
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
    record AcceptedPhoto(String envelopeSha256, long envelopeLength, String codeId, int version,
            String stationId, String photoSha256, String mediaType, Instant captureTime, Instant acceptedAt,
            String receipt) {}

    /** The durable record of an envelope, if it was accepted (waiting for one being written). */
    Optional<AcceptedPhoto> find(String envelopeSha256) throws IOException;

    /** Every durable version of a code, oldest first. */
    List<AcceptedPhoto> versions(String codeId) throws IOException;

    /** The version number the next accepted photo of {@code codeId} gets; for the sequencer only. */
    int nextVersion(String codeId);

    /** Takes over the envelope's bytes under its hash; durable only with its {@link #record}. */
    void adopt(String envelopeSha256, UploadBytes envelope) throws IOException;

    /**
     * Queues the record that makes an adopted envelope accepted; for the sequencer only. The future
     * completes when the envelope and its record are durable, or fails with the storage's failure.
     */
    CompletableFuture<Void> record(AcceptedPhoto photo);

    /** A stream over the archived envelope of an accepted photo; the caller closes it. */
    InputStream openEnvelope(String envelopeSha256) throws IOException;
}
