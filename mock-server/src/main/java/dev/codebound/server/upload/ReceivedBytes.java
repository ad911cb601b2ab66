package dev.codebound.server.upload;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * The bytes of an upload that arrived whole in one request, as the completion handler gets them:
 * the store's handle for the durable bytes ({@link #stored()}), and the same bytes as they were
 * received, still in memory, with the SHA-256 the request's {@code Upload-Checksum} was checked
 * against, if it named SHA-256. Acceptance reads and hashes them from memory instead of reading
 * the store's copy back and hashing it a second time; whatever takes the bytes over (the photo
 * archive's link or server-side copy) takes the store's handle.
 *
 * <p>Handed out only once the store's copy is durable and the received bytes were written to it
 * unchanged, so both are the same bytes. Neither array is copied: no one may change them.
 *
 * @param stored   the store's handle for the same bytes, durable
 * @param received the bytes as received, exactly {@code stored.length()} of them
 * @param sha256   their SHA-256, or {@code null} when it was not computed as they arrived
 */
public record ReceivedBytes(UploadBytes stored, byte[] received, byte[] sha256) implements UploadBytes {
    public ReceivedBytes {
        Objects.requireNonNull(stored, "stored");
        Objects.requireNonNull(received, "received");
        if (received.length != stored.length()) {
            throw new IllegalArgumentException("received " + received.length + " bytes, but the store holds "
                    + stored.length());
        }
        if (sha256 != null && sha256.length != 32) {
            throw new IllegalArgumentException("a SHA-256 digest is 32 bytes, not " + sha256.length);
        }
    }

    @Override
    public long length() {
        return received.length;
    }

    @Override
    public InputStream open() {
        return new ByteArrayInputStream(received);
    }

    @Override
    public byte[] readAll() {
        return received;
    }

    @Override
    public Optional<byte[]> knownSha256() {
        return Optional.ofNullable(sha256);
    }
}
