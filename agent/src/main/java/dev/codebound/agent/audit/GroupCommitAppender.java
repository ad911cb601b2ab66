package dev.codebound.agent.audit;

import dev.codebound.protocol.io.GroupCommitWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The transfer log's file, appended to with group commit ({@link GroupCommitWriter}): lines queued
 * at the same time go out in one write and one fdatasync. The log's lines carry their own
 * framing (a newline and a hash chain), so unlike the spool's journal this file has no record
 * header: it stays JSON Lines that any tool reads. Lines may also be held back ({@link #hold}) to go
 * out with the next line appended, in the same write and fdatasync.
 */
final class GroupCommitAppender implements Closeable {
    private final FileChannel channel;
    private final GroupCommitWriter<byte[]> writer;
    /** Lines held back for the next append, in order. */
    private final List<byte[]> held = new ArrayList<>();
    /** The last item submitted: the writer completes futures in order, so once it is done, everything is. */
    private CompletableFuture<Void> lastSubmitted = CompletableFuture.completedFuture(null);

    GroupCommitAppender(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.writer = new GroupCommitWriter<>("transfer log " + file.getFileName(), this::writeAndSync);
    }

    /**
     * Queues {@code bytes}, after the lines held back; the future completes when they are on disk,
     * in queue order.
     */
    synchronized CompletableFuture<Void> append(byte[] bytes) {
        if (held.isEmpty()) {
            lastSubmitted = writer.submit(bytes);
            return lastSubmitted;
        }
        held.add(bytes);
        // One item, so that the writer cannot take the held lines into a batch (and a sync) of their own.
        lastSubmitted = writer.submit(joinHeld());
        return lastSubmitted;
    }

    /**
     * Queues the lines held back, if any; the future completes when they and everything queued
     * before are on disk.
     */
    synchronized CompletableFuture<Void> flush() {
        if (!held.isEmpty()) {
            lastSubmitted = writer.submit(joinHeld());
        }
        return lastSubmitted;
    }

    /** Keeps {@code bytes} in memory until the next {@link #append} or {@link #close}, which writes them first. */
    synchronized void hold(byte[] bytes) {
        held.add(bytes);
    }

    /** The lines held back now, in order. */
    synchronized List<byte[]> heldLines() {
        return List.copyOf(held);
    }

    private byte[] joinHeld() {
        ByteBuffer joined = ByteBuffer.allocate(held.stream().mapToInt(line -> line.length).sum());
        held.forEach(joined::put);
        held.clear();
        return joined.array();
    }

    /**
     * Waits for a future from {@link #append}; its failure becomes the {@link IOException} it carries.
     * An interrupt does not end the wait (the record is written anyway): a watch stopped while it logs
     * a decision then knows the record is in, writes it once, and stops after with the flag set.
     */
    static void await(CompletableFuture<Void> durable) throws IOException {
        GroupCommitWriter.awaitUninterruptibly(durable);
    }

    private void writeAndSync(List<byte[]> batch) throws IOException {
        int length = batch.stream().mapToInt(bytes -> bytes.length).sum();
        ByteBuffer buffer = ByteBuffer.allocate(length);
        batch.forEach(buffer::put);
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(false);
    }

    /** Writes the lines held back, waits until everything queued is on disk, stops the writer and closes the file. */
    @Override
    public void close() throws IOException {
        try {
            synchronized (this) {
                if (!held.isEmpty()) {
                    writer.submit(joinHeld());
                }
            }
            writer.close();
        } finally {
            channel.close();
        }
    }
}
