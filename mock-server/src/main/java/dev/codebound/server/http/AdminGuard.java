package dev.codebound.server.http;

import dev.codebound.protocol.wire.Problem;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who may call {@link Access#ADMIN} routes. Deliberately simple for a mock: in plain mode, any
 * client on a loopback address; in TLS mode, a client that sends {@code Authorization: Bearer
 * <token>} with the server's admin token (written to {@code <data-dir>/admin-token} on first start).
 */
public interface AdminGuard {
    /** Empty when the request ({@code method}, after any override) may proceed; otherwise the problem to answer with. */
    Optional<Problem> check(Channel channel, HttpMethod method, HttpHeaders headers, String path);

    /** Admits clients connecting from a loopback address. */
    static AdminGuard loopbackOnly() {
        return (channel, method, headers, path) -> {
            if (channel.remoteAddress() instanceof InetSocketAddress address && address.getAddress().isLoopbackAddress()) {
                return Optional.empty();
            }
            return Optional.of(Problem.of(403, "ADMIN_LOOPBACK_ONLY", "Admin routes are loopback-only",
                    "in plain mode admin routes answer only clients on a loopback address", path));
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
            return Optional.of(Problem.of(401, "ADMIN_TOKEN_REQUIRED", "Admin token required",
                    "send Authorization: Bearer <token> with the token from <data-dir>/admin-token", path));
        };
    }
}
