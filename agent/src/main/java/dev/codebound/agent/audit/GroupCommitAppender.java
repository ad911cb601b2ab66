package dev.codebound.agent.audit;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Appends byte strings to a file with group commit: {@link #append} queues and returns at once;
 * one writer thread writes everything queued since its last write in one go and forces it with
 * one fdatasync, then completes the futures of that batch. Threads that append while the writer
 * syncs therefore share the next fsync, and no caller's lock is held across one. Durable in queue
 * order. A failed write or sync fails its batch and every later append (fail closed: the file's
 * tail is then unknown; the owner reopens it to repair).
 */
final class GroupCommitAppender implements Closeable {
    private record Pending(byte[] bytes, CompletableFuture<Void> durable) {}

    private final FileChannel channel;
    private final Thread writer;
    private final List<Pending> queue = new ArrayList<>();
    private boolean closing;
    private IOException failure;
    private long syncs;

    GroupCommitAppender(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.writer = new Thread(this::writeBatches, "log-" + file.getFileName());
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues {@code bytes}; the future completes when they are on disk. */
    synchronized CompletableFuture<Void> append(byte[] bytes) {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        if (failure != null || closing) {
            durable.completeExceptionally(failure != null ? failure : new IOException("the log is closed"));
            return durable;
        }
        queue.add(new Pending(bytes, durable));
        notifyAll();
        return durable;
    }

    /** fsyncs so far: group commit shows as fewer syncs than appends. */
    synchronized long syncs() {
        return syncs;
    }

    /** Waits for a future from {@link #append}; its failure becomes the {@link IOException} it carries. */
    static void await(CompletableFuture<Void> durable) throws IOException {
        try {
            durable.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the transfer log's disk");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private void writeBatches() {
        while (true) {
            List<Pending> batch;
            synchronized (this) {
                while (queue.isEmpty() && !closing) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        failAll(new InterruptedIOException("the transfer log's writer was interrupted"), List.of());
                        return;
                    }
                }
                if (queue.isEmpty()) {
                    return;
                }
                batch = new ArrayList<>(queue);
                queue.clear();
            }
            try {
                write(batch);
                batch.forEach(pending -> pending.durable().complete(null));
            } catch (IOException e) {
                failAll(e, batch);
                return;
            }
        }
    }

    private void write(List<Pending> batch) throws IOException {
        int length = batch.stream().mapToInt(pending -> pending.bytes().length).sum();
        ByteBuffer buffer = ByteBuffer.allocate(length);
        batch.forEach(pending -> buffer.put(pending.bytes()));
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(false);
        synchronized (this) {
            syncs++;
        }
    }

    private void failAll(IOException cause, List<Pending> batch) {
        synchronized (this) {
            failure = cause;
            queue.forEach(pending -> pending.durable().completeExceptionally(cause));
            queue.clear();
        }
        batch.forEach(pending -> pending.durable().completeExceptionally(cause));
    }

    /** Waits until everything queued is on disk, stops the writer and closes the file. */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            channel.close();
        }
    }
}
