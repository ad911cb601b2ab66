package dev.codebound.agent.desk;

import com.sun.net.httpserver.HttpExchange;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may use the desk page, and from where. The page listens on loopback, but any web page the
 * station's browser opens can send requests there, so:
 * <ul>
 *   <li>the access token (printed at start and stored in a 0600 file) is exchanged once for a session
 *       cookie ({@code HttpOnly}, {@code SameSite=Strict}): other sites' requests carry no session;</li>
 *   <li>the {@code Host} header must name the loopback address and port the page listens on, so a
 *       hostile domain rebound to 127.0.0.1 (DNS rebinding) is refused even as "same origin";</li>
 *   <li>every change ({@code POST}) must carry an {@code Origin} of the page itself and the
 *       session's CSRF token in {@code X-CSRF-Token};</li>
 *   <li>secrets are compared in constant time.</li>
 * </ul>
 */
final class DeskGuard {
    /** The session cookie's name. */
    static final String COOKIE = "codebound-desk";
    /** The header that carries the CSRF token. */
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** How long a session lasts: a working day with margin. */
    static final Duration SESSION_LIFETIME = Duration.ofHours(14);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A logged-in browser. */
    record Session(String id, String csrf, Instant expires) {}

    private final byte[] accessToken;
    private final Set<String> hosts;
    private final Set<String> origins;
    private final Clock clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /**
     * @param accessToken the token a browser exchanges for a session
     * @param address     the loopback address and port the page listens on
     */
    DeskGuard(String accessToken, InetSocketAddress address, Clock clock) {
        this.accessToken = accessToken.getBytes(StandardCharsets.UTF_8);
        int port = address.getPort();
        String literal = address.getAddress().getHostAddress();
        String host = literal.contains(":") ? "[" + literal + "]" : literal;
        this.hosts = address.getAddress().isLoopbackAddress()
                ? Set.of(host + ":" + port, "localhost:" + port) : Set.of(host + ":" + port);
        this.origins = Set.copyOf(hosts.stream().map(h -> "http://" + h).toList());
        this.clock = clock;
    }

    /** A fresh random secret: 32 bytes, base64url. */
    static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether the request names this page in its Host header (no DNS rebinding). */
    boolean hostAllowed(HttpExchange exchange) {
        List<String> host = exchange.getRequestHeaders().get("Host");
        return host != null && host.size() == 1 && hosts.contains(host.get(0));
    }

    /** Whether the request's Origin is this page (required for every change). */
    boolean originAllowed(HttpExchange exchange) {
        List<String> origin = exchange.getRequestHeaders().get("Origin");
        return origin != null && origin.size() == 1 && origins.contains(origin.get(0));
    }

    /** A new session if {@code token} is the access token, compared in constant time. */
    Optional<Session> login(String token) {
        if (!MessageDigest.isEqual(accessToken, token.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        sessions.values().removeIf(session -> session.expires().isBefore(now));
        Session session = new Session(newSecret(), newSecret(), now.plus(SESSION_LIFETIME));
        sessions.put(session.id(), session);
        return Optional.of(session);
    }

    /** Ends the request's session, if any. */
    void logout(HttpExchange exchange) {
        cookie(exchange).ifPresent(sessions::remove);
    }

    /** The session the request's cookie names, if it is live. */
    Optional<Session> session(HttpExchange exchange) {
        Optional<String> id = cookie(exchange);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        // The map is keyed by the id; a lookup by a guessed id reveals nothing about the live ones.
        Session session = sessions.get(id.get());
        if (session == null || session.expires().isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(session);
    }

    /** Whether the request carries its session's CSRF token. */
    static boolean csrfValid(HttpExchange exchange, Session session) {
        String sent = exchange.getRequestHeaders().getFirst(CSRF_HEADER);
        return sent != null && MessageDigest.isEqual(session.csrf().getBytes(StandardCharsets.UTF_8),
                sent.getBytes(StandardCharsets.UTF_8));
    }

    /** The Set-Cookie value that opens {@code session} in the browser. */
    static String setCookie(Session session) {
        return COOKIE + "=" + session.id() + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + SESSION_LIFETIME.toSeconds();
    }

    /** The Set-Cookie value that ends the session in the browser. */
    static String clearCookie() {
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    private static Optional<String> cookie(HttpExchange exchange) {
        List<String> headers = exchange.getRequestHeaders().get("Cookie");
        if (headers == null) {
            return Optional.empty();
        }
        for (String header : headers) {
            for (String pair : header.split(";")) {
                String trimmed = pair.strip();
                if (trimmed.startsWith(COOKIE + "=")) {
                    return Optional.of(trimmed.substring(COOKIE.length() + 1));
                }
            }
        }
        return Optional.empty();
    }
}
