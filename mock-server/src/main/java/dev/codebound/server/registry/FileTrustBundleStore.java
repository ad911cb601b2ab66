package dev.codebound.server.registry;

import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The embedded {@link TrustBundleStore}: one file, replaced atomically and durably. One node is its
 * only writer (its publisher serializes publications), so every publication succeeds, and the file
 * is read once: the registry asks for the published bundle at every envelope it accepts, and the
 * bytes it last read or wrote are what the file holds.
 */
public final class FileTrustBundleStore implements TrustBundleStore {
    private final Path file;
    /** The file's content as last read or written; null until the first read. */
    private volatile Optional<byte[]> latest;

    /** The store in {@code file} (owner-only when written). */
    public FileTrustBundleStore(Path file) {
        this.file = file;
    }

    @Override
    public Optional<byte[]> published() throws IOException {
        Optional<byte[]> known = latest;
        if (known == null) {
            known = Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
            latest = known;
        }
        return known.map(byte[]::clone);
    }

    @Override
    public boolean publish(long previousSequence, long sequence, byte[] signed) throws IOException {
        DurableFiles.writePrivate(file, signed);
        latest = Optional.of(signed.clone());
        return true;
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
