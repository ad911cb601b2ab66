package dev.codebound.agent.upload;

import dev.codebound.protocol.wire.Tus;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/** Adds {@code Tus-Resumable: 1.0.0}, which tus requires on every request. */
final class TusResumableInterceptor implements Interceptor {
    @Override
    public Response intercept(Chain chain) throws IOException {
        return chain.proceed(chain.request().newBuilder().header(Tus.TUS_RESUMABLE, Tus.VERSION).build());
    }
}
