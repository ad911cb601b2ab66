package dev.codebound.agent.registry;

import dev.codebound.agent.station.StationConfig;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.station.StationException;
import dev.codebound.agent.upload.MutualTls;
import dev.codebound.protocol.pki.StationCredentials;
import java.time.Duration;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * A station's registry as its settings name it: the URL, the timeouts, and the one way a client
 * for it is built (mutual TLS with the station's key, the configured timeouts, the registry's clock
 * measured on every answer). Shared by the commands and the desk service.
 */
public final class RegistryEndpoint {
    private RegistryEndpoint() {}

    /** The configured {@code registry.url}. */
    public static HttpUrl url(StationConfig config) throws StationException {
        HttpUrl url = HttpUrl.parse(config.string("registry.url"));
        if (url == null || !url.isHttps()) {
            throw new StationException("setting registry.url = '" + config.string("registry.url") + "' (from "
                    + config.source("registry.url") + ") is invalid: expected an https URL");
        }
        return url;
    }

    /** The configured {@code registry.connect-timeout} and {@code registry.call-timeout}. */
    public static RegistryTimeouts timeouts(StationConfig config) throws StationException {
        return new RegistryTimeouts(positive(config, "registry.connect-timeout"),
                positive(config, "registry.call-timeout"));
    }

    /**
     * The client for {@code station}'s registry: {@code tls} (from {@code MutualTls}) with the
     * configured timeouts, measuring the registry's clock on every answer.
     */
    public static OkHttpClient client(OkHttpClient.Builder tls, StationContext station) throws StationException {
        return timeouts(station.config()).applyTo(tls)
                .addNetworkInterceptor(new RegistryDateObserver(station.registryClock())).build();
    }

    /**
     * The mutually authenticated client an upload uses: the station's key and certificate, the pinned
     * registry CA, and {@code upload.request-timeout} for reads and writes.
     */
    public static OkHttpClient uploadClient(StationContext station) throws StationException {
        StationCredentials credentials = station.credentials();
        Duration timeout = station.config().duration("upload.request-timeout");
        return client(MutualTls.create(credentials.privateKey(), List.of(credentials.certificate()),
                station.trust().registryCa()).readTimeout(timeout).writeTimeout(timeout), station);
    }

    private static Duration positive(StationConfig config, String key) throws StationException {
        Duration value = config.duration(key);
        if (value.isZero()) {
            throw new StationException("setting " + key + " (from " + config.source(key) + ") must be longer than 0");
        }
        return value;
    }
}
