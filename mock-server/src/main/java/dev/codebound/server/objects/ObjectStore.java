package dev.codebound.server.objects;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Named, immutable byte objects in one bucket, with S3's semantics and nothing more, so that an
 * S3-compatible service and a shared directory both satisfy it: the registry's shared stores keep
 * upload bytes and accepted envelopes here and their records in the database.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Keys</b> are 1 to 512 characters of {@code [A-Za-z0-9._/-]}, not starting with
 *       {@code /}, with no empty, {@code .} or {@code ..} segment; anything else is an
 *       {@link IllegalArgumentException}. Callers build keys from upload ids and hex hashes, never
 *       from client text.</li>
 *   <li><b>Durability</b>: when {@link #put}, {@link #copy}, {@link #uploadPart} or
 *       {@link #completeMultipart} returns normally, the object (or part) survives a crash of this
 *       process and of the storage node, as far as the service promises (S3: once the request
 *       succeeded; a directory: after fsync of the file and its directory). A write that fails or is
 *       interrupted leaves either the old object or the new one, never a mix.</li>
 *   <li><b>Atomic replacement</b>: a reader sees a whole object, the one before a concurrent
 *       {@link #put} or the one after. Objects never change in place; there is no append.</li>
 *   <li><b>Concurrency</b>: every method may be called from any thread, from any node. The store
 *       does no locking of its own: the caller's records (in the database) decide who writes which
 *       key, and a writer that lost its upload's lock must not reach {@link #completeMultipart}
 *       unfenced.</li>
 *   <li><b>Multipart</b>: large objects are written in parts (S3's multipart upload: a part is at
 *       least {@link #minimumPartSize()} bytes except the last, at most 10,000 parts). Parts are
 *       numbered from 1; uploading a part number again replaces it. The object appears only when
 *       {@link #completeMultipart} succeeds, made of the listed parts in order; an upload that is
 *       never completed is removed with {@link #abortMultipart} and is invisible to
 *       {@link #open}.</li>
 *   <li><b>Missing objects</b>: {@link #open} of a missing key throws {@link NoSuchObjectException};
 *       {@link #length} answers empty; {@link #delete} of a missing key does nothing.</li>
 * </ul>
 */
public interface ObjectStore extends Closeable {
    /** Stores {@code bytes} under {@code key}, replacing any object there; durable when it returns. */
    void put(String key, byte[] bytes) throws IOException;

    /**
     * Stores exactly {@code length} bytes read from {@code content} under {@code key}; durable when it
     * returns. Fails, storing nothing, if {@code content} ends before {@code length} bytes.
     */
    void put(String key, InputStream content, long length) throws IOException;

    /**
     * A new stream over the object's bytes; the caller closes it.
     *
     * @throws NoSuchObjectException if there is no object under {@code key}
     */
    InputStream open(String key) throws IOException;

    /** The object's length, or empty when there is no object under {@code key}. */
    Optional<Long> length(String key) throws IOException;

    /**
     * Copies the object under {@code from} to {@code to} inside the store (S3's server-side copy; no
     * bytes pass through this process where the store can avoid it); durable when it returns.
     *
     * @throws NoSuchObjectException if there is no object under {@code from}
     */
    void copy(String from, String to) throws IOException;

    /** Deletes the object under {@code key}, if any. */
    void delete(String key) throws IOException;

    /** The keys of every object whose key starts with {@code prefix}, in lexicographic order. */
    List<String> list(String prefix) throws IOException;

    /** The smallest size of a part that is not the last one of a multipart upload (S3: 5 MiB). */
    long minimumPartSize();

    /** Starts a multipart upload of {@code key} and returns its upload id (opaque, safe to store). */
    String beginMultipart(String key) throws IOException;

    /**
     * Stores part {@code partNumber} (1 to 10,000) of a multipart upload, exactly {@code length}
     * bytes read from {@code content}, replacing a part stored under that number before; durable
     * when it returns.
     *
     * @return the part as {@link #completeMultipart} needs it
     */
    Part uploadPart(String key, String uploadId, int partNumber, InputStream content, long length)
            throws IOException;

    /**
     * Makes the object under {@code key} out of {@code parts}, in the order given; durable when it
     * returns. Completing an upload that was already completed with the same parts succeeds again
     * where the service allows it, so that a retry after a crash is safe.
     */
    void completeMultipart(String key, String uploadId, List<Part> parts) throws IOException;

    /** Discards a multipart upload and its parts; does nothing if it is already gone. */
    void abortMultipart(String key, String uploadId) throws IOException;

    /**
     * One stored part of a multipart upload.
     *
     * @param number the part number, from 1
     * @param etag   the store's tag for the part's content, as it returned it
     * @param length the part's length in bytes
     */
    record Part(int number, String etag, long length) {}
}
