package dev.codebound.server.transparency;

import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.io.GroupCommitJournal;
import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.log.CheckpointException;
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
 * registry/log/entries.log            the entries and the current signed checkpoint ({@link LogStore})
 * registry/log/checkpoints.journal    the signed checkpoints of a log of format version 1 only
 * </pre>
 *
 * <p>A log created by this version (format version 2) keeps its checkpoint in two slots of its own
 * file: {@link #appendWithCheckpoint} writes a batch's entries and its checkpoint in one write with
 * one {@code fsync}, and the slots' recovery is {@link LogStore}'s. A log of format version 1 keeps
 * working as before: its entries and their checkpoint cost a sync each, the checkpoint appended to a
 * journal ({@link GroupCommitJournal}, rewritten with the current checkpoint alone once it passes
 * 64 KiB). A {@code checkpoint.txt} of the layout before issue 10 is taken over on open, then removed.
 */
public final class FileLogStorage implements LogStorage {
    private static final String OLD_CHECKPOINT = "checkpoint.txt";
    private static final long COMPACT_AT = 64 * 1024;

    private final LogStore store;
    private final Path directory;
    /** The checkpoint journal of a log of format version 1; null when the log file holds its checkpoints. */
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
            FileLogStorage storage;
            if (store.holdsCheckpoints()) {
                storage = new FileLogStorage(store, directory, null, store.checkpoint().orElse(null));
            } else {
                AtomicReference<String> last = new AtomicReference<>();
                GroupCommitJournal checkpoints = GroupCommitJournal.open(directory.resolve("checkpoints.journal"),
                        true, record -> last.set(StandardCharsets.UTF_8.decode(record).toString()));
                storage = new FileLogStorage(store, directory, checkpoints, last.get());
            }
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
    public long appendWithCheckpoint(List<LogEntry> entries, CheckpointSigner signer) throws IOException {
        if (checkpoints != null) {
            return LogStorage.super.appendWithCheckpoint(entries, signer);
        }
        AtomicReference<String> signed = new AtomicReference<>();
        long first = store.appendAll(entries, (treeSize, rootHash) -> {
            signed.set(signer.sign(treeSize, rootHash));
            return signed.get();
        });
        latest = signed.get();
        return first;
    }

    @Override
    public void storeCheckpoint(String note) throws IOException {
        if (checkpoints == null) {
            store.storeCheckpoint(treeSize(note), note);
            latest = note;
            return;
        }
        byte[] record = note.getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Void> durable;
        synchronized (this) {
            durable = checkpoints.size() > COMPACT_AT ? checkpoints.rewrite(List.of(record))
                    : checkpoints.append(record);
        }
        GroupCommitJournal.await(durable);
        latest = note;
    }

    /** The tree size a signed checkpoint note states (its second line). */
    private static long treeSize(String note) throws IOException {
        try {
            return Checkpoint.parseText(note.substring(0, note.indexOf("\n\n") + 1)).size();
        } catch (CheckpointException | IndexOutOfBoundsException e) {
            throw new IOException("the checkpoint to store is not a signed checkpoint note: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try (store) {
            if (checkpoints != null) {
                checkpoints.close();
            }
        }
    }

    @Override
    public String toString() {
        return "FileLogStorage[" + directory + "]";
    }
}
