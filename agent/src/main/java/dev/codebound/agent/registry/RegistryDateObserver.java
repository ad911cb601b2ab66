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
    /**
     * The last {@code Date} header parsed, and its instant. The header changes once a second while an
     * upload's answers arrive by the dozen, and parsing it (OkHttp's lenient HTTP-date parser, a
     * {@code SimpleDateFormat}) was about 2% of a station's upload CPU at the first JIT tier.
     */
    private volatile ParsedDate lastParsed;

    public RegistryDateObserver(RegistryClock clock) {
        this.clock = clock;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        Instant registryTime = registryTime(response);
        if (registryTime != null) {
            long midpoint = response.sentRequestAtMillis()
                    + (response.receivedResponseAtMillis() - response.sentRequestAtMillis()) / 2;
            try {
                clock.observe(Instant.ofEpochMilli(midpoint), registryTime);
            } catch (IOException e) {
                // Advisory only: a station home that cannot take this small file fails loudly at its next real
                // write; the registry's answer itself is fine and must not be lost over it.
            }
        }
        return response;
    }

    /** The instant the answer's {@code Date} header names, or {@code null} when it has none that parses. */
    private Instant registryTime(Response response) {
        String header = response.header("Date");
        if (header == null) {
            return null;
        }
        ParsedDate last = lastParsed;
        if (last != null && last.header().equals(header)) {
            return last.instant();
        }
        Date parsed = response.headers().getDate("Date");
        if (parsed == null) {
            return null;
        }
        Instant instant = parsed.toInstant();
        lastParsed = new ParsedDate(header, instant);
        return instant;
    }

    /** A {@code Date} header's text and the instant it names. */
    private record ParsedDate(String header, Instant instant) {}
}
