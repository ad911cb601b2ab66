package dev.codebound.registry.junit;

import java.time.Instant;
import java.util.Optional;

/**
 * One request as the registry's journal ({@code GET /admin/journal}) records it.
 *
 * @param time       when its head arrived
 * @param method     the HTTP method
 * @param route      the route template, never the raw path (e.g. {@code /files/{id}})
 * @param status     the answer's status, 0 when the connection closed before an answer
 * @param durationMs how long the server took
 * @param bytes      request body bytes received
 * @param fault      the injected fault, when a fault rule fired on it
 */
public record JournalEntry(Instant time, String method, String route, int status, long durationMs, long bytes,
        Optional<String> fault) {
    /** {@code METHOD /template}, as fault rules and metrics name routes. */
    public String routeName() {
        return method + " " + route;
    }
}
