package dev.codebound.agent.cli;

import dev.codebound.agent.registry.RegistryDateObserver;
import dev.codebound.agent.registry.RegistryEndpoint;
import dev.codebound.agent.registry.RegistryRefusal;
import dev.codebound.agent.registry.RegistryTimeouts;
import dev.codebound.agent.registry.ResponseTooLargeException;
import dev.codebound.agent.station.RegistryClock;
import dev.codebound.agent.station.StationConfig;
import dev.codebound.agent.station.StationException;
import dev.codebound.agent.station.StationHome;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The registry URL of a station, the one way every command builds its registry client (timeouts,
 * clock measurement), and the one way every command reports the registry's failures.
 */
final class RegistryAccess {
    private RegistryAccess() {}

    /** The configured {@code registry.url}. */
    static HttpUrl url(StationConfig config) throws StationException {
        return RegistryEndpoint.url(config);
    }

    /** The configured {@code registry.connect-timeout} and {@code registry.call-timeout}. */
    static RegistryTimeouts timeouts(StationConfig config) throws StationException {
        return RegistryEndpoint.timeouts(config);
    }

    /**
     * The client for {@code station}'s registry: {@code tls} (from {@code MutualTls}) with the
     * configured timeouts, measuring the registry's clock on every answer.
     */
    static OkHttpClient client(OkHttpClient.Builder tls, StationConfig config, StationHome station)
            throws StationException {
        return timeouts(config).applyTo(tls)
                .addNetworkInterceptor(new RegistryDateObserver(RegistryClock.of(station))).build();
    }

    /** Exit code 7 with the registry's own explanation. */
    static AgentFailure refused(String action, RegistryRefusal refusal) {
        return new AgentFailure(ExitCodes.REGISTRY_REFUSED, action + ": " + refusal.getMessage(), refusal);
    }

    /** Exit code 6: the network or TLS failed, or the registry's answer was too slow or too large, with what to check. */
    static AgentFailure unreachable(HttpUrl url, IOException failure) {
        String what;
        if (failure instanceof ResponseTooLargeException) {
            what = "the registry at " + url + " sent an answer that is too large: " + failure.getMessage();
        } else if (failure instanceof InterruptedIOException && !(failure instanceof SocketTimeoutException)) {
            // OkHttp's call timeout: the exchange as a whole took too long (a registry answering byte by byte).
            what = "the registry at " + url + " did not answer completely within registry.call-timeout; the call "
                    + "was abandoned (a registry or network far too slow)";
        } else {
            String hint = failure instanceof SSLException
                    ? " (TLS failed: is the server's certificate issued by the pinned registry CA?)" : "";
            what = "cannot reach the registry at " + url + hint + ": " + describe(failure);
        }
        return new AgentFailure(ExitCodes.UNREACHABLE, what + "; check the network and setting registry.url, then "
                + "try again", failure);
    }

    /** The failure's message, or its kind when it has none. */
    static String describe(IOException failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
