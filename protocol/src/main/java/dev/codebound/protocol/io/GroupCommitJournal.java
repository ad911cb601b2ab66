package dev.codebound.protocol.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * An append-only journal of records with group commit: many threads' state changes share one
 * durable write.
 *
 * <p><b>Why.</b> Writing each state change as its own durable file costs a temporary file, an
 * fsync, a rename and a directory fsync, and a lock held across them serializes every worker
 * behind the disk. Here callers only queue a record and get a future; one writer thread takes
 * whatever is queued, writes it in one go and fsyncs once, then completes every future of the
 * batch. While it syncs, the next batch gathers. No caller ever holds a lock across an fsync.
 *
 * <p><b>Usage.</b> Under your own lock, apply a change to your in-memory state and {@link #append}
 * its record, so that memory order is journal order; release the lock; then {@link #await} the
 * future before acknowledging anything that depends on the change. On open, rebuild memory by
 * replaying the records; compact with {@link #rewrite} once the file has grown well past the
 * live state.
 *
 * <p><b>Format.</b> An 8-byte header {@code CBJRNL01}, then records, each a 4-byte big-endian
 * payload length, a 4-byte CRC32C of the length and payload, and the payload. A crash can only
 * tear the tail (records are appended and the file is synced before any future completes), so
 * {@link #open} replays records up to the first that is incomplete or fails its CRC and cuts the
 * file there; what it cut was never acknowledged.
 *
 * <p><b>Failure.</b> If a write or an fsync fails, the state of the file is unknown (the kernel
 * may have dropped the dirty pages: an fsync is not retried). The batch's futures and every later
 * one fail with the {@link IOException}; reopen the journal to recover what is durable. The
 * queueing, batching and failing are {@link GroupCommitWriter}'s; this class adds the record
 * format, replay and compaction.
 */
public final class GroupCommitJournal implements Closeable {
    /** The largest record accepted: a journal holds state, not bulk data. */
    public static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;

    private static final byte[] HEADER = {'C', 'B', 'J', 'R', 'N', 'L', '0', '1'};
    private static final int RECORD_OVERHEAD = 8;

    /**
     * What opening found.
     *
     * @param records  intact records replayed
     * @param bytes    the length of the file after opening (header and intact records)
     * @param cutBytes bytes of a torn or corrupt tail that were cut (never acknowledged)
     */
    public record Replay(long records, long bytes, long cutBytes) {}

    /** One unit of work for the writer: a record to append, or a snapshot that replaces the file. */
    private record Work(List<byte[]> records, Path[] directories, boolean rewrite) {}

    private final Path file;
    private final boolean ownerOnly;
    private final Replay replay;
    private final GroupCommitWriter<Work> writer;

    /** Touched by the writer thread only, apart from {@link #close()} after the writer stopped. */
    private FileChannel channel;
    private volatile long size;
    private volatile long syncs;
    private volatile long directorySyncs;

    private GroupCommitJournal(Path file, boolean ownerOnly, FileChannel channel, Replay replay) {
        this.file = file;
        this.ownerOnly = ownerOnly;
        this.channel = channel;
        this.replay = replay;
        this.size = replay.bytes();
        this.writer = new GroupCommitWriter<>("journal " + file, this::writeBatch);
    }

    /**
     * Opens the journal at {@code file}, creating it (and, when {@code ownerOnly}, with mode 0600
     * in a directory created 0700) if absent; calls {@code replay} with every intact record's
     * payload in append order (a read-only buffer, valid only during the call); cuts a torn or
     * corrupt tail; and starts the writer thread.
     *
     * @throws IOException when the file cannot be read or written, or is not a journal
     */
    public static GroupCommitJournal open(Path file, boolean ownerOnly, Consumer<ByteBuffer> replay)
            throws IOException {
        Path absolute = file.toAbsolutePath();
        if (ownerOnly) {
            DurableFiles.createPrivateDirectory(absolute.getParent());
        } else {
            Files.createDirectories(absolute.getParent());
        }
        boolean created = false;
        if (!Files.exists(absolute)) {
            writeFresh(absolute, ownerOnly, List.of());
            created = true;
        }
        FileChannel channel = FileChannel.open(absolute, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            Replay found = created ? new Replay(0, HEADER.length, 0) : replayInto(channel, absolute, replay, true);
            channel.position(found.bytes());
            return new GroupCommitJournal(absolute, ownerOnly, channel, found);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Reads the journal at {@code file} without opening it for writing: calls {@code replay} with
     * every intact record's payload in append order, as {@link #open} would, but cuts nothing and
     * takes no lock, so that another process may read a journal its owner is appending to (a
     * record being appended is then not seen yet: it reads as a torn tail).
     *
     * @return what was read; {@code cutBytes} is the torn or unfinished tail that was skipped
     * @throws IOException when the file cannot be read or is not a journal
     */
    public static Replay read(Path file, Consumer<ByteBuffer> replay) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return replayInto(channel, file, replay, false);
        }
    }

    /**
     * The bytes every journal file starts with, for a writer that appends to a journal file itself
     * (see {@link #frame} and {@link #replayFrom}).
     */
    public static byte[] header() {
        return HEADER.clone();
    }

    /**
     * {@code records} framed exactly as {@link #append} writes them, for a file that several
     * processes append to under an OS lock (the station's scanned codes): such a writer cannot
     * use this class's single writer thread, but shares its format, replay and torn-tail rule.
     *
     * @throws IllegalArgumentException if a record is longer than {@link #MAX_RECORD_BYTES}
     */
    public static byte[] frame(List<byte[]> records) {
        int length = 0;
        for (byte[] record : records) {
            if (record.length > MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("a journal record of " + record.length + " bytes is longer than "
                        + MAX_RECORD_BYTES);
            }
            length += framedLength(record);
        }
        ByteBuffer framed = ByteBuffer.allocate(length);
        records.forEach(record -> frame(record, framed));
        return framed.array();
    }

    /**
     * Calls {@code replay} with every intact record's payload from {@code position} on (the end of
     * the header, or of an intact record read before), in order, up to the first record that is
     * incomplete or fails its CRC; cuts nothing and does not check the header.
     *
     * @return the end of the last intact record: where the next record goes, once a torn tail is cut
     */
    public static long replayFrom(FileChannel channel, long position, Consumer<ByteBuffer> replay)
            throws IOException {
        long length = channel.size();
        long at = position;
        ByteBuffer prefix = ByteBuffer.allocate(RECORD_OVERHEAD);
        while (at + RECORD_OVERHEAD <= length) {
            prefix.clear();
            readFully(channel, prefix, at);
            int recordLength = prefix.getInt(0);
            int expectedCrc = prefix.getInt(4);
            if (recordLength < 0 || recordLength > MAX_RECORD_BYTES || at + RECORD_OVERHEAD + recordLength > length) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(recordLength);
            readFully(channel, payload, at + RECORD_OVERHEAD);
            if (crc(recordLength, payload.array()) != expectedCrc) {
                break;
            }
            replay.accept(payload.flip().asReadOnlyBuffer());
            at += RECORD_OVERHEAD + recordLength;
        }
        return at;
    }

    /** What {@link #open} found. */
    public Replay replay() {
        return replay;
    }

    /**
     * Queues {@code record} and returns at once. The future completes when the record is durable;
     * records queued meanwhile by any thread share the same write and fsync. Durable in queue
     * order: once a record is durable, so is every record queued before it.
     *
     * @throws IllegalArgumentException if the record is longer than {@link #MAX_RECORD_BYTES}
     */
    public CompletableFuture<Void> append(byte[] record) {
        return append(record, new Path[0]);
    }

    /**
     * {@link #append(byte[])}, after first making durable the entries of these directories (files
     * created, renamed or deleted in them before this call): one directory fsync per distinct
     * directory per batch. Data written into new files must already be forced by the caller.
     */
    public CompletableFuture<Void> append(byte[] record, Path... directoriesToSync) {
        Objects.requireNonNull(record, "record");
        if (record.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("a journal record of " + record.length + " bytes is longer than "
                    + MAX_RECORD_BYTES);
        }
        return writer.submit(new Work(List.of(record), directoriesToSync.clone(), false));
    }

    /**
     * Compaction: replaces the journal's content with {@code snapshot}, in queue order: records
     * queued before this call are superseded (the snapshot must hold their effect), records queued
     * after it follow the snapshot. Atomic: temporary file, fsync, rename, directory fsync. Call it
     * in the same critical section that updates the in-memory state and queues records.
     */
    public CompletableFuture<Void> rewrite(List<byte[]> snapshot) {
        List<byte[]> records = List.copyOf(snapshot);
        for (byte[] record : records) {
            if (record.length > MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("a journal record of " + record.length + " bytes is longer than "
                        + MAX_RECORD_BYTES);
            }
        }
        return writer.submit(new Work(records, new Path[0], true));
    }

    /** Bytes in the journal file now (header and records), for deciding when to {@link #rewrite}. */
    public long size() {
        return size;
    }

    /** fsyncs of the journal file so far: a figure for tests and benchmarks (group commit shows as fewer syncs than appends). */
    public long syncs() {
        return syncs;
    }

    /**
     * fsyncs of directories made before this journal's records so far: one per distinct directory
     * per batch (see {@link #append(byte[], Path...)}); for tests and benchmarks.
     */
    public long directorySyncs() {
        return directorySyncs;
    }

    /** The journal's file. */
    public Path file() {
        return file;
    }

    /**
     * Waits for a future this journal returned; its failure becomes the {@link IOException} it
     * carries (an interrupt becomes {@link InterruptedIOException}, with the interrupt flag kept).
     */
    public static void await(CompletableFuture<Void> durable) throws IOException {
        GroupCommitWriter.await(durable);
    }

    /** Waits until everything queued is durable (or failed), stops the writer and closes the file. */
    @Override
    public void close() throws IOException {
        writer.close();
        channel.close();
    }

    /**
     * Writes a batch: consecutive appends go out in one write and one fsync (after their
     * directories' fsyncs); a rewrite first makes the appends before it durable, then replaces the
     * file. The writer completes the batch's futures after this returns.
     */
    private void writeBatch(List<Work> batch) throws IOException {
        List<Work> appends = new ArrayList<>();
        for (Work work : batch) {
            if (work.rewrite()) {
                flushAppends(appends);
                replaceWith(work.records());
            } else {
                appends.add(work);
            }
        }
        flushAppends(appends);
    }

    private void flushAppends(List<Work> appends) throws IOException {
        if (appends.isEmpty()) {
            return;
        }
        Set<Path> directories = new LinkedHashSet<>();
        int bytes = 0;
        for (Work work : appends) {
            directories.addAll(Arrays.asList(work.directories()));
            bytes += framedLength(work.records().get(0));
        }
        for (Path directory : directories) {
            DurableFiles.syncDirectory(directory);
            directorySyncs++;
        }
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        for (Work work : appends) {
            frame(work.records().get(0), buffer);
        }
        buffer.flip();
        long end = size;
        while (buffer.hasRemaining()) {
            end += channel.write(buffer, end);
        }
        channel.force(false);
        syncs++;
        size = end;
        appends.clear();
    }

    private void replaceWith(List<byte[]> snapshot) throws IOException {
        Path written = writeFresh(file, ownerOnly, snapshot);
        FileChannel reopened = FileChannel.open(written, StandardOpenOption.READ, StandardOpenOption.WRITE);
        channel.close();
        channel = reopened;
        size = channel.size();
        syncs++;
    }

    /** Writes a journal holding {@code records} atomically at {@code target}; returns {@code target}. */
    private static Path writeFresh(Path target, boolean ownerOnly, List<byte[]> records) throws IOException {
        DurableFiles.write(target, ownerOnly, out -> {
            out.write(HEADER);
            for (byte[] record : records) {
                ByteBuffer framed = ByteBuffer.allocate(framedLength(record));
                frame(record, framed);
                out.write(framed.array());
            }
        });
        return target;
    }

    private static int framedLength(byte[] record) {
        return RECORD_OVERHEAD + record.length;
    }

    private static void frame(byte[] record, ByteBuffer into) {
        into.putInt(record.length);
        into.putInt(crc(record.length, record));
        into.put(record);
    }

    private static int crc(int length, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(4).putInt(0, length));
        crc.update(payload);
        return (int) crc.getValue();
    }

    /** Replays the intact records and, when {@code cut}, cuts what follows them; see the class comment. */
    private static Replay replayInto(FileChannel channel, Path file, Consumer<ByteBuffer> replay, boolean cut)
            throws IOException {
        long length = channel.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER.length);
        readFully(channel, header, 0);
        if (header.hasRemaining() || !Arrays.equals(header.array(), HEADER)) {
            throw new IOException(file + " is not a Codebound journal (its first bytes are not "
                    + new String(HEADER, StandardCharsets.US_ASCII)
                    + "); move it aside and restore the state it held from a backup");
        }
        long[] records = {0};
        long position = replayFrom(channel, HEADER.length, payload -> {
            replay.accept(payload);
            records[0]++;
        });
        long tail = length - position;
        if (tail > 0 && cut) {
            channel.truncate(position);
            channel.force(true);
        }
        return new Replay(records[0], position, tail);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                return;
            }
            at += read;
        }
    }
}
