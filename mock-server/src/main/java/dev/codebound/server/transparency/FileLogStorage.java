package dev.codebound.server.transparency;

import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.log.ConsistencyProof;
import dev.codebound.protocol.log.InclusionProof;
import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.log.LogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The embedded {@link LogStorage}:
 *
 * <pre>
 * registry/log/entries.log      the entries ({@link LogStore}: fixed-size records, one fsync per append)
 * registry/log/checkpoint.txt   the latest signed checkpoint, replaced atomically
 * </pre>
 */
public final class FileLogStorage implements LogStorage {
    private final LogStore store;
    private final Path checkpointFile;

    private FileLogStorage(LogStore store, Path checkpointFile) {
        this.store = store;
        this.checkpointFile = checkpointFile;
    }

    /** Opens (creating, owner-only) the log's files under {@code directory}. */
    public static FileLogStorage open(Path directory) throws IOException {
        DurableFiles.createPrivateDirectory(directory);
        // A crash while a checkpoint was being replaced leaves its temporary file; the old checkpoint stands.
        DurableFiles.removeStaleTemporaries(directory);
        return new FileLogStorage(LogStore.open(directory.resolve("entries.log")), directory.resolve("checkpoint.txt"));
    }

    @Override
    public long append(List<LogEntry> entries) throws IOException {
        return store.appendAll(entries);
    }

    @Override
    public OptionalLong indexOf(byte[] envelopeSha256) throws IOException {
        return store.indexOf(envelopeSha256);
    }

    @Override
    public long size() {
        return store.size();
    }

    @Override
    public LogEntry entry(long index) throws IOException {
        return store.entry(index);
    }

    @Override
    public byte[] rootHash(long treeSize) {
        return store.rootHash(treeSize);
    }

    @Override
    public InclusionProof inclusionProof(long leafIndex, long treeSize) {
        return store.inclusionProof(leafIndex, treeSize);
    }

    @Override
    public ConsistencyProof consistencyProof(long oldSize, long newSize) {
        return store.consistencyProof(oldSize, newSize);
    }

    @Override
    public Optional<String> checkpoint() throws IOException {
        return Files.exists(checkpointFile) ? Optional.of(Files.readString(checkpointFile, StandardCharsets.UTF_8))
                : Optional.empty();
    }

    @Override
    public void storeCheckpoint(String note) throws IOException {
        DurableFiles.writePrivate(checkpointFile, note.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        store.close();
    }

    @Override
    public String toString() {
        return "FileLogStorage[" + checkpointFile.getParent() + "]";
    }
}
