package dev.codebound.protocol.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine of group commit, shared by every durable append-only file of the project: callers
 * {@link #submit} an item and get a future at once; one writer thread takes everything submitted
 * since its last turn and hands it, in submission order, to a {@link BatchWriter}, which writes it
 * and forces it to disk once; then every future of that batch completes. Items submitted while
 * the writer syncs gather for the next batch, so concurrent state changes share an fsync, and no
 * caller ever holds a lock across one.
 *
 * <p><b>Failure closes the writer.</b> If a batch fails, the file's tail is unknown (the kernel may
 * have dropped the dirty pages: an fsync is not retried), so that batch and every later submission
 * fail with the same {@link IOException}; the owner reopens its file to recover what is durable.
 *
 * @param <T> what callers submit: a record, or a unit of work the batch writer understands
 */
public final class GroupCommitWriter<T> implements Closeable {
    /** Writes one batch and forces it; called on the writer thread only, never concurrently. */
    @FunctionalInterface
    public interface BatchWriter<T> {
        /**
         * Writes every item of {@code batch}, in order, and makes them durable before returning.
         *
         * @throws IOException when a write or the sync failed: the batch and the writer fail
         */
        void write(List<T> batch) throws IOException;
    }

    private record Pending<T>(T item, CompletableFuture<Void> durable) {}

    private final String name;
    private final BatchWriter<T> batchWriter;
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition submitted = queueLock.newCondition();
    private final ArrayDeque<Pending<T>> queue = new ArrayDeque<>();
    private final Thread writer;
    /** Guarded by {@link #queueLock}. */
    private IOException failure;
    /** Guarded by {@link #queueLock}. */
    private boolean closing;

    /**
     * Starts the writer thread (a daemon named after {@code name}).
     *
     * @param name        what is written, for the thread's name and error messages (e.g. a file name)
     * @param batchWriter writes and forces each batch
     */
    public GroupCommitWriter(String name, BatchWriter<T> batchWriter) {
        this.name = Objects.requireNonNull(name, "name");
        this.batchWriter = Objects.requireNonNull(batchWriter, "batchWriter");
        this.writer = new Thread(this::run, "group-commit-" + name);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Queues {@code item}; the future completes when the batch that holds it is durable, or fails
     * with the {@link IOException} that failed the writer (or because the writer is closed).
     * Durable in submission order: once an item is durable, so is every item submitted before it.
     */
    public CompletableFuture<Void> submit(T item) {
        Pending<T> pending = new Pending<>(Objects.requireNonNull(item, "item"), new CompletableFuture<>());
        queueLock.lock();
        try {
            if (failure != null) {
                pending.durable().completeExceptionally(failure);
            } else if (closing) {
                pending.durable().completeExceptionally(new IOException(name + " is closed"));
            } else {
                queue.add(pending);
                submitted.signal();
            }
        } finally {
            queueLock.unlock();
        }
        return pending.durable();
    }

    /**
     * Waits for a future this class returned; its failure becomes the {@link IOException} it
     * carries (an interrupt becomes {@link InterruptedIOException}, with the interrupt flag kept).
     */
    public static void await(CompletableFuture<Void> durable) throws IOException {
        try {
            durable.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a write to become durable");
        } catch (ExecutionException e) {
            throw failure(e);
        }
    }

    /**
     * {@link #await}, but an interrupt does not end the wait: the item is queued and will be written
     * whatever the caller does, so a caller that gave up on an interrupt would not know whether its
     * record is on disk (and might write it again). The wait lasts one batch's write and sync; the
     * interrupt flag is set again before returning, for the caller to stop after.
     */
    public static void awaitUninterruptibly(CompletableFuture<Void> durable) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    durable.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw failure(e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The write failure a future carries, as the {@link IOException} callers of {@link #await} get. */
    private static IOException failure(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
            return new IOException(io.getMessage(), io);
        }
        return new IOException("durable write failed: " + cause, cause);
    }

    /** Waits until everything submitted is durable (or failed) and stops the writer thread. */
    @Override
    public void close() {
        queueLock.lock();
        try {
            closing = true;
            submitted.signalAll();
        } finally {
            queueLock.unlock();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Pending<T>> batch = new ArrayList<>();
        List<T> items = new ArrayList<>();
        while (takeBatch(batch)) {
            batch.forEach(pending -> items.add(pending.item()));
            try {
                batchWriter.write(items);
                batch.forEach(pending -> pending.durable().complete(null));
            } catch (IOException | RuntimeException e) {
                fail(batch, e instanceof IOException io ? io : new IOException(name + ": " + e, e));
            }
            batch.clear();
            items.clear();
        }
    }

    /** Waits for work and moves all of it into {@code batch}; false once closing with nothing left. */
    private boolean takeBatch(List<Pending<T>> batch) {
        queueLock.lock();
        try {
            while (queue.isEmpty()) {
                if (closing) {
                    return false;
                }
                submitted.awaitUninterruptibly();
            }
            batch.addAll(queue);
            queue.clear();
            return true;
        } finally {
            queueLock.unlock();
        }
    }

    private void fail(List<Pending<T>> batch, IOException cause) {
        List<Pending<T>> rest;
        queueLock.lock();
        try {
            failure = cause;
            rest = new ArrayList<>(queue);
            queue.clear();
        } finally {
            queueLock.unlock();
        }
        batch.forEach(pending -> pending.durable().completeExceptionally(cause));
        rest.forEach(pending -> pending.durable().completeExceptionally(cause));
    }
}
