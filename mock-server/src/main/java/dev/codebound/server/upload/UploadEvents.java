package dev.codebound.server.upload;

/** What the upload handlers report for metrics. Implementations must be thread-safe and quick. */
public interface UploadEvents {
    void uploadCreated();

    void uploadCompleted();

    /** {@code bytes} more bytes were durably stored. */
    void bytesStored(long bytes);
}
