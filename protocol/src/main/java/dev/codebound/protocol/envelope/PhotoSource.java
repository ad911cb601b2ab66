package dev.codebound.protocol.envelope;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The photo to seal, readable more than once. Sealing reads it twice: first to hash it (the
 * binding, which is authenticated before any ciphertext, needs the digest up front), then to
 * encrypt it; if the second reading hashes differently, sealing fails with
 * {@link EnvelopeException.Reason#PHOTO_CHANGED} rather than produce an envelope that lies. A source
 * that {@linkplain #readsIdenticallyEveryTime cannot change} is hashed only once.
 */
@FunctionalInterface
public interface PhotoSource {
    /** Opens a fresh stream over the whole photo; the caller closes it. */
    InputStream open() throws IOException;

    /** A photo in a file (the file must not change while it is sealed). */
    static PhotoSource of(Path file) {
        Objects.requireNonNull(file, "file");
        return () -> Files.newInputStream(file);
    }

    /**
     * Whether every {@link #open} is certain to give the same bytes, as a private in-memory copy does:
     * sealing then trusts the first reading's digest instead of hashing the photo a second time.
     * False unless a source can promise it.
     */
    default boolean readsIdenticallyEveryTime() {
        return false;
    }

    /** A photo in memory; the array is copied, so every reading gives the same bytes. */
    static PhotoSource of(byte[] photo) {
        byte[] copy = photo.clone();
        return new PhotoSource() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(copy);
            }

            @Override
            public boolean readsIdenticallyEveryTime() {
                return true;
            }
        };
    }
}
