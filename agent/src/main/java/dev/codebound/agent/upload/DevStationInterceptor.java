package dev.codebound.agent.upload;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Adds {@code Codebound-Dev-Station}, with which a registry in plain development mode identifies
 * the station instead of a client certificate. Never installed when no dev station id is set.
 */
final class DevStationInterceptor implements Interceptor {
    static final String HEADER = "Codebound-Dev-Station";

    private final String stationId;

    DevStationInterceptor(String stationId) {
        this.stationId = stationId;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        return chain.proceed(chain.request().newBuilder().header(HEADER, stationId).build());
    }
}
