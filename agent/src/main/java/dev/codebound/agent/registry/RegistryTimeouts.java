package dev.codebound.agent.registry;

import java.time.Duration;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * How long the station waits for the registry. The connect timeout bounds reaching it at all
 * (TCP and TLS), so that a registry that is down is reported within seconds; the call timeout
 * bounds a whole exchange, headers and body, so that a registry sending one byte every few seconds
 * cannot hold a command (and the spool lock) for ever: read and write timeouts restart at every
 * byte and cannot do that alone.
 *
 * @param connect time to set up the connection ({@code registry.connect-timeout})
 * @param call    time for a whole request and answer ({@code registry.call-timeout})
 */
public record RegistryTimeouts(Duration connect, Duration call) {
    public RegistryTimeouts {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(call, "call");
        if (connect.isZero() || connect.isNegative() || call.isZero() || call.isNegative()) {
            throw new IllegalArgumentException("registry timeouts must be positive");
        }
    }

    /** {@code builder} with these timeouts for every call it makes. */
    public OkHttpClient.Builder applyTo(OkHttpClient.Builder builder) {
        return builder.connectTimeout(connect).callTimeout(call);
    }
}
