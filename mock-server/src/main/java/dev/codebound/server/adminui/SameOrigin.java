package dev.codebound.server.adminui;

import dev.codebound.protocol.wire.Problem;
import dev.codebound.server.problem.ProblemType;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;

/** Whether a request's {@code Origin} header names the server it was sent to. */
final class SameOrigin {
    private SameOrigin() {}

    /**
     * True when {@code origin} is exactly {@code scheme://host} with this server's scheme and the
     * request's {@code Host}: what a browser sends for a page this server served.
     */
    static boolean matches(String origin, HttpHeaders headers, boolean tls) {
        String host = headers.get(HttpHeaderNames.HOST);
        return host != null && origin.toLowerCase(Locale.ROOT)
                .equals(((tls ? "https://" : "http://") + host).toLowerCase(Locale.ROOT));
    }

    /** The refusal for a change sent from another site's page. */
    static Problem refusal(String origin, String path) {
        return ProblemType.CROSS_ORIGIN_REFUSED.problem(
                "a page from " + origin + " may not change this registry; use the admin web page this server "
                        + "serves at /admin/ui/, the admin CLI, or a client that sends no foreign Origin", path);
    }
}
