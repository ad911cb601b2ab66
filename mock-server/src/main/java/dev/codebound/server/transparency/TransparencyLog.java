package dev.codebound.server.transparency;

import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.log.CheckpointException;
import dev.codebound.protocol.log.ConsistencyProof;
import dev.codebound.protocol.log.InclusionProof;
import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.log.LogOrigins;
import dev.codebound.protocol.log.LogStore;
import dev.codebound.protocol.log.NoteSigner;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.wire.LogInclusion;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The registry's append-only transparency log of accepted envelopes (RFC 9162 Merkle tree, see
 * docs/spec-log.md), with C2SP checkpoints signed by the receipt-signing key under the origin
 * {@link LogOrigins#forRegistry}.
 *
 * <pre>
 * registry/log/entries.log      the entries ({@link LogStore}: fixed-size records, fsynced)
 * registry/log/checkpoint.txt   the latest signed checkpoint, replaced atomically after each append
 * </pre>
 *
 * On open, the log must still contain the tree of the last checkpoint it signed (same size or
 * larger, same root at that size): a log that lost acknowledged entries refuses to start rather
 * than sign a checkpoint inconsistent with one it already published.
 */
public final class TransparencyLog implements Closeable {
    private final LogStore store;
    private final NoteSigner signer;
    private final String origin;
    private final Path checkpointFile;
    private String latestCheckpoint;

    private TransparencyLog(LogStore store, NoteSigner signer, String origin, Path checkpointFile) {
        this.store = store;
        this.signer = signer;
        this.origin = origin;
        this.checkpointFile = checkpointFile;
    }

    /** Opens (creating if missing) the log under {@code directory}. */
    public static TransparencyLog open(Path directory, RegistryKeyring keyring) throws IOException {
        DurableFiles.createPrivateDirectory(directory);
        // A crash while a checkpoint was being replaced leaves its temporary file; the old checkpoint stands.
        DurableFiles.removeStaleTemporaries(directory);
        String origin = LogOrigins.forRegistry(keyring.registryName());
        RegistryKeyring.KeyedCertificate key = keyring.receiptSigning();
        NoteSigner signer = new NoteSigner(origin, key.privateKey(), key.certificate().getPublicKey());
        LogStore store = LogStore.open(directory.resolve("entries.log"));
        TransparencyLog log = new TransparencyLog(store, signer, origin, directory.resolve("checkpoint.txt"));
        try {
            log.checkAgainstLastCheckpoint();
            log.publishCheckpoint();
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return log;
    }

    private void checkAgainstLastCheckpoint() throws IOException {
        if (!Files.exists(checkpointFile)) {
            return;
        }
        String note = Files.readString(checkpointFile, StandardCharsets.UTF_8);
        Checkpoint last;
        try {
            last = Checkpoint.verify(note, signer.verifier(), origin);
        } catch (CheckpointException e) {
            throw new IOException(checkpointFile + " does not verify: " + e.getMessage(), e);
        }
        if (store.size() < last.size()
                || !MessageDigest.isEqual(store.rootHash(last.size()), last.rootHash())) {
            throw new IOException("the transparency log holds " + store.size() + " entries but its last signed "
                    + "checkpoint covers " + last.size() + " with another root: entries were lost or altered; "
                    + "restore " + checkpointFile.getParent() + " from backup");
        }
    }

    /**
     * Appends the entry unless an entry for the same envelope is already in the log (a retry after
     * a crash), then returns its inclusion in the current tree with a freshly signed checkpoint.
     */
    public synchronized LogInclusion append(LogEntry entry) throws IOException {
        OptionalLong existing = store.indexOf(entry.envelopeSha256());
        long index = existing.isPresent() ? existing.getAsLong() : store.append(entry);
        if (existing.isEmpty()) {
            publishCheckpoint();
        }
        long size = store.size();
        return new LogInclusion(index, size, store.inclusionProof(index, size).hashes(), latestCheckpoint);
    }

    private void publishCheckpoint() throws IOException {
        latestCheckpoint = new Checkpoint(origin, store.size(), store.rootHash()).sign(signer);
        DurableFiles.writePrivate(checkpointFile, latestCheckpoint.getBytes(StandardCharsets.UTF_8));
    }

    /** The latest signed checkpoint note. */
    public synchronized String latestCheckpoint() {
        return latestCheckpoint;
    }

    public String origin() {
        return origin;
    }

    public synchronized long size() {
        return store.size();
    }

    /** The inclusion proof of entry {@code index} in the tree of {@code size} entries. */
    public synchronized InclusionProof inclusionProof(long index, long size) {
        return store.inclusionProof(index, size);
    }

    /** The consistency proof between the trees of {@code oldSize} and {@code newSize} entries. */
    public synchronized ConsistencyProof consistencyProof(long oldSize, long newSize) {
        return store.consistencyProof(oldSize, newSize);
    }

    /** Entries {@code start} (inclusive) to {@code end} (exclusive). */
    public synchronized List<LogEntry> entries(long start, long end) throws IOException {
        List<LogEntry> result = new ArrayList<>();
        for (long index = start; index < end; index++) {
            result.add(store.entry(index));
        }
        return result;
    }

    @Override
    public synchronized void close() throws IOException {
        store.close();
    }
}
