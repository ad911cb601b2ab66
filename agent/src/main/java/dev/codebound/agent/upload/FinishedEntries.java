package dev.codebound.agent.upload;

import dev.codebound.agent.spool.EntryState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes progress on to another listener and remembers how each entry's attempt ended, so that a
 * run's summary can name the entries that were rejected or failed and why.
 */
public final class FinishedEntries implements ProgressListener {
    /** One entry's end in this run. */
    public record Finished(String entryId, String filename, EntryState state, String reason) {}

    private final ProgressListener delegate;
    private final List<Finished> finished = new ArrayList<>();

    public FinishedEntries(ProgressListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void entryStarted(String entryId, String filename, long acknowledged, long length) {
        delegate.entryStarted(entryId, filename, acknowledged, length);
    }

    @Override
    public void progressed(Progress progress) {
        delegate.progressed(progress);
    }

    @Override
    public void entryRetrying(String entryId, String filename, String reason, int failures, int maxAttempts,
            Instant nextAttempt) {
        delegate.entryRetrying(entryId, filename, reason, failures, maxAttempts, nextAttempt);
    }

    @Override
    public void entryFinished(String entryId, String filename, EntryState state, String reason) {
        synchronized (finished) {
            finished.add(new Finished(entryId, filename, state, reason));
        }
        delegate.entryFinished(entryId, filename, state, reason);
    }

    @Override
    public void runFinished(UploadRun run) {
        delegate.runFinished(run);
    }

    /** The entries that ended in {@code state}, in the order they finished. */
    public List<Finished> inState(EntryState state) {
        synchronized (finished) {
            return finished.stream().filter(entry -> entry.state() == state).toList();
        }
    }
}
