package dev.codebound.agent.cli;

import dev.codebound.agent.registry.RegistryRefusal;
import dev.codebound.agent.station.StationConfig;
import dev.codebound.agent.station.StationException;
import java.io.IOException;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;

/** The registry URL of a station, and the one way every command reports the registry's failures. */
final class RegistryAccess {
    private RegistryAccess() {}

    /** The configured {@code registry.url}. */
    static HttpUrl url(StationConfig config) throws StationException {
        HttpUrl url = HttpUrl.parse(config.string("registry.url"));
        if (url == null || !url.isHttps()) {
            throw new StationException("setting registry.url = '" + config.string("registry.url") + "' (from "
                    + config.source("registry.url") + ") is invalid: expected an https URL");
        }
        return url;
    }

    /** Exit code 7 with the registry's own explanation. */
    static AgentFailure refused(String action, RegistryRefusal refusal) {
        return new AgentFailure(ExitCodes.REGISTRY_REFUSED, action + ": " + refusal.getMessage(), refusal);
    }

    /** Exit code 6: the network or TLS failed, with what to check. */
    static AgentFailure unreachable(HttpUrl url, IOException failure) {
        String hint = failure instanceof SSLException
                ? " (TLS failed: is the server's certificate issued by the pinned registry CA?)" : "";
        return new AgentFailure(ExitCodes.UNREACHABLE, "cannot reach the registry at " + url + hint + ": "
                + failure.getMessage(), failure);
    }
}
