package dev.codebound.server.upload;

import dev.codebound.server.objects.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Upload bytes held as one object in an {@link ObjectStore}: what the shared upload store hands
 * out. A consumer over the same store takes the bytes over with a server-side
 * {@link ObjectStore#copy} (the shared photo archive does); any other reads them through
 * {@link #open()}.
 *
 * @param store  the store holding the object
 * @param key    the object's key, never written again while the upload exists
 * @param length its length
 */
public record StoredObjectBytes(ObjectStore store, String key, long length) implements UploadBytes {
    public StoredObjectBytes {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public InputStream open() throws IOException {
        return store.open(key);
    }
}
