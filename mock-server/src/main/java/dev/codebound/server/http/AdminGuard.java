package dev.codebound.server.http;

import dev.codebound.protocol.wire.Problem;
import dev.codebound.server.problem.ProblemType;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may call {@link Access#ADMIN} routes. Deliberately simple for a mock: in plain mode, any
 * client on a loopback address; in TLS mode, a client that sends {@code Authorization: Bearer
 * <token>} with the server's admin token (written to {@code <data-dir>/admin-token} on first start).
 */
public interface AdminGuard {
    /** A {@code Host} header naming a loopback address or {@code localhost}, with an optional port. */
    Pattern LOOPBACK_HOST = Pattern.compile("(127(\\.[0-9]{1,3}){3}|\\[::1\\]|(?i:localhost))(:[0-9]{1,5})?");

    /** Empty when the request ({@code method}, after any override) may proceed; otherwise the problem to answer with. */
    Optional<Problem> check(Channel channel, HttpMethod method, HttpHeaders headers, String path);

    /**
     * Admits clients connecting from a loopback address that address the request to a loopback
     * name ({@code Host} {@code 127.x.x.x}, {@code [::1]} or {@code localhost}, any port). The second
     * condition is what stops DNS rebinding: a web page from a host name that an attacker makes
     * resolve to 127.0.0.1 reaches this port from the operator's browser as a same-origin page, but
     * its requests carry that host name.
     */
    static AdminGuard loopbackOnly() {
        return (channel, method, headers, path) -> {
            if (!(channel.remoteAddress() instanceof InetSocketAddress address
                    && address.getAddress().isLoopbackAddress())) {
                return Optional.of(ProblemType.ADMIN_LOOPBACK_ONLY.problem(
                        "in plain mode admin routes answer only clients on a loopback address", path));
            }
            String host = headers.get(HttpHeaderNames.HOST);
            if (host != null && !LOOPBACK_HOST.matcher(host).matches()) {
                return Optional.of(ProblemType.ADMIN_LOOPBACK_ONLY.problem(
                        "in plain mode admin routes answer only requests addressed to 127.0.0.1, [::1] or localhost, "
                                + "so that a web page from another host name resolving here cannot read them", path));
            }
            return Optional.empty();
        };
    }

    /** Admits requests carrying {@code Authorization: Bearer <token>}, compared in constant time. */
    static AdminGuard bearerToken(String token) {
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        return (channel, method, headers, path) -> {
            String given = headers.get(HttpHeaderNames.AUTHORIZATION);
            if (given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
                return Optional.empty();
            }
            return Optional.of(ProblemType.ADMIN_TOKEN_REQUIRED.problem(
                    "send Authorization: Bearer <token> with the token from <data-dir>/admin-token", path));
        };
    }
}
