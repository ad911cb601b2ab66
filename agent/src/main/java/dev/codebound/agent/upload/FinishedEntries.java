package dev.codebound.agent.upload;

import dev.codebound.agent.spool.EntryState;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes progress on to another listener and remembers how each entry's attempt ended, so that a
 * run's summary can name the entries that were rejected or failed and why.
 */
public final class FinishedEntries extends ForwardingProgressListener {
    /** One entry's end in this run. */
    public record Finished(String entryId, String filename, EntryState state, String reason) {}

    private final List<Finished> finished = new ArrayList<>();

    public FinishedEntries(ProgressListener delegate) {
        super(delegate);
    }

    @Override
    public void entryFinished(String entryId, String filename, EntryState state, String reason) {
        synchronized (finished) {
            finished.add(new Finished(entryId, filename, state, reason));
        }
        super.entryFinished(entryId, filename, state, reason);
    }

    /** The entries that ended in {@code state}, in the order they finished. */
    public List<Finished> inState(EntryState state) {
        synchronized (finished) {
            return finished.stream().filter(entry -> entry.state() == state).toList();
        }
    }
}
