package dev.codebound.server.postgres;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a store's in-memory view of shared rows fresh without making a reader wait: a read that
 * finds the view older than the refresh interval starts one reload in the background (the common
 * pool) and answers from the view it has. A change made on this node enters the view at once; a
 * change made on another node reaches it within about one interval of traffic. A failed reload
 * keeps the old view and is retried on a later read.
 */
final class LocalView {
    private static final System.Logger LOG = System.getLogger(LocalView.class.getName());

    /** Reloads the view from the database. */
    @FunctionalInterface
    interface Reload {
        void run() throws IOException;
    }

    private final Duration interval;
    private final Reload reload;
    private final AtomicLong loadedAt = new AtomicLong(System.nanoTime());
    private final AtomicBoolean reloading = new AtomicBoolean();

    LocalView(Duration interval, Reload reload) {
        this.interval = interval;
        this.reload = reload;
    }

    /** Called on every read: starts a background reload when the view is stale and none is running. */
    void touch() {
        if (System.nanoTime() - loadedAt.get() < interval.toNanos() || !reloading.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture.runAsync(() -> {
            try {
                reloadNow();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot refresh the shared view; serving the last one", e);
            } finally {
                reloading.set(false);
            }
        });
    }

    /** Reloads in the caller's thread (at open, and in tests that need the other node's change now). */
    void reloadNow() throws IOException {
        long started = System.nanoTime();
        reload.run();
        loadedAt.set(started);
    }
}
