package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads the request journal in order: each call asks only for entries newer than the last one seen
 * (by sequence number), so nothing is printed twice, and a gap (entries that left the ring before
 * they were read, under heavy load) is reported rather than hidden.
 */
final class JournalTail {
    private static final String JOURNAL_ROUTE = "/admin/journal";

    private final RegistryClient registry;
    private long last;
    private int capacity;

    JournalTail(RegistryClient registry) {
        this.registry = registry;
    }

    /** The ring's capacity, as the last answer said. */
    int capacity() {
        return capacity;
    }

    /** Up to {@code limit} entries newer than the last seen, oldest first. */
    List<JsonNode> next(int limit) throws AdminFailure {
        JsonNode page = registry.getJson("/admin/journal?limit=" + limit + "&after=" + last, "reading the journal");
        capacity = page.path("capacity").asInt();
        List<JsonNode> entries = new ArrayList<>();
        page.path("entries").forEach(entries::add);
        Collections.reverse(entries);
        if (!entries.isEmpty()) {
            last = entries.get(entries.size() - 1).path("sequence").asLong();
        }
        return entries;
    }

    /**
     * Prints {@code first}, then polls every {@code interval} and prints what is new, until the
     * thread is interrupted (Ctrl-C ends the process). Journal reads ({@code GET /admin/journal},
     * the polls themselves among them) are not printed.
     */
    void follow(List<JsonNode> first, Duration interval, boolean json, PrintWriter out, PrintWriter err)
            throws AdminFailure {
        print(first, json, out);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long before = last;
            List<JsonNode> fresh;
            try {
                fresh = next(capacity);
            } catch (AdminFailure e) {
                if (e.getCause() instanceof InterruptedException) {
                    return;
                }
                throw e;
            }
            long skipped = fresh.isEmpty() ? 0 : fresh.get(0).path("sequence").asLong() - before - 1;
            if (before > 0 && skipped > 0) {
                err.println("note: " + skipped + " request(s) left the journal's ring of " + capacity
                        + " before they could be read");
                err.flush();
            }
            print(fresh, json, out);
        }
    }

    /** One entry as a line of text. */
    static String line(JsonNode entry) {
        int status = entry.path("status").asInt();
        return String.format("#%-6d %s  %-7s %-40s %-9s %6d ms %9d B%s", entry.path("sequence").asLong(),
                entry.path("time").asText(), entry.path("method").asText(), entry.path("route").asText(),
                status == 0 ? "no-answer" : Integer.toString(status), entry.path("durationMs").asLong(),
                entry.path("bytes").asLong(), entry.has("fault") ? "  FAULT " + entry.path("fault").asText() : "");
    }

    /** Prints entries, but not the follower's own polls, which would otherwise fill the screen. */
    private static void print(List<JsonNode> entries, boolean json, PrintWriter out) {
        entries.stream().filter(entry -> !(entry.path("method").asText().equals("GET")
                        && entry.path("route").asText().equals(JOURNAL_ROUTE)))
                .forEach(entry -> out.println(json ? entry.toString() : line(entry)));
        out.flush();
    }
}
