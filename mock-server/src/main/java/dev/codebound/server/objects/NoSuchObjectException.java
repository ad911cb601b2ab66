package dev.codebound.server.objects;

import java.io.FileNotFoundException;

/** There is no object under the key asked for (S3's NoSuchKey, a missing file). */
public final class NoSuchObjectException extends FileNotFoundException {
    private static final long serialVersionUID = 1L;

    /** @param key the key that names no object */
    public NoSuchObjectException(String key) {
        super("no object under key " + key);
    }
}
