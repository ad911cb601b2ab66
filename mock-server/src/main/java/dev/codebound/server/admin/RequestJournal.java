package dev.codebound.server.admin;

import dev.codebound.server.http.RequestLog;
import java.util.ArrayList;
import java.util.List;

/**
 * The most recent requests, for integrators debugging their client: a bounded ring buffer, so it
 * costs fixed memory however long the server runs. Entries name route templates, never raw paths.
 * Each entry has a sequence number (1 for the first request the server finished), so that a reader
 * polling the journal ({@code codebound-mock-server admin journal --follow}) asks only for what is
 * newer than what it has seen and never prints an entry twice.
 */
public final class RequestJournal {
    /**
     * A journal entry and its place in the server's history.
     *
     * @param sequence 1 for the first request the server finished, then one more for each
     * @param log      the request
     */
    public record Numbered(long sequence, RequestLog log) {}

    private final RequestLog[] ring;
    private long written;

    public RequestJournal(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("journal capacity must be positive");
        }
        this.ring = new RequestLog[capacity];
    }

    public synchronized void add(RequestLog log) {
        ring[(int) (written % ring.length)] = log;
        written++;
    }

    /**
     * Up to {@code limit} most recent entries whose sequence number is greater than {@code after},
     * newest first; {@code after} 0 means all that the ring still holds.
     */
    public synchronized List<Numbered> recent(int limit, long after) {
        long count = Math.min(Math.min(limit, ring.length), written - Math.min(after, written));
        List<Numbered> result = new ArrayList<>((int) count);
        for (long sequence = written; sequence > written - count; sequence--) {
            result.add(new Numbered(sequence, ring[(int) ((sequence - 1) % ring.length)]));
        }
        return result;
    }

    public int capacity() {
        return ring.length;
    }
}
