package dev.codebound.server.admin;

import dev.codebound.server.http.RequestLog;
import java.util.ArrayList;
import java.util.List;

/**
 * The most recent requests, for integrators debugging their client: a bounded ring buffer, so it
 * costs fixed memory however long the server runs. Entries name route templates, never raw paths.
 */
public final class RequestJournal {
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

    /** Up to {@code limit} most recent entries, newest first. */
    public synchronized List<RequestLog> recent(int limit) {
        int count = (int) Math.min(Math.min(limit, ring.length), written);
        List<RequestLog> result = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            result.add(ring[(int) ((written - i) % ring.length)]);
        }
        return result;
    }

    public int capacity() {
        return ring.length;
    }
}
