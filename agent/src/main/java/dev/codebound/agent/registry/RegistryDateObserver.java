package dev.codebound.agent.registry;

import dev.codebound.agent.station.RegistryClock;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Measures this computer's clock against the registry's on every answer: the answer's
 * {@code Date} header against the local time halfway between sending the request and receiving
 * the answer. A network interceptor, so that it sees the real server's answer, not a cached one.
 */
public final class RegistryDateObserver implements Interceptor {
    private final RegistryClock clock;

    public RegistryDateObserver(RegistryClock clock) {
        this.clock = clock;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        Date registryDate = response.headers().getDate("Date");
        if (registryDate != null) {
            long midpoint = response.sentRequestAtMillis()
                    + (response.receivedResponseAtMillis() - response.sentRequestAtMillis()) / 2;
            try {
                clock.observe(Instant.ofEpochMilli(midpoint), registryDate.toInstant());
            } catch (IOException e) {
                // Advisory only: a station home that cannot take this small file fails loudly at its next real
                // write; the registry's answer itself is fine and must not be lost over it.
            }
        }
        return response;
    }
}
