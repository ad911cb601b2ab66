package dev.codebound.server.http;

import java.util.concurrent.ScheduledFuture;

/**
 * Connection-level levers over one request that a {@link RequestDecorator} may pull and an
 * ordinary {@link RequestHandler} never needs: timers, a read hold of its own, an abrupt reset and
 * a note in the request journal. Fault injection is their user. Every method must be called on the
 * connection's event loop.
 */
public interface RequestControl {
    /** Runs {@code task} on the connection's event loop after {@code delayMillis}, without blocking it. */
    ScheduledFuture<?> schedule(Runnable task, long delayMillis);

    /**
     * Stops reading from the connection until {@link #releaseReading}. Independent of the handler's
     * own {@link Exchange#pauseReading} backpressure: reading resumes only when neither holds it.
     */
    void holdReading();

    /** Ends a {@link #holdReading}. */
    void releaseReading();

    /**
     * Closes the connection at once with a TCP reset, as a crashing server would; the handler then
     * gets {@link RequestHandler#onAbort} like for any broken connection.
     */
    void reset();

    /** Names the fault injected into this request in its journal entry. */
    void recordFault(String description);
}
