package dev.codebound.server.adminui;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;

/** The headers every response of the admin web page carries. */
final class UiHeaders {
    /**
     * Only this server's own script and style files run, nothing inline; images from this server
     * (the decrypted photos) and blob URLs; no framing by any page; forms post only here.
     */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private UiHeaders() {}

    /**
     * Adds the policy and its companions to {@code response}, and returns it. The referrer policy is
     * {@code same-origin}, not {@code no-referrer}: under the latter a browser sends {@code Origin: null}
     * with the login form, which the Origin check must refuse.
     */
    static FullHttpResponse apply(FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, POLICY)
                .set("X-Content-Type-Options", "nosniff")
                .set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "same-origin")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }
}
