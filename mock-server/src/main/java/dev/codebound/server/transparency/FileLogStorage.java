package dev.codebound.server.transparency;

import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.io.GroupCommitJournal;
import dev.codebound.protocol.log.ConsistencyProof;
import dev.codebound.protocol.log.InclusionProof;
import dev.codebound.protocol.log.LogEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The embedded {@link LogStorage}:
 *
 * <pre>
 * registry/log/entries.log            the entries ({@link LogStore}: fixed-size records, one fsync per append)
 * registry/log/checkpoints.journal    the signed checkpoints, the last one current ({@link GroupCommitJournal})
 * </pre>
 *
 * <p>A checkpoint is appended to a journal (one {@code fdatasync}) rather than replacing a file
 * (temporary file, fsync, rename, directory fsync): the sequencer stores one per batch. The journal
 * is rewritten with the current checkpoint alone once it passes 64 KiB. A {@code checkpoint.txt} of
 * the layout before issue 10 is taken into the journal on open, then removed.
 */
public final class FileLogStorage implements LogStorage {
    private static final String OLD_CHECKPOINT = "checkpoint.txt";
    private static final long COMPACT_AT = 64 * 1024;

    private final LogStore store;
    private final Path directory;
    private final GroupCommitJournal checkpoints;
    private volatile String latest;

    private FileLogStorage(LogStore store, Path directory, GroupCommitJournal checkpoints, String latest) {
        this.store = store;
        this.directory = directory;
        this.checkpoints = checkpoints;
        this.latest = latest;
    }

    /** Opens (creating, owner-only) the log's files under {@code directory}. */
    public static FileLogStorage open(Path directory) throws IOException {
        DurableFiles.createPrivateDirectory(directory);
        // A crash while a checkpoint file was being replaced leaves its temporary file; the old one stands.
        DurableFiles.removeStaleTemporaries(directory);
        LogStore store = LogStore.open(directory.resolve("entries.log"));
        try {
            AtomicReference<String> last = new AtomicReference<>();
            GroupCommitJournal checkpoints = GroupCommitJournal.open(directory.resolve("checkpoints.journal"), true,
                    record -> last.set(StandardCharsets.UTF_8.decode(record).toString()));
            FileLogStorage storage = new FileLogStorage(store, directory, checkpoints, last.get());
            storage.takeOverOldCheckpoint();
            return storage;
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private void takeOverOldCheckpoint() throws IOException {
        Path old = directory.resolve(OLD_CHECKPOINT);
        if (!Files.exists(old)) {
            return;
        }
        if (latest == null) {
            storeCheckpoint(Files.readString(old, StandardCharsets.UTF_8));
        }
        Files.delete(old);
        DurableFiles.syncDirectory(directory);
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
    public Optional<String> checkpoint() {
        return Optional.ofNullable(latest);
    }

    @Override
    public void storeCheckpoint(String note) throws IOException {
        byte[] record = note.getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Void> durable;
        synchronized (this) {
            durable = checkpoints.size() > COMPACT_AT ? checkpoints.rewrite(List.of(record))
                    : checkpoints.append(record);
        }
        GroupCommitJournal.await(durable);
        latest = note;
    }

    @Override
    public void close() throws IOException {
        try (store) {
            checkpoints.close();
        }
    }

    @Override
    public String toString() {
        return "FileLogStorage[" + directory + "]";
    }
}
