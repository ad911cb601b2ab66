package dev.codebound.server.upload;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The bytes of a complete upload, as the completion handler and the archive see them: a handle
 * with no storage location in it, so that a store keeping bytes elsewhere than in local files (an
 * object store: {@link StoredObjectBytes}) can hand out the same thing.
 *
 * <p>Contract: the bytes are durable and never change while the upload exists (a store never
 * writes into a complete upload), so any number of threads may read them at once.
 */
public interface UploadBytes {
    /** How many bytes there are. */
    long length();

    /** A new stream over the bytes, from the first; the caller closes it. */
    InputStream open() throws IOException;

    /**
     * All the bytes in memory, for a caller that has already bounded {@link #length()}. The caller
     * must not change the array: an implementation that holds the bytes in memory hands out its own
     * ({@link ReceivedBytes}).
     *
     * @throws IOException if they cannot be read, or are not {@link #length()} bytes long
     */
    default byte[] readAll() throws IOException {
        try (InputStream in = open()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length != length()) {
                throw new IOException("stored upload holds " + bytes.length + " bytes, not " + length());
            }
            return bytes;
        }
    }

    /**
     * The bytes' SHA-256 when it is known without reading them (computed as they arrived, see
     * {@link ReceivedBytes}); empty otherwise. The caller must not change the array.
     */
    default Optional<byte[]> knownSha256() {
        return Optional.empty();
    }
}
