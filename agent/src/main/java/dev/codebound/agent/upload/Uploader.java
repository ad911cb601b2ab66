package dev.codebound.agent.upload;

import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.protocol.wire.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;

/**
 * The upload engine: takes every due spool entry (oldest first) and uploads up to
 * {@link UploadConfig#parallelism()} at once over tus, resuming where earlier runs stopped.
 *
 * <pre>{@code
 * UploadRun run = new Uploader(config, MutualTls.fromPkcs12(p12, password, registryCa).build(), spool,
 *         TerminalProgressBar.forSystemConsole()).runOnce();
 * }</pre>
 *
 * <p>New entries start only while the {@linkplain UploadConfig#window() window} is open, before the
 * run's deadline, and while the registry accepts the station; entries already running are finished.
 */
public final class Uploader {
    private final UploadConfig config;
    private final Spool spool;
    private final ProgressListener listener;
    private final TusClient tus;
    private final RateLimiter limiter;

    /**
     * @param client an OkHttp client, normally from {@link MutualTls}; the uploader adds its own
     *               interceptors to a derived client and leaves this one unchanged
     */
    public Uploader(UploadConfig config, OkHttpClient client, Spool spool, ProgressListener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.spool = Objects.requireNonNull(spool, "spool");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.tus = new TusClient(Objects.requireNonNull(client, "client"), config);
        this.limiter = config.rateLimit() > 0
                ? RateLimiter.of(config.rateLimit(), config.nanoTime(), config.sleeper())
                : RateLimiter.unlimited();
    }

