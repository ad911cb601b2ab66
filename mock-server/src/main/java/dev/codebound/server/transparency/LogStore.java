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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The embedded registry's transparency log entries on disk: an append-only file of fixed-size records, one per
 * {@link LogEntry} (layout in {@link LogFileFormat} and docs/spec-log.md), with an in-memory
 * {@link MerkleTree} rebuilt from it at open.
 *
 * <h2>Durability</h2>
 * Each {@link #append} or {@link #appendAll} call writes its records and fsyncs the file before it
 * returns, so a returned index survives a crash. In a file of format version 2,
 * {@link #appendAll(List, LogStorage.CheckpointSigner)} also writes the checkpoint signed for the
 * tree with the new entries into a checkpoint slot, in the same write and under the same fsync. A
 * call with more than 1024 entries is written as several batches, each fsynced before the next
 * starts; if such a call fails, a prefix of its entries may have been appended, and {@link #size()}
 * tells how many. After any write failure the store refuses further appends until it is reopened,
 * because after a failed fsync the kernel may already have dropped the unwritten pages.
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
 * <p>The checkpoint slots (version 2) are recovered after the records. A batch's checkpoint is
 * written to the slot that does not hold the newest valid checkpoint, so a crash can tear only a
 * checkpoint that was never acknowledged, and the one before it stands. At open the newest valid
 * slot is the current checkpoint, unless it signs more entries than the repaired log holds: then it
 * was written with a batch the crash cut short (its records and its slot share one unacknowledged
 * write, and the disk may have kept either without the other), so it is ignored and the older slot
 * is current. A damaged slot (its CRC) is ignored the same way. If the older slot too signs more
 * entries than the log holds, acknowledged entries were lost: it is kept as the checkpoint, and the
 * transparency log refuses to open over it.
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
    private final int version;
    private final long recordsStart;
    /** Entries durable and visible to queries; the tree may hold more during a checkpointed write. */
    private volatile long size;
    /** The current checkpoint (version 2), if any. */
    private volatile LogFileFormat.Slot checkpoint;
    /**
     * The slot the next checkpoint goes to: never the current checkpoint's, and at open the one an
     * ignored checkpoint occupies, so that it is overwritten before it could ever be taken for current.
     */
    private int writeSlot;
    /** The highest slot sequence number seen, valid or ignored; the next checkpoint gets a higher one. */
    private long lastSequence;
    private long discardedAtOpen;
    private IOException failure;

    private LogStore(Path file, FileChannel channel, int version) {
        this.file = file;
        this.channel = channel;
        this.version = version;
        this.recordsStart = LogFileFormat.recordsStart(version);
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
            DurableFiles.writePrivate(absolute, LogFileFormat.header(LogFileFormat.FILE_VERSION));
        }
        FileChannel channel = FileChannel.open(absolute, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            lockExclusively(channel, absolute);
            LogStore store = new LogStore(absolute, channel, readVersion(channel, absolute));
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
            requireWritable();
            long first = size;
            for (int from = 0; from < entries.size(); from += LogFileFormat.MAX_BATCH) {
                writeBatch(entries.subList(from, Math.min(entries.size(), from + LogFileFormat.MAX_BATCH)), null);
            }
            return first;
        }
    }

    /**
     * Appends entries durably, in order, with the checkpoint {@code signer} signs for the tree they
     * complete, and returns the index of the first. The last batch (up to 1024 entries) and the
     * checkpoint cost one write and one fsync. Only files of format version 2 hold checkpoints
     * ({@link #holdsCheckpoints}).
     */
    public long appendAll(List<LogEntry> entries, LogStorage.CheckpointSigner signer) throws IOException {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        requireCheckpointSlots();
        synchronized (appendLock) {
            requireWritable();
            long first = size;
            for (int from = 0; from < entries.size(); from += LogFileFormat.MAX_BATCH) {
                int to = Math.min(entries.size(), from + LogFileFormat.MAX_BATCH);
                writeBatch(entries.subList(from, to), to == entries.size() ? signer : null);
            }
            return first;
        }
    }

    /** Whether the file holds its checkpoints (format version 2) rather than leaving them to a journal. */
    public boolean holdsCheckpoints() {
        return version >= LogFileFormat.FILE_VERSION;
    }

    /** The current checkpoint note, if the file holds checkpoints and one was stored. */
    public Optional<String> checkpoint() {
        LogFileFormat.Slot current = checkpoint;
        return current == null ? Optional.empty() : Optional.of(current.note());
    }

    /**
     * Stores {@code note}, the signed checkpoint of the tree of its first {@code treeSize} entries,
     * durably as the current checkpoint (format version 2).
     */
    public void storeCheckpoint(long treeSize, String note) throws IOException {
        requireCheckpointSlots();
        synchronized (appendLock) {
            requireWritable();
            ByteBuffer slot = ByteBuffer.wrap(nextSlot(treeSize, note));
            try {
                write(slot, LogFileFormat.slotPosition(writeSlot));
                channel.force(false);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            advanceCheckpoint(treeSize, note);
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
        return size;
    }

    /** How many trailing records {@link #open} dropped as a torn final write (0 after a clean shutdown). */
    public long discardedAtOpen() {
        return discardedAtOpen;
    }

    /** The entry at {@code index}, read from disk and checked against its checksum. */
    public LogEntry entry(long index) throws IOException {
        long entries = size;
        if (index < 0 || index >= entries) {
            throw new IllegalArgumentException("entry " + index + " is outside a log of " + entries);
        }
        ByteBuffer buffer = ByteBuffer.allocate(RECORD);
        readFully(buffer, recordsStart + index * RECORD);
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
        return tree.rootHash(size);
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

    /**
     * Writes one batch and, if {@code signer} is given, the checkpoint of the tree it completes, then
     * forces the file once. The batch's leaves enter the tree before the write, so that the
     * checkpoint can be signed over them, but no query sees them before {@link #size} moves.
     */
    private void writeBatch(List<LogEntry> batch, LogStorage.CheckpointSigner signer) throws IOException {
        long batchStart = size;
        List<byte[]> encoded = new ArrayList<>(batch.size());
        ByteBuffer buffer = ByteBuffer.allocate(batch.size() * RECORD);
        for (int i = 0; i < batch.size(); i++) {
            encoded.add(batch.get(i).encode());
            LogFileFormat.putRecord(buffer, batchStart + i, batchStart, batch.size(), encoded.get(i));
        }
        buffer.flip();
        long batchEnd = batchStart + batch.size();
        String note = null;
        ByteBuffer slot = null;
        if (signer != null) {
            for (byte[] entry : encoded) {
                tree.append(MerkleHashes.leafHash(entry));
            }
            try {
                note = signer.sign(batchEnd, tree.rootHash(batchEnd));
                slot = ByteBuffer.wrap(nextSlot(batchEnd, note));
            } catch (RuntimeException e) {
                // The tree now holds leaves that will not be written: no further append until reopened.
                failure = new IOException("the checkpoint of a batch could not be made: " + e.getMessage(), e);
                throw e;
            }
        }
        try {
            write(buffer, recordsStart + batchStart * RECORD);
            if (slot != null) {
                write(slot, LogFileFormat.slotPosition(writeSlot));
            }
            // Metadata too: the file's new length is what makes the records readable after a crash.
            channel.force(true);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        for (int i = 0; i < batch.size(); i++) {
            long index = signer != null ? batchStart + i : tree.append(MerkleHashes.leafHash(encoded.get(i)));
            envelopes.put(batch.get(i).envelopeSha256(), index);
        }
        size = batchEnd;
        if (signer != null) {
            advanceCheckpoint(batchEnd, note);
        }
    }

    /** The encoding of the next checkpoint slot, numbered after every slot seen. */
    private byte[] nextSlot(long treeSize, String note) {
        return LogFileFormat.slot(lastSequence + 1, treeSize, note.getBytes(StandardCharsets.UTF_8));
    }

    /** Makes the checkpoint just forced into the other slot the current one. */
    private void advanceCheckpoint(long treeSize, String note) {
        lastSequence++;
        checkpoint = new LogFileFormat.Slot(lastSequence, treeSize, note);
        writeSlot = 1 - writeSlot;
    }

    private void write(ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    private void requireWritable() throws IOException {
        if (failure != null) {
            throw new IOException("log " + file + " had a write failure; reopen it before appending", failure);
        }
    }

    private void requireCheckpointSlots() {
        if (!holdsCheckpoints()) {
            throw new IllegalStateException("log " + file + " is of format version " + version
                    + ", which keeps no checkpoints");
        }
    }

    /** Makes a durable entry visible to queries. */
    private void commit(LogEntry entry, byte[] leafHash) {
        envelopes.put(entry.envelopeSha256(), tree.append(leafHash));
    }

    private void load() throws IOException {
        long length = channel.size();
        if (length < recordsStart) {
            throw new IOException(file + " is not a Codebound transparency log: it is shorter than its header");
        }
        long records = (length - recordsStart) / RECORD;
        boolean partialTail = (length - recordsStart) % RECORD != 0;
        long torn = scan(records);
        if (torn < 0 && partialTail) {
            torn = records;
        }
        if (torn >= 0) {
            requireOnlyTornBatchAfter(torn, records);
            channel.truncate(recordsStart + torn * RECORD);
            channel.force(true);
            discardedAtOpen = records - torn + (partialTail ? 1 : 0);
        }
        size = tree.size();
        if (holdsCheckpoints()) {
            loadCheckpoint();
        }
    }

    /** Chooses the current checkpoint among the slots, as the class comment explains. */
    private void loadCheckpoint() throws IOException {
        LogFileFormat.Slot[] slots = new LogFileFormat.Slot[LogFileFormat.SLOTS];
        for (int i = 0; i < slots.length; i++) {
            ByteBuffer bytes = ByteBuffer.allocate(LogFileFormat.SLOT_SIZE);
            readFully(bytes, LogFileFormat.slotPosition(i));
            slots[i] = LogFileFormat.readSlot(bytes.array());
            if (slots[i] != null) {
                lastSequence = Math.max(lastSequence, slots[i].sequence());
            }
        }
        int newest = slots[0] == null || (slots[1] != null && slots[1].sequence() > slots[0].sequence()) ? 1 : 0;
        int current = newest;
        if (slots[newest] != null && slots[newest].treeSize() > size) {
            // Written with a batch that the crash cut short, in the same unacknowledged write.
            current = 1 - newest;
        }
        if (slots[current] != null) {
            checkpoint = slots[current];
            writeSlot = 1 - current;
        } else {
            writeSlot = newest;
        }
    }

    /** The format version of the log open on {@code channel}, whose header must be valid. */
    private static int readVersion(FileChannel channel, Path file) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (header.hasRemaining()) {
            if (channel.read(header, header.position()) < 0) {
                throw new IOException(file + " is not a Codebound transparency log: it is shorter than a header");
            }
        }
        String problem = LogFileFormat.checkHeader(header);
        if (problem != null) {
            throw new IOException(file + " is not a Codebound transparency log: " + problem);
        }
        return LogFileFormat.version(header);
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
                readFully(chunk, recordsStart + i * RECORD);
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
            readFully(buffer, recordsStart + j * RECORD);
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
