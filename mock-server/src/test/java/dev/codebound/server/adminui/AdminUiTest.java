package dev.codebound.server.adminui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TlsClients;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin web page's login, session, CSRF and Origin rules and its response headers, over
 * loopback against a real registry (plain mode, where the admin API itself trusts loopback: the
 * session rules must hold on top of that).
 */
class AdminUiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @TempDir
    Path dataDir;

    private final AdjustableClock clock = new AdjustableClock();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private MockRegistry registry;
    private String token;
    private String origin;

    @BeforeEach
    void start() throws Exception {
        registry = MockRegistry.start(TestRegistries.plain(dataDir).clock(clock).build());
        token = Files.readString(dataDir.resolve("admin-token")).strip();
        origin = registry.baseUri().toString();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void theRightTokenStartsASessionInAnHttpOnlySameSiteStrictCookie() throws Exception {
        HttpResponse<String> login = login(token);

        assertEquals(303, login.statusCode());
        assertEquals("/admin/ui/", login.headers().firstValue("Location").orElseThrow());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.matches("codebound_admin_session=[A-Za-z0-9_-]{43}; Path=/; Max-Age=1800; HttpOnly; "
                + "SameSite=Strict"), cookie);
        HttpResponse<String> session = send(get("/admin/ui/session").header("Cookie", cookiePair(login)));
        assertEquals(200, session.statusCode(), session.body());
        assertTrue(JSON.readTree(session.body()).path("csrfToken").asText().matches("[A-Za-z0-9_-]{43}"));
    }

    @Test
    void aWrongTokenSendsTheBrowserBackWithoutACookie() throws Exception {
        HttpResponse<String> login = login(token + "x");

        assertEquals(303, login.statusCode());
        assertEquals("/admin/ui/?login=refused", login.headers().firstValue("Location").orElseThrow());
        assertTrue(login.headers().firstValue("Set-Cookie").isEmpty());
    }

    @Test
    void aLoginPostedFromAnotherSiteIsRefused() throws Exception {
        HttpResponse<String> login = send(post("/admin/ui/login", "token=" + token)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "https://evil.example"));

        assertEquals(403, login.statusCode());
        assertEquals("CROSS_ORIGIN_REFUSED", reason(login));
        assertTrue(login.headers().firstValue("Set-Cookie").isEmpty());
    }

    @Test
    void aSessionEndsThirtyMinutesAfterLogin() throws Exception {
        String cookie = cookiePair(login(token));
        clock.advance(Duration.ofMinutes(29));
        assertEquals(200, send(get("/admin/v1/stations").header("Cookie", cookie)).statusCode());

        clock.advance(Duration.ofMinutes(1));
        HttpResponse<String> expired = send(get("/admin/v1/stations").header("Cookie", cookie));

        assertEquals(401, expired.statusCode());
        assertEquals("ADMIN_SESSION_EXPIRED", reason(expired));
    }

    @Test
    void aChangeWithTheSessionNeedsItsCsrfTokenAndOrigin() throws Exception {
        String cookie = cookiePair(login(token));
        String csrf = csrf(cookie);

        HttpResponse<String> missing = send(delete("/admin/faults").header("Cookie", cookie).header("Origin", origin));
        HttpResponse<String> wrong = send(delete("/admin/faults").header("Cookie", cookie).header("Origin", origin)
                .header("X-CSRF-Token", csrf.substring(1) + "A"));
        HttpResponse<String> noOrigin = send(delete("/admin/faults").header("Cookie", cookie)
                .header("X-CSRF-Token", csrf));
        HttpResponse<String> foreign = send(delete("/admin/faults").header("Cookie", cookie)
                .header("Origin", "http://evil.example").header("X-CSRF-Token", csrf));
        HttpResponse<String> right = send(delete("/admin/faults").header("Cookie", cookie).header("Origin", origin)
                .header("X-CSRF-Token", csrf));

        assertEquals(List.of(403, 403, 403, 403, 200), List.of(missing.statusCode(), wrong.statusCode(),
                noOrigin.statusCode(), foreign.statusCode(), right.statusCode()));
        assertEquals(List.of("CSRF_TOKEN_INVALID", "CSRF_TOKEN_INVALID", "ORIGIN_REQUIRED", "CROSS_ORIGIN_REFUSED"),
                List.of(reason(missing), reason(wrong), reason(noOrigin), reason(foreign)));
    }

    /** A page of another site posting to the admin API through the operator's browser (no cookie: SameSite). */
    @Test
    void aChangeFromAnotherSitesPageIsRefusedEvenWhereLoopbackIsEnough() throws Exception {
        HttpResponse<String> issued = send(post("/admin/v1/enrollment-tokens", "{\"note\":\"x\"}")
                .header("Content-Type", "text/plain").header("Origin", "http://evil.example"));

        assertEquals(403, issued.statusCode());
        assertEquals("CROSS_ORIGIN_REFUSED", reason(issued));
        assertEquals(201, send(post("/admin/v1/enrollment-tokens", "{}")).statusCode(),
                "a client that sends no Origin (curl, the CLI) is unaffected");
    }

    /**
     * DNS rebinding: a page from a host name the attacker points at 127.0.0.1 is same-origin with
     * this port in the operator's browser, so its requests carry no foreign Origin; they carry its
     * host name, though, and plain mode's loopback trust does not extend to them.
     */
    @Test
    void aRequestAddressedToAnotherHostNameIsNotTrustedAsLoopback() throws Exception {
        assertTrue(rawGet("/admin/v1/stations", "rebound.example:" + registry.port()).startsWith("HTTP/1.1 403"));
        assertTrue(rawGet("/admin/v1/stations", "localhost:" + registry.port()).startsWith("HTTP/1.1 200"));
        assertTrue(rawGet("/admin/v1/stations", "127.0.0.1:" + registry.port()).startsWith("HTTP/1.1 200"));
    }

    private String rawGet(String path, String host) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), registry.port())) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.contains("ADMIN_LOOPBACK_ONLY") == answer.startsWith("HTTP/1.1 403"), answer);
            return answer;
        }
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        String cookie = cookiePair(login(token));
        HttpResponse<String> logout = send(post("/admin/ui/logout", "").header("Cookie", cookie)
                .header("Origin", origin).header("X-CSRF-Token", csrf(cookie)));

        assertEquals(204, logout.statusCode());
        assertTrue(logout.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
        assertEquals("ADMIN_SESSION_EXPIRED", reason(send(get("/admin/ui/session").header("Cookie", cookie))));
    }

    @Test
    void everyFileOfThePageCarriesTheStrictPolicy() throws Exception {
        for (String path : List.of("/admin/ui/", "/admin/ui/app.js", "/admin/ui/app.css", "/admin/ui/nothing.js")) {
            HttpResponse<String> response = send(get(path));
            assertEquals(POLICY, response.headers().firstValue("Content-Security-Policy").orElse(""), path);
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(""), path);
        }
        assertEquals(POLICY, login(token).headers().firstValue("Content-Security-Policy").orElse(""));
        assertEquals("UI_FILE_UNKNOWN", reason(send(get("/admin/ui/nothing.js"))));
    }

    @Test
    void theServedPageHasNoInlineScriptOrStyle() throws Exception {
        String page = send(get("/admin/ui/")).body();

        Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(page);
        int count = 0;
        while (scripts.find()) {
            count++;
            assertTrue(scripts.group(1).contains("src=\"/admin/ui/app.js\""), scripts.group());
            assertTrue(scripts.group(2).isBlank(), "inline script: " + scripts.group());
        }
        assertEquals(1, count, "the page loads exactly its one script file");
        assertFalse(Pattern.compile("<style|\\sstyle\\s*=|\\son[a-z]+\\s*=|javascript:", Pattern.CASE_INSENSITIVE)
                .matcher(page).find(), "no inline style, event handler attribute or javascript: URL");
    }

    @Test
    void overTlsTheCookieIsSecure(@TempDir Path tlsDir) throws Exception {
        try (MockRegistry tls = MockRegistry.start(TestRegistries.plain(tlsDir).tls(true).build())) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(TlsClients.context(tls.keyring(), null)).build();
            HttpResponse<String> login = client.send(HttpRequest.newBuilder(tls.baseUri().resolve("/admin/ui/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + tls.adminToken().orElseThrow())).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(303, login.statusCode());
            assertTrue(login.headers().firstValue("Set-Cookie").orElseThrow().endsWith("; Secure"));
        }
    }

    private HttpResponse<String> login(String given) throws Exception {
        return send(post("/admin/ui/login", "token=" + given)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", origin));
    }

    private String csrf(String cookie) throws Exception {
        return JSON.readTree(send(get("/admin/ui/session").header("Cookie", cookie)).body()).path("csrfToken").asText();
    }

    private static String cookiePair(HttpResponse<String> login) {
        return login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    private static String reason(HttpResponse<String> response) throws Exception {
        JsonNode problem = JSON.readTree(response.body());
        return problem.path("reason").asText();
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(origin + path)).GET();
    }

    private HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(origin + path))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder delete(String path) {
        return HttpRequest.newBuilder(URI.create(origin + path)).DELETE();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
