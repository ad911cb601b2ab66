package dev.codebound.server.adminui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.server.http.Access;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.Responses;
import dev.codebound.server.http.Route;
import dev.codebound.server.http.Router;
import dev.codebound.server.http.SmallBodyHandler;
import dev.codebound.server.problem.ProblemType;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The admin web page's own routes, all under {@value #PREFIX} and all answered only to clients on a
 * loopback address: the page and its two static files, the login form's target, the page's session
 * (its CSRF token) and logout. Everything the page shows or changes goes through the admin API,
 * which a session may call through {@link SessionGuard}.
 *
 * <p>Every response carries a strict Content-Security-Policy ({@value UiHeaders#POLICY}): the page
 * runs only the script file this server serves, and nothing inline.
 */
public final class AdminUiRoutes {
    /** Where the page lives. */
    public static final String PREFIX = "/admin/ui/";
    /** Largest login form accepted: the token and its field name. */
    static final int LOGIN_LIMIT = 4096;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdminSessions sessions;
    private final byte[] tokenDigest;
    private final boolean tls;
    private final Executor storage;
    private final StaticAssets assets;

    /**
     * {@code adminToken}: what the login form must be given (compared in constant time);
     * {@code tls}: whether the server speaks https (the session cookie is then Secure).
     */
    public AdminUiRoutes(AdminSessions sessions, String adminToken, boolean tls, Executor storage) {
        this.sessions = sessions;
        this.tokenDigest = sha256(adminToken);
        this.tls = tls;
        this.storage = storage;
        this.assets = StaticAssets.load();
    }

    /** Registers the routes; the named ones before {@code {asset}}, which would otherwise match them. */
    public void register(Router router) {
        router.add(new Route(HttpMethod.GET, PREFIX, Access.PUBLIC, () -> exchange -> exchange.respond(
                        loopback(exchange).orElseGet(() -> asset(exchange, StaticAssets.PAGE)))))
                .add(new Route(HttpMethod.POST, PREFIX + "login", Access.PUBLIC,
                        () -> new SmallBodyHandler(LOGIN_LIMIT, storage, this::login, AdminUiRoutes::failure)))
                .add(new Route(HttpMethod.GET, PREFIX + "session", Access.ADMIN,
                        () -> exchange -> exchange.respond(session(exchange))))
                .add(new Route(HttpMethod.POST, PREFIX + "logout", Access.ADMIN,
                        () -> exchange -> exchange.respond(logout(exchange))))
                .add(new Route(HttpMethod.GET, PREFIX + "{asset}", Access.PUBLIC, () -> exchange -> exchange.respond(
                        loopback(exchange).orElseGet(() -> asset(exchange, exchange.parameter("asset"))))));
    }

    /** The problem for a client that is not on a loopback address. */
    static Problem loopbackOnly(String path) {
        return ProblemType.ADMIN_UI_LOOPBACK_ONLY.problem(
                "the admin web page answers only clients on the registry's own machine; reach it through an SSH "
                        + "tunnel (ssh -L 8443:127.0.0.1:8443 host) or use the admin CLI with the admin token", path);
    }

    private Optional<FullHttpResponse> loopback(Exchange exchange) {
        return exchange.fromLoopback() ? Optional.empty()
                : Optional.of(UiHeaders.apply(Responses.problem(loopbackOnly(exchange.path()))));
    }

    private FullHttpResponse asset(Exchange exchange, String name) {
        return UiHeaders.apply(assets.find(name)
                .map(asset -> Responses.body(HttpResponseStatus.OK, asset.contentType(), asset.content()))
                .orElseGet(() -> Responses.problem(ProblemType.UI_FILE_UNKNOWN.problem(
                        "the admin web page has no file '" + name + "'; open " + PREFIX, exchange.path()))));
    }

    /**
     * {@code POST /admin/ui/login}, from the page's form: a right token starts a session and sends
     * the browser back to the page with its cookie; a wrong one sends it back to say so.
     */
    private FullHttpResponse login(Exchange exchange, byte[] body) {
        Optional<FullHttpResponse> refused = loopback(exchange);
        if (refused.isPresent()) {
            return refused.get();
        }
        String origin = exchange.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !SameOrigin.matches(origin, exchange.headers(), tls)) {
            return UiHeaders.apply(Responses.problem(SameOrigin.refusal(origin, exchange.path())));
        }
        String type = exchange.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT).equals("application/x-www-form-urlencoded")) {
            return UiHeaders.apply(Responses.problem(ProblemType.WRONG_CONTENT_TYPE.problem(
                    "log in with the form at " + PREFIX + " (application/x-www-form-urlencoded, field 'token')",
                    exchange.path())));
        }
        List<String> tokens = new QueryStringDecoder(new String(body, StandardCharsets.US_ASCII), false)
                .parameters().getOrDefault("token", List.of());
        boolean right = tokens.size() == 1 && MessageDigest.isEqual(tokenDigest, sha256(tokens.get(0).strip()));
        FullHttpResponse response = Responses.empty(HttpResponseStatus.SEE_OTHER);
        if (right) {
            response.headers().set(HttpHeaderNames.SET_COOKIE, AdminSessions.cookieFor(sessions.start(), tls));
            response.headers().set(HttpHeaderNames.LOCATION, PREFIX);
        } else {
            response.headers().set(HttpHeaderNames.LOCATION, PREFIX + "?login=refused");
        }
        return UiHeaders.apply(response);
    }

    /** {@code GET /admin/ui/session}: the CSRF token the page's script sends with each change. */
    private FullHttpResponse session(Exchange exchange) {
        Optional<AdminSessions.Session> session = sessions.find(exchange.headers());
        if (session.isEmpty()) {
            return UiHeaders.apply(Responses.problem(ProblemType.ADMIN_SESSION_REQUIRED.problem(
                    "no admin web page session; log in with the admin token at " + PREFIX, exchange.path())));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("csrfToken", session.get().csrfToken());
        body.put("expiresAt", session.get().expiresAt().toString());
        body.put("mode", tls ? "tls" : "plain");
        try {
            return UiHeaders.apply(Responses.json(HttpResponseStatus.OK, JSON.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the session", e);
        }
    }

    /** {@code POST /admin/ui/logout}: ends the session and removes the cookie. */
    private FullHttpResponse logout(Exchange exchange) {
        sessions.find(exchange.headers()).ifPresent(sessions::end);
        FullHttpResponse response = Responses.empty(HttpResponseStatus.NO_CONTENT);
        response.headers().set(HttpHeaderNames.SET_COOKIE, AdminSessions.clearingCookie(tls));
        return UiHeaders.apply(response);
    }

    private static FullHttpResponse failure(Exchange exchange, Exception failure) {
        System.getLogger(AdminUiRoutes.class.getName()).log(System.Logger.Level.ERROR,
                "admin web page request failed on " + exchange.method() + " " + exchange.path(), failure);
        return UiHeaders.apply(Responses.problem(ProblemType.REGISTRY_FAILURE.problem(
                "the registry could not complete the operation; retry later", exchange.path())));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
