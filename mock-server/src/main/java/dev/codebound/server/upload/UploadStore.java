package dev.codebound.server.upload;

import dev.codebound.protocol.wire.UploadMetadata;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where uploads live: the tus handler's only view of storage, in the spirit of tusd's
 * {@code DataStore}. The handler knows nothing of files; a store knows nothing of HTTP.
 *
 * <p>Threading: every method may block on disk, so callers run them on the storage executor,
 * never on an event loop. Methods that change an upload ({@link #beginChunk}, {@link #recordOutcome},
 * {@link #expire}, {@link #terminate}) require the caller to hold that upload's
 * {@link UploadLocker} lock; {@link #info} and {@link #outcome} need no lock because each returns a
 * whole, immutable record.
 *
 * <p>Durability: when a method that changes an upload returns normally, the change survives a
 * crash (power loss included, as far as fsync can promise). A crash in the middle leaves the state
 * before the call. Readers ({@link #info}, {@link #outcome}, {@link #list}) see a change only once
 * it is durable, except that {@link #info} may show a creation whose record waits for its first
 * chunk (see {@link #create}) to the request that is creating it: no client knows its id yet.
 * Changes of different uploads run concurrently; an implementation lets them share durable writes
 * (group commit) and never makes one upload's change wait on a lock held across another's disk
 * write.
 *
 * <p>The seam holds no storage location: bytes leave the store only as {@link UploadBytes}, so an
 * implementation over a database and an object store ({@code PostgresUploadStore}) fits behind it.
 */
public interface UploadStore extends Closeable {
    /**
     * Creates an empty upload with a fresh id. Its record is durable when this returns, or, in a
     * store that saves that write, no later than the upload's first chunk is committed or its
     * writer closed without a commit ({@link #beginChunk}): the tus handler hands the id to a
     * client only after one of those, so that an id a client knows always exists after a restart.
     */
    UploadInfo create(long length, UploadMetadata metadata, String stationId, Instant created, Instant expires)
            throws IOException;

    /** The upload's durable record, or empty when there is no such upload (never created, or terminated). */
    Optional<UploadInfo> info(UploadId id) throws IOException;

    /**
     * Starts receiving one chunk at the upload's current durable offset. Bytes written to the
     * returned writer count for nothing until {@link ChunkWriter#commit} returns: a writer closed
     * without a commit leaves the upload exactly as it was.
     *
     * @throws IllegalStateException if the upload is not {@link UploadState#RECEIVING}
     */
    ChunkWriter beginChunk(UploadInfo upload) throws IOException;

    /**
     * Durably records the completion outcome of an upload whose bytes are all stored, moving it to
     * {@link UploadState#ACCEPTED} or {@link UploadState#REJECTED}; returns the new record.
     */
    UploadInfo recordOutcome(UploadId id, CompletionOutcome outcome) throws IOException;

    /** The stored outcome, or empty when none is recorded yet. */
    Optional<CompletionOutcome> outcome(UploadId id) throws IOException;

    /**
     * The bytes of an upload whose state {@link UploadState#isComplete}: a handle that stays valid
     * after the upload is expired or terminated, so that whoever took the bytes over keeps them.
     *
     * @throws IllegalStateException if the upload is not complete
     */
    UploadBytes bytes(UploadInfo upload);

    /**
     * Marks an unfinished upload {@link UploadState#EXPIRED} and deletes its bytes, keeping only the
     * record so that clients get 410 Gone rather than 404; returns the new record.
     */
    UploadInfo expire(UploadId id) throws IOException;

    /** Deletes the upload and everything stored for it; false when it did not exist. */
    boolean terminate(UploadId id) throws IOException;

    /** Every upload's record, in no particular order. */
    List<UploadInfo> list() throws IOException;

    /**
     * Reconciles storage after a start, clean or not: removes half-created uploads and leftovers of
     * interrupted writes, and cuts every data file back to its durably recorded offset (bytes past it
     * were never acknowledged). Call once, before serving requests.
     *
     * @return the uploads whose bytes are complete but whose outcome was never recorded
     */
    List<UploadInfo> recover() throws IOException;

    /** Receives the bytes of one chunk; see {@link UploadStore#beginChunk}. Not thread-safe. */
    interface ChunkWriter extends AutoCloseable {
        /** Appends {@code bytes} after what this writer has written so far. */
        void write(ByteBuffer bytes) throws IOException;

        /**
         * Appends {@code pieces}, in order, after what this writer has written so far, as
         * {@link #write(ByteBuffer)} of each would. A store that can write them in one system call
         * (a gathered write) should: the tus handler hands over a body's pieces together.
         */
        default void write(ByteBuffer... pieces) throws IOException {
            for (ByteBuffer piece : pieces) {
                write(piece);
            }
        }

        /** How many bytes this writer has written. */
        long written();

        /**
         * Forces the written bytes to disk, then durably records the new offset and expiry, and
         * returns the new record. Only after this returns may the server acknowledge the chunk.
         * When the chunk is the first of a creation not yet recorded (see {@link UploadStore#create})
         * and completes the upload, a store may instead record it with the upload's outcome
         * ({@link UploadStore#recordOutcome}), or, when none is recorded, at {@link #close}: the
         * server then acknowledges the chunk only after one of those.
         */
        UploadInfo commit(Instant newExpires) throws IOException;

        /** Forgets an uncommitted chunk: cuts the data file back to where the chunk began. */
        @Override
        void close() throws IOException;
    }

    /** Waits until every change is durable and releases the store's files; the store is unusable after. */
    @Override
    void close() throws IOException;
}
