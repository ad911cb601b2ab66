package dev.codebound.agent.upload;

import dev.codebound.agent.spool.EntryState;
import java.time.Instant;
import java.util.Objects;

/**
 * A listener that passes every call on to another, for listeners that act on a few events and
 * wrap the rest of the chain (the transfer-log recorder, the receipt archive, the retry notices).
 * Subclasses override only what they act on and call {@code super} to pass the event on; an event
 * a wrapper forgets to forward is then impossible by construction (a wrapper written out by hand
 * once dropped {@link #entryRetrying}, and with it every retry notice of the {@code upload} command).
 */
public abstract class ForwardingProgressListener implements ProgressListener {
    private final ProgressListener next;

    /** @param next the listener every event is passed on to */
    protected ForwardingProgressListener(ProgressListener next) {
        this.next = Objects.requireNonNull(next, "next");
    }

    @Override
    public void entryStarted(String entryId, String filename, long acknowledged, long length) {
        next.entryStarted(entryId, filename, acknowledged, length);
    }

    @Override
    public void progressed(Progress progress) {
        next.progressed(progress);
    }

    @Override
    public void entryRetrying(String entryId, String filename, String reason, int failures, int maxAttempts,
            Instant nextAttempt) {
        next.entryRetrying(entryId, filename, reason, failures, maxAttempts, nextAttempt);
    }

    @Override
    public void entryFinished(String entryId, String filename, EntryState state, String reason) {
        next.entryFinished(entryId, filename, state, reason);
    }

    @Override
    public void runFinished(UploadRun run) {
        next.runFinished(run);
    }
}
