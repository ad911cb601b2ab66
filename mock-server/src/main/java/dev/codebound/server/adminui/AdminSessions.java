package dev.codebound.server.adminui;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The admin web page's sessions, in memory only (a restart logs everyone out). A session has a
 * random id, which travels only in an HttpOnly cookie, and a separate random CSRF token, which the
 * page's script sends in a header with every change; it ends a fixed time after login, however
 * busy, so a forgotten browser tab does not stay an administrator.
 *
 * <p>Sessions are kept under the SHA-256 of their id, so looking one up compares digests, not the
 * secret itself, and the time a lookup takes says nothing about how close a guess was. At most
 * {@link #MAX_SESSIONS} live at once; one more login ends the oldest.
 */
public final class AdminSessions {
    /** The cookie's name. */
    public static final String COOKIE = "codebound_admin_session";
    /** How long a session lasts after login. */
    public static final Duration LIFETIME = Duration.ofMinutes(30);
    /** Sessions kept at once. */
    static final int MAX_SESSIONS = 64;

    /**
     * One logged-in browser.
     *
     * @param id        the cookie value (secret)
     * @param csrfToken what the page's script must send in {@code X-CSRF-Token} with every change (secret)
     * @param expiresAt when the session ends
     */
    public record Session(String id, String csrfToken, Instant expiresAt) {
        /** Whether {@code given} is this session's CSRF token, compared in constant time. */
        public boolean csrfMatches(String given) {
            return given != null && MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.US_ASCII),
                    given.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** By the hex SHA-256 of the id, oldest first. */
    private final Map<String, Session> byDigest = new LinkedHashMap<>();

    public AdminSessions(Clock clock) {
        this.clock = clock;
    }

    /** Starts a session (after a successful login). */
    public synchronized Session start() {
        dropExpired();
        if (byDigest.size() >= MAX_SESSIONS) {
            byDigest.remove(byDigest.keySet().iterator().next());
        }
        Session session = new Session(randomToken(), randomToken(), clock.instant().plus(LIFETIME));
        byDigest.put(digest(session.id()), session);
        return session;
    }

    /** The live session whose id the request's cookie carries; empty without a cookie or once it expired. */
    public synchronized Optional<Session> find(HttpHeaders headers) {
        Optional<String> id = cookie(headers);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        dropExpired();
        return Optional.ofNullable(byDigest.get(digest(id.get())));
    }

    /** Whether the request carries a session cookie at all (live or not). */
    public static boolean hasCookie(HttpHeaders headers) {
        return cookie(headers).isPresent();
    }

    /** Ends a session (logout). */
    public synchronized void end(Session session) {
        byDigest.remove(digest(session.id()));
    }

    /**
     * The {@code Set-Cookie} value that hands {@code session} to the browser: HttpOnly (no script
     * reads it), SameSite=Strict (no other site's page makes the browser send it), Secure over
     * TLS, and expiring with the session (just started).
     */
    public static String cookieFor(Session session, boolean secure) {
        return COOKIE + "=" + session.id() + "; Path=/; Max-Age=" + LIFETIME.toSeconds() + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    /** The {@code Set-Cookie} value that removes the cookie (logout). */
    public static String clearingCookie(boolean secure) {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    private void dropExpired() {
        Instant now = clock.instant();
        byDigest.values().removeIf(session -> !now.isBefore(session.expiresAt()));
    }

    private static Optional<String> cookie(HttpHeaders headers) {
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.STRICT.decode(header)) {
                if (cookie.name().equals(COOKIE)) {
                    return Optional.of(cookie.value());
                }
            }
        }
        return Optional.empty();
    }

    private String randomToken() {
        byte[] bits = new byte[32];
        random.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    private static String digest(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
