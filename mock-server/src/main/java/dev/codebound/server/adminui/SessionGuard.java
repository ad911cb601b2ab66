package dev.codebound.server.adminui;

import dev.codebound.protocol.wire.Problem;
import dev.codebound.server.http.AdminGuard;
import dev.codebound.server.problem.ProblemType;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Lets the admin web page's session call the admin API, in front of the server's own admin guard
 * (the bearer token in TLS mode, loopback in plain mode), which still decides every request that
 * carries an {@code Authorization} header or no session cookie.
 *
 * <p>A request that relies on a session must come from a loopback address, hold a live session,
 * and, when it changes anything (any method but GET and HEAD), carry the session's CSRF token in
 * {@value #CSRF_HEADER} and an {@code Origin} naming this server. And whatever authenticates it,
 * a change whose {@code Origin} names another site is refused: a browser adds {@code Origin} to
 * every cross-site request, so this stops a foreign page from driving the admin API through a
 * browser on the operator's machine (in plain mode, where loopback alone is enough, too).
 */
public final class SessionGuard implements AdminGuard {
    /** The header the page's script sends the CSRF token in. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private final AdminSessions sessions;
    private final AdminGuard fallback;
    private final boolean tls;

    /** {@code tls}: whether the server speaks https (the scheme a same-origin {@code Origin} has). */
    public SessionGuard(AdminSessions sessions, AdminGuard fallback, boolean tls) {
        this.sessions = sessions;
        this.fallback = fallback;
        this.tls = tls;
    }

    @Override
    public Optional<Problem> check(Channel channel, HttpMethod method, HttpHeaders headers, String path) {
        boolean change = !method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD);
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (change && origin != null && !SameOrigin.matches(origin, headers, tls)) {
            return Optional.of(SameOrigin.refusal(origin, path));
        }
        if (headers.contains(HttpHeaderNames.AUTHORIZATION) || !AdminSessions.hasCookie(headers)) {
            return fallback.check(channel, method, headers, path);
        }
        if (!(channel.remoteAddress() instanceof InetSocketAddress address
                && address.getAddress().isLoopbackAddress())) {
            return Optional.of(AdminUiRoutes.loopbackOnly(path));
        }
        Optional<AdminSessions.Session> session = sessions.find(headers);
        if (session.isEmpty()) {
            return Optional.of(ProblemType.ADMIN_SESSION_EXPIRED.problem(
                    "the admin web page's session ended (sessions last " + AdminSessions.LIFETIME.toMinutes()
                            + " minutes, and a restart ends them all); log in again at /admin/ui/", path));
        }
        if (change && origin == null) {
            return Optional.of(ProblemType.ORIGIN_REQUIRED.problem(
                    "a change made with the admin web page's session must carry an Origin header naming this "
                            + "server, as browsers send it", path));
        }
        if (change && !session.get().csrfMatches(headers.get(CSRF_HEADER))) {
            return Optional.of(ProblemType.CSRF_TOKEN_INVALID.problem(
                    "a change made with the admin web page's session must carry the session's token in "
                            + CSRF_HEADER + " (the page's script does); reload the page", path));
        }
        return Optional.empty();
    }
}
