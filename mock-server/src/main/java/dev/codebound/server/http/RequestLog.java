package dev.codebound.server.http;

import java.time.Instant;

/**
 * What the server remembers about a finished request. Carries the route template, never the raw
 * path, so that ids and anything else a client put in the URL stay out of metrics and journals.
 *
 * @param time       when the request's headers arrived
 * @param method     the effective method
 * @param route      the route template ({@code PATCH /files/{id}}), or {@code unmatched}
 * @param status     the response status, or 0 when the connection closed before any response
 * @param durationMs from the headers' arrival to the response (or the close)
 * @param bytes      request body bytes received
 * @param fault      the fault injected into the request (rule and action), or null when none
 */
public record RequestLog(Instant time, String method, String route, int status, long durationMs, long bytes,
        String fault) {}
