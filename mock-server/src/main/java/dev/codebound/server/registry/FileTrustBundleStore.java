package dev.codebound.server.registry;

import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The embedded {@link TrustBundleStore}: one file, replaced atomically and durably. One node is its
 * only writer (its publisher serializes publications), so every publication succeeds.
 */
public final class FileTrustBundleStore implements TrustBundleStore {
    private final Path file;

    /** The store in {@code file} (owner-only when written). */
    public FileTrustBundleStore(Path file) {
        this.file = file;
    }

    @Override
    public Optional<byte[]> published() throws IOException {
        return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    @Override
    public boolean publish(long previousSequence, long sequence, byte[] signed) throws IOException {
        DurableFiles.writePrivate(file, signed);
        return true;
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