    /**
     * Uploads every entry that is due now, then returns what happened.
     *
     * @throws IOException          when the spool cannot be written (the disk, not the network)
     * @throws InterruptedException when the thread is interrupted; every entry is left resumable
     */
    public UploadRun runOnce() throws IOException, InterruptedException {
        Instant started = config.clock().instant();
        long startedNanos = config.nanoTime().getAsLong();
        Instant deadline = config.runDeadline() == null ? null : started.plus(config.runDeadline());
        List<SpoolEntry> due = spool.entries().stream().filter(entry -> entry.isDue(started)).toList();
        ConcurrentLinkedQueue<SpoolEntry> queue = new ConcurrentLinkedQueue<>(due);
        ProgressTracker progress = new ProgressTracker(listener, config.nanoTime(),
                due.stream().mapToLong(entry -> entry.info().length()).sum(),
                due.stream().mapToLong(SpoolEntry::acknowledgedOffset).sum());
        RunCounters counters = new RunCounters();
        AtomicReference<UploadRun.Stop> stop = new AtomicReference<>(UploadRun.Stop.COMPLETED);
        AtomicReference<Problem> stationRefusal = new AtomicReference<>();
        AtomicInteger[] byState = new AtomicInteger[EntryState.values().length];
        for (int i = 0; i < byState.length; i++) {
            byState[i] = new AtomicInteger();
        }
        AtomicInteger notStarted = new AtomicInteger();

        Runnable worker = () -> {
            // This worker's last delivered entry, held until its DELIVERED record is durable: the next envelope
            // does not depend on it, so the journal syncs it (with other workers' records) during the next
            // exchange, and only then is the receipt archived, the delivery logged and reported.
            Delivered held = null;
            try {
                for (SpoolEntry entry; (entry = queue.poll()) != null; ) {
                    UploadRun.Stop reason = reasonToStop(stop.get(), deadline);
                    if (reason != null) {
                        stop.compareAndSet(UploadRun.Stop.COMPLETED, reason);
                        notStarted.incrementAndGet();
                        continue;
                    }
                    if (held != null && !EntryUpload.travelsInItsCreation(entry, config)) {
                        // A long exchange must not keep an earlier delivery unreported (and unlogged) meanwhile.
                        finish(held.entry(), held.result(), byState);
                        held = null;
                    }
                    EntryUpload.Result result;
                    // Published for 'status': a small envelope is never IN_FLIGHT on disk, yet it is on its way.
                    spool.activity().started(entry.id());
                    try {
                        result = new EntryUpload(entry, spool, tus, config, limiter, progress, counters, deadline)
                                .run();
                    } finally {
                        spool.activity().finished(entry.id());
                    }
                    if (held != null) {
                        finish(held.entry(), held.result(), byState);
                        held = null;
                    }
                    if (result.stationRefusal() != null) {
                        // The entry is as it was: it counts as not started, and no other entry starts.
                        stationRefusal.compareAndSet(null, result.stationRefusal());
                        stop.set(UploadRun.Stop.UNAUTHORIZED);
                        notStarted.incrementAndGet();
                        continue;
                    }
                    if (result.delivery() != null) {
                        held = new Delivered(entry, result);
                    } else {
                        finish(entry, result, byState);
                    }
                }
                if (held != null) {
                    finish(held.entry(), held.result(), byState);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                // A held delivery stays queued: the spool's close makes it durable, and the next run archives
                // its receipt and logs it as it does after a crash.
                Thread.currentThread().interrupt();
            }
        };
        runWorkers(worker, Math.min(config.parallelism(), due.size()));

        UploadRun run = new UploadRun(byState[EntryState.DELIVERED.ordinal()].get(),
                byState[EntryState.REJECTED.ordinal()].get(), byState[EntryState.FAILED.ordinal()].get(),
                byState[EntryState.CORRUPT.ordinal()].get(), notStarted.get(), counters.bytesSent.get(),
                counters.bytesResent.get(), Duration.ofNanos(config.nanoTime().getAsLong() - startedNanos), stop.get(),
                stationRefusal.get());
        listener.runFinished(run);
        return run;
    }

    /** A delivered entry whose DELIVERED record may not be durable yet. */
    private record Delivered(SpoolEntry entry, EntryUpload.Result result) {}

    /**
     * Counts and reports an entry that has reached its end; a delivery only once its record is on
     * disk, since what hears of it (the receipt archive, the transfer log, the operator) depends on it.
     */
    private void finish(SpoolEntry entry, EntryUpload.Result result, AtomicInteger[] byState) throws IOException {
        if (result.delivery() != null) {
            result.delivery().await();
        }
        byState[result.state().ordinal()].incrementAndGet();
        listener.entryFinished(entry.id(), entry.info().filename(), result.state(), result.reason());
    }

    /**
     * Checks that the registry can be reached at all, before anything is taken from the spool: one
     * tus discovery request ({@code OPTIONS}) with a deadline of twice the client's connect timeout,
     * so that a registry that is down is reported within seconds, not after every entry's backoff.
     * Any HTTP answer counts as reachable; what it means is the upload's business.
     *
     * @throws IOException when the registry cannot be reached (refused, unknown host, TLS, timeout)
     */
    public static void checkReachable(UploadConfig config, OkHttpClient client) throws IOException {
        new TusClient(client, config).discover();
    }

    private UploadRun.Stop reasonToStop(UploadRun.Stop current, Instant deadline) {
        if (current == UploadRun.Stop.UNAUTHORIZED) {
            return current;
        }
        if (deadline != null && !config.clock().instant().isBefore(deadline)) {
            return UploadRun.Stop.DEADLINE;
        }
        return config.window().isOpen(config.clock()) ? null : UploadRun.Stop.WINDOW_CLOSED;
    }

    private void runWorkers(Runnable worker, int count) throws IOException, InterruptedException {
        if (count == 0) {
            return;
        }
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(count, task -> {
            Thread thread = new Thread(task, "codebound-upload-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(worker));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UncheckedIOException io) {
                        throw io.getCause();
                    }
                    throw new IllegalStateException("upload worker failed", e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
            tus.cancelInFlight();
            awaitStopped(pool);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("upload run interrupted");
        }
    }

    /**
     * Waits, even when interrupted, for the workers a stop has interrupted and cut off, so that none
     * changes the spool after the run has returned: its caller reads the entries, reports them, and
     * closes the spool. A worker still busy after a call's timeout is left to that close.
     */
    private void awaitStopped(ExecutorService pool) {
        long deadline = System.nanoTime() + config.callTimeout().toNanos();
        boolean interrupted = false;
        while (!pool.isTerminated()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                pool.awaitTermination(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
