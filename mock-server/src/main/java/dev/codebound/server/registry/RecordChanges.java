package dev.codebound.server.registry;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Orders the changes of one record in the embedded stores, so that a check and the durable write
 * that depends on it (is this token still unused? is this code already revoked?) are one step,
 * without a lock held across the write: a change waits only for an earlier change of the <em>same</em>
 * record to finish, never for another record's fsync, and no monitor is held while it writes.
 * Only records being changed have an entry, so the memory stays small however many records exist.
 */
final class RecordChanges {
    /** A change of one record: reads it, decides, writes it durably. */
    @FunctionalInterface
    interface Change<R> {
        R apply() throws IOException;
    }

    private final ConcurrentMap<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    /** Runs {@code change} while no other change of the record {@code key} runs, and returns its result. */
    <R> R of(String key, Change<R> change) throws IOException {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> earlier;
        while ((earlier = inFlight.putIfAbsent(key, mine)) != null) {
            earlier.join(); // completed only normally, in the finally below
        }
        try {
            return change.apply();
        } finally {
            inFlight.remove(key, mine);
            mine.complete(null);
        }
    }
}
