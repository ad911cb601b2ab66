package dev.codebound.server.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What the server tolerates from a client's connection, so that slow or numerous connections
 * (slowloris) cannot hold sockets, memory or upload locks for long.
 *
 * @param headerTimeout            time for a request's head to arrive, counted from the end of the
 *                                 TLS handshake (plain mode: from the connection opening) or from
 *                                 the previous answer; also the longest idle keep-alive and the
 *                                 longest TLS handshake
 * @param bodyIdleTimeout          longest silence while a body is arriving
 * @param minBodyRate              the fewest body bytes per second a client must average over each
 *                                 {@code bodyRateWindow}
 * @param bodyRateWindow           the span over which the body rate is averaged; the first window is
 *                                 also the grace before the rate counts
 * @param bodyDeadline             the longest a single request body may take in all
 * @param maxConnectionsPerAddress open connections one client address may hold; more are closed
 *                                 at once, before any TLS work
 */
public record ClientLimits(Duration headerTimeout, Duration bodyIdleTimeout, long minBodyRate,
        Duration bodyRateWindow, Duration bodyDeadline, int maxConnectionsPerAddress) {
    public ClientLimits {
        positive(headerTimeout, "headerTimeout");
        positive(bodyIdleTimeout, "bodyIdleTimeout");
        positive(bodyRateWindow, "bodyRateWindow");
        positive(bodyDeadline, "bodyDeadline");
        if (minBodyRate < 0) {
            throw new IllegalArgumentException("minBodyRate must not be negative, got " + minBodyRate);
        }
        if (maxConnectionsPerAddress <= 0) {
            throw new IllegalArgumentException("maxConnectionsPerAddress must be positive, got "
                    + maxConnectionsPerAddress);
        }
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }
}
