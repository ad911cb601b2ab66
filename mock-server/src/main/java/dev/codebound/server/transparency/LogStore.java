package dev.codebound.server.transparency;

import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.log.ConsistencyProof;
import dev.codebound.protocol.log.InclusionProof;
import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.log.MerkleHashes;
import dev.codebound.protocol.log.MerkleTree;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The embedded registry's transparency log entries on disk: an append-only file of fixed-size records, one per
 * {@link LogEntry} (layout in {@link LogFileFormat} and docs/spec-log.md), with an in-memory
 * {@link MerkleTree} rebuilt from it at open.
 *
 * <h2>Durability</h2>
 * Each {@link #append} or {@link #appendAll} call writes its records and fsyncs the file before it
 * returns, so a returned index survives a crash. A call with more than 1024 entries is written as
 * several batches, each fsynced before the next starts; if such a call fails, a prefix of its
 * entries may have been appended, and {@link #size()} tells how many. After any write failure the
 * store refuses further appends until it is reopened, because after a failed fsync the kernel may
 * already have dropped the unwritten pages.
 *
 * <h2>Recovery</h2>
 * Because batches are serialized and each is fsynced, a crash can damage only the last batch, which
 * no caller saw acknowledged. {@link #open} therefore drops a trailing partial record and a final
 * batch that is incomplete or has a damaged record, and reports how many records it dropped. Damage
 * anywhere else (a bad record followed by intact records of a later batch) means acknowledged
 * entries are lost; open then fails rather than silently shorten the log. Callers should also
 * compare {@link #size()} with the size of the last checkpoint they signed: a log shorter than a
 * signed checkpoint must not be served.
 *
 * <p>Memory: about 36 bytes per entry for the tree and 32 for the envelope-hash index. Appends are
 * serialized; queries may run concurrently with them and with each other.
 *
 * <p>It lives beside {@link FileLogStorage}, its only user, rather than in the protocol library:
 * stations and auditors verify proofs and checkpoints ({@code dev.codebound.protocol.log}) but
 * never write a log, and a registry over a database does not write this file either.
 */
final class LogStore implements Closeable {
    private static final int RECORD = LogFileFormat.RECORD_SIZE;
    private static final int HEADER = LogFileFormat.HEADER_SIZE;
    private static final int READ_CHUNK_RECORDS = 4096;

    private final Path file;
    private final FileChannel channel;
    private final MerkleTree tree = new MerkleTree();
    private final EnvelopeIndex envelopes = new EnvelopeIndex();
    private final Object appendLock = new Object();
    private long discardedAtOpen;
    private IOException failure;

    private LogStore(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Opens the log at {@code file}, creating an empty, owner-only one (atomically, with its
     * directory entry synced) if it does not exist, and repairs a torn final batch as the class comment describes.
     *
     * @throws IOException if the file is not a Codebound log, is locked by another process, or is
     *                     damaged where a crash cannot have damaged it
     */
    public static LogStore open(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        if (!Files.exists(absolute)) {
            DurableFiles.writePrivate(absolute, LogFileFormat.header());
        }
        FileChannel channel = FileChannel.open(absolute, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            lockExclusively(channel, absolute);
            LogStore store = new LogStore(absolute, channel);
            store.load();
            return store;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Appends one entry durably and returns its index. */
    public long append(LogEntry entry) throws IOException {
        return appendAll(List.of(entry));
    }

    /**
     * Appends entries durably, in order, and returns the index of the first. Up to 1024 entries
     * cost one fsync, which is how a busy registry should append.
     */
    public long appendAll(List<LogEntry> entries) throws IOException {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        synchronized (appendLock) {
            if (failure != null) {
                throw new IOException("log " + file + " had a write failure; reopen it before appending", failure);
            }
            long first = tree.size();
            for (int from = 0; from < entries.size(); from += LogFileFormat.MAX_BATCH) {
                writeBatch(entries.subList(from, Math.min(entries.size(), from + LogFileFormat.MAX_BATCH)));
            }
            return first;
        }
    }

    /**
     * The index of the first entry for the envelope with this SHA-256, if the log holds one. The
     * envelope hash is the registry's idempotency key: a retried upload whose first acceptance was
     * logged but not acknowledged (a crash, a failed fsync) is found here instead of logged twice.
     * To append only when absent, hold one lock of your own around this call and the append.
     */
    public OptionalLong indexOf(byte[] envelopeSha256) throws IOException {
        if (envelopeSha256.length != 32) {
            throw new IllegalArgumentException("an envelope SHA-256 is 32 bytes, got " + envelopeSha256.length);
        }
        for (long candidate : envelopes.candidates(envelopeSha256)) {
            if (MessageDigest.isEqual(entry(candidate).envelopeSha256(), envelopeSha256)) {
                return OptionalLong.of(candidate);
            }
        }
        return OptionalLong.empty();
    }

    /** The number of entries. */
    public long size() {
        return tree.size();
    }

    /** How many trailing records {@link #open} dropped as a torn final write (0 after a clean shutdown). */
    public long discardedAtOpen() {
        return discardedAtOpen;
    }

    /** The entry at {@code index}, read from disk and checked against its checksum. */
    public LogEntry entry(long index) throws IOException {
        if (index < 0 || index >= tree.size()) {
            throw new IllegalArgumentException("entry " + index + " is outside a log of " + tree.size());
        }
        ByteBuffer buffer = ByteBuffer.allocate(RECORD);
        readFully(buffer, HEADER + index * RECORD);
        buffer.flip();
        LogFileFormat.Record record = LogFileFormat.readRecord(buffer);
        if (!record.intact() || record.index() != index) {
            throw new IOException("record " + index + " of " + file + " is damaged on disk");
        }
        return record.entry();
    }

    /** The leaf hash of entry {@code index}. */
    public byte[] leafHash(long index) {
        return tree.leafHash(index);
    }

    /** The current root hash. */
    public byte[] rootHash() {
        return tree.rootHash();
    }

    /** The root hash at {@code treeSize}; read {@link #size()} first for a consistent pair. */
    public byte[] rootHash(long treeSize) {
        return tree.rootHash(treeSize);
    }

    /** See {@link MerkleTree#inclusionProof}. */
    public InclusionProof inclusionProof(long leafIndex, long treeSize) {
        return tree.inclusionProof(leafIndex, treeSize);
    }

    /** See {@link MerkleTree#consistencyProof}. */
    public ConsistencyProof consistencyProof(long oldSize, long newSize) {
        return tree.consistencyProof(oldSize, newSize);
    }

    /** Closes the file, which also releases its lock; closing again does nothing. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void writeBatch(List<LogEntry> batch) throws IOException {
        long batchStart = tree.size();
        List<byte[]> encoded = new ArrayList<>(batch.size());
        ByteBuffer buffer = ByteBuffer.allocate(batch.size() * RECORD);
        for (int i = 0; i < batch.size(); i++) {
            encoded.add(batch.get(i).encode());
            LogFileFormat.putRecord(buffer, batchStart + i, batchStart, batch.size(), encoded.get(i));
        }
        buffer.flip();
        try {
            long position = HEADER + batchStart * RECORD;
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
            // Metadata too: the file's new length is what makes the records readable after a crash.
            channel.force(true);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        for (int i = 0; i < batch.size(); i++) {
            commit(batch.get(i), MerkleHashes.leafHash(encoded.get(i)));
        }
    }

    /** Makes a durable entry visible to queries. */
    private void commit(LogEntry entry, byte[] leafHash) {
        envelopes.put(entry.envelopeSha256(), tree.append(leafHash));
    }

    private void load() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        long length = channel.size();
        if (length < HEADER) {
            throw new IOException(file + " is not a Codebound transparency log: it is shorter than a header");
        }
        readFully(header, 0);
        String problem = LogFileFormat.checkHeader(header);
        if (problem != null) {
            throw new IOException(file + " is not a Codebound transparency log: " + problem);
        }
        long records = (length - HEADER) / RECORD;
        boolean partialTail = (length - HEADER) % RECORD != 0;
        long torn = scan(records);
        if (torn < 0 && partialTail) {
            torn = records;
        }
        if (torn >= 0) {
            requireOnlyTornBatchAfter(torn, records);
            channel.truncate(HEADER + torn * RECORD);
            channel.force(true);
            discardedAtOpen = records - torn + (partialTail ? 1 : 0);
        }
    }

    /**
     * Rebuilds the tree from every complete, intact batch and returns the index of the first
     * record of the first batch that is not, or -1 if all are.
     */
    private long scan(long records) throws IOException {
        long batchStart = 0;
        long batchEnd = 0;
        List<LogEntry> pending = new ArrayList<>();
        ByteBuffer chunk = ByteBuffer.allocate(READ_CHUNK_RECORDS * RECORD);
        for (long i = 0; i < records; i++) {
            if ((i % READ_CHUNK_RECORDS) == 0) {
                chunk.clear().limit((int) Math.min(READ_CHUNK_RECORDS, records - i) * RECORD);
                readFully(chunk, HEADER + i * RECORD);
                chunk.flip();
            }
            LogFileFormat.Record record = LogFileFormat.readRecord(chunk);
            boolean startsBatch = i == batchEnd;
            boolean fits = record.intact() && record.index() == i && (startsBatch ? record.batchStart() == i
                    : record.batchStart() == batchStart && record.batchLength() == batchEnd - batchStart);
            if (!fits) {
                return startsBatch ? i : batchStart;
            }
            if (startsBatch) {
                batchStart = i;
                batchEnd = i + record.batchLength();
            }
            pending.add(record.entry());
            if (i + 1 == batchEnd) {
                pending.forEach(entry -> commit(entry, entry.leafHash()));
                pending.clear();
            }
        }
        return batchEnd > records ? batchStart : -1;
    }

    /** Fails unless every intact record from {@code torn} on belongs to the batch starting there. */
    private void requireOnlyTornBatchAfter(long torn, long records) throws IOException {
        if (records - torn > LogFileFormat.MAX_BATCH) {
            throw damaged(torn, records, (records - torn) + " records follow it, more than one batch");
        }
        ByteBuffer buffer = ByteBuffer.allocate(RECORD);
        for (long j = torn; j < records; j++) {
            buffer.clear();
            readFully(buffer, HEADER + j * RECORD);
            buffer.flip();
            LogFileFormat.Record record = LogFileFormat.readRecord(buffer);
            if (record.intact() && (record.index() != j || record.batchStart() != torn)) {
                throw damaged(torn, records, "record " + j + " after it is intact and belongs to another batch");
            }
        }
    }

    private IOException damaged(long torn, long records, String why) {
        return new IOException("transparency log " + file + " is damaged at record " + torn + " of " + records
                + " and it is not a torn final write (" + why + "); acknowledged entries would be lost, so it "
                + "will not be truncated: restore it from a replica or backup");
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new EOFException(file + " ended at byte " + position + " while reading");
            }
            position += read;
        }
    }

    /** Locks the whole file until the channel closes, so no second writer can interleave records. */
    private static void lockExclusively(FileChannel channel, Path file) throws IOException {
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException(file + " is open in another process");
            }
        } catch (OverlappingFileLockException e) {
            throw new IOException(file + " is already open in this process", e);
        }
    }
}
