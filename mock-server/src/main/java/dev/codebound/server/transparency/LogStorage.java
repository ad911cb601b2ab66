package dev.codebound.server.transparency;

import dev.codebound.protocol.log.ConsistencyProof;
import dev.codebound.protocol.log.InclusionProof;
import dev.codebound.protocol.log.LogEntry;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the transparency log keeps its entries and its latest signed checkpoint: the seam in front
 * of the log's storage (the embedded {@link FileLogStorage}; {@code PostgresLogStorage} for several
 * nodes).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Durability</b>: {@link #append} returns only once every entry it was given is durable,
 *       and {@link #storeCheckpoint} only once the note is, {@link #appendWithCheckpoint} once both
 *       are; a crash can lose only entries of an append that had not returned. After a failed
 *       append the storage refuses further appends until it is reopened (after a failed fsync the
 *       state on disk is unknown).</li>
 *   <li><b>Concurrency</b>: in one process, one writer at a time ({@link #append},
 *       {@link #storeCheckpoint}: the log's sequencer); queries may run on any thread concurrently with
 *       it and with each other, and see entries once their append returned.</li>
 *   <li><b>Several nodes</b>: a storage shared by several registry nodes serializes appends itself
 *       (each append gets a contiguous range of indexes; two nodes' batches never interleave), so
 *       there is one log, not one per node. It makes "append unless this envelope is logged" atomic
 *       across nodes (two nodes accepting the same envelope log it once): an append that finds an
 *       envelope of its batch logged meanwhile appends nothing and throws
 *       {@link AlreadyLoggedException}, which is no failure of the storage. It shows every node the
 *       entries another node appended, and keeps as {@link #checkpoint} the note of the largest
 *       tree, never replacing it with an older one a slower node stores later.</li>
 *   <li><b>Integrity</b>: entries are never changed or removed; {@link #rootHash} and the proofs are
 *       RFC 9162's over the entries' leaf hashes (docs/spec-log.md).</li>
 * </ul>
 */
public interface LogStorage extends Closeable {
    /** Signs the checkpoint of the tree of the first {@code treeSize} entries, whose root hash is given. */
    @FunctionalInterface
    interface CheckpointSigner {
        String sign(long treeSize, byte[] rootHash);
    }

    /**
     * Appends {@code entries} durably, in order, and returns the index of the first.
     *
     * @throws AlreadyLoggedException if another node logged one of their envelopes meanwhile (a shared
     *                                storage only); nothing was appended
     */
    long append(List<LogEntry> entries) throws IOException;

    /** The index of the entry for the envelope with this SHA-256 (32 bytes), if there is one. */
    OptionalLong indexOf(byte[] envelopeSha256) throws IOException;

    /** The number of entries. */
    long size();

    /** The entry at {@code index}. */
    LogEntry entry(long index) throws IOException;

    /** The root hash of the tree of the first {@code treeSize} entries. */
    byte[] rootHash(long treeSize);

    /** The inclusion proof of entry {@code leafIndex} in the tree of {@code treeSize} entries. */
    InclusionProof inclusionProof(long leafIndex, long treeSize);

    /** The consistency proof between the trees of {@code oldSize} and {@code newSize} entries. */
    ConsistencyProof consistencyProof(long oldSize, long newSize);

    /** The last checkpoint note stored, if any. */
    Optional<String> checkpoint() throws IOException;

    /** Stores {@code note} durably as the latest signed checkpoint. */
    void storeCheckpoint(String note) throws IOException;

    /**
     * Appends {@code entries} as {@link #append} does, then stores as the latest checkpoint the note
     * {@code signer} signs for the tree they complete, and returns the index of the first entry. A
     * storage that can make both durable in one write overrides this (the file log's format version
     * 2: one fsync per batch instead of two); by default it is {@link #append}, then
     * {@link #storeCheckpoint} of the tree of {@link #size} entries.
     *
     * @throws AlreadyLoggedException as {@link #append}; nothing was appended or stored
     */
    default long appendWithCheckpoint(List<LogEntry> entries, CheckpointSigner signer) throws IOException {
        long first = append(entries);
        long treeSize = size();
        storeCheckpoint(signer.sign(treeSize, rootHash(treeSize)));
        return first;
    }
}
