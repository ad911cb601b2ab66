package dev.codebound.server.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Upload bytes held in a local file: what the embedded store hands out. A consumer on the same
 * file system may take the bytes over without copying them by linking the file (the photo archive
 * does); one elsewhere reads them through {@link #open()} like any {@link UploadBytes}.
 *
 * @param file   the file, never written again while the upload exists
 * @param length its length
 */
public record LocalFileBytes(Path file, long length) implements UploadBytes {
    public LocalFileBytes {
        Objects.requireNonNull(file, "file");
    }

    @Override
    public InputStream open() throws IOException {
        return Files.newInputStream(file);
    }
}
