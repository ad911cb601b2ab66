package dev.codebound.server.upload;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: the chain that keeps one
 * request's disk work (open, write, write, commit) in order while many requests share the pool.
 */
final class SerialExecutor implements Executor {
    private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());
    /** Tasks one chain runs before it lets others use its pool thread. */
    private static final int FAIR_SHARE = 16;

    private final Executor pool;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (queue) {
            queue.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        submitDrain();
    }

    private void submitDrain() {
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The server is stopping (or crashing on purpose): queued work is dropped, as a crash would.
            synchronized (queue) {
                queue.clear();
                running = false;
            }
        }
    }

    private void drain() {
        for (int ran = 0; ; ran++) {
            Runnable next;
            synchronized (queue) {
                // An interrupt is the pool's shutdownNow (a stop or a simulated crash): run nothing more.
                next = Thread.currentThread().isInterrupted() ? null : queue.poll();
                if (next == null) {
                    queue.clear();
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "storage task failed", e);
            }
            if (ran == FAIR_SHARE) {
                // Give other requests' chains a turn on the pool; our queue stays marked running.
                submitDrain();
                return;
            }
        }
    }
}
