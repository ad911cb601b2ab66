package dev.codebound.agent.desk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The desk page: a small web server on loopback (127.0.0.1 by default) showing the desk's state and
 * taking scans and withdrawals. Routes parse the request, check it ({@link DeskGuard}) and delegate
 * to the {@link DeskService}; the page itself is static HTML, JavaScript and CSS from the class path,
 * under a Content-Security-Policy that allows nothing inline.
 *
 * <pre>
 * GET  /                  the desk (or a redirect to /login)
 * GET  /login             the login form;  POST /login  token → session cookie
 * POST /logout            ends the session
 * GET  /static/{file}     desk.js, desk.css
 * GET  /api/state         the desk's state and the session's CSRF token (JSON)
 * GET  /api/photo?n=N     the last photo, from memory (image/jpeg)
 * POST /api/scan          {"code": text}: a scan, as the scanner would type it
 * POST /api/withdraw      {"entry": id}: withdraws a queued entry
 * </pre>
 */
public final class DeskServer implements AutoCloseable {
    /** Only this server's own script and style files run, nothing inline; images and requests only here. */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final int MAX_BODY = 8 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> STATIC = Map.of("desk.js", "text/javascript; charset=utf-8",
            "desk.css", "text/css; charset=utf-8");

    private final DeskService desk;
    private final HttpServer server;
    private final ExecutorService executor;
    private final DeskGuard guard;

    private DeskServer(DeskService desk, HttpServer server, ExecutorService executor, DeskGuard guard) {
        this.desk = desk;
        this.server = server;
        this.executor = executor;
        this.guard = guard;
    }

    /**
     * Starts the page on {@code bind} (port 0 picks a free one) with a new access token, written to
     * {@code tokenFile} (mode 0600) for the operator.
     */
    public static DeskServer start(DeskService desk, InetSocketAddress bind, Path tokenFile, Clock clock)
            throws IOException {
        String token = DeskGuard.newSecret();
        DurableFiles.writePrivate(tokenFile, (token + "\n").getBytes(StandardCharsets.US_ASCII));
        HttpServer server = HttpServer.create(bind, 16);
        ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "codebound-desk-page");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        DeskServer page = new DeskServer(desk, server, executor, new DeskGuard(token, server.getAddress(), clock));
        server.createContext("/", page::handle);
        server.start();
        return page;
    }

    /** Where the page listens. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The page's URL, e.g. {@code http://127.0.0.1:8431/}. */
    public String url() {
        String host = server.getAddress().getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getAddress().getPort() + "/";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            headers(exchange);
            if (!guard.hostAllowed(exchange)) {
                // DNS rebinding: a hostile name resolved to 127.0.0.1 arrives with its own name as Host.
                text(exchange, 421, "this page answers only to its own loopback address and port, not to Host "
                        + exchange.getRequestHeaders().getFirst("Host"));
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("POST")) {
                text(exchange, 405, "method not allowed");
                return;
            }
            if (method.equals("POST") && !guard.originAllowed(exchange)) {
                text(exchange, 403, "a change must come from the desk page itself (Origin missing or foreign)");
                return;
            }
            route(exchange, method, exchange.getRequestURI().getPath());
        } catch (RuntimeException e) {
            desk.state().fail("desk page: " + e.getMessage());
            throw e;
        }
    }

    private void route(HttpExchange exchange, String method, String path) throws IOException {
        if (path.equals("/login")) {
            if (method.equals("GET")) {
                resource(exchange, "login.html", "text/html; charset=utf-8");
            } else {
                login(exchange);
            }
            return;
        }
        if (method.equals("GET") && path.equals("/favicon.ico")) {
            // Browsers ask for it unprompted; the page has none, and a 404 would be a console error.
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        if (method.equals("GET") && path.startsWith("/static/") && STATIC.containsKey(path.substring(8))) {
            resource(exchange, path.substring(8), STATIC.get(path.substring(8)));
            return;
        }
        Optional<DeskGuard.Session> session = guard.session(exchange);
        if (session.isEmpty()) {
            if (method.equals("GET") && path.equals("/")) {
                exchange.getResponseHeaders().set("Location", "/login");
                exchange.sendResponseHeaders(303, -1);
            } else {
                text(exchange, 401, "log in first (the access token is in the file 'serve' printed)");
            }
            return;
        }
        if (method.equals("POST") && !DeskGuard.csrfValid(exchange, session.get())) {
            text(exchange, 403, "missing or wrong " + DeskGuard.CSRF_HEADER + "; reload the page");
            return;
        }
        switch (method + " " + path) {
            case "GET /" -> resource(exchange, "desk.html", "text/html; charset=utf-8");
            case "GET /api/state" -> {
                ObjectNode state = desk.state().toJson();
                state.put("csrf", session.get().csrf());
                json(exchange, 200, state);
            }
            case "GET /api/photo" -> photo(exchange);
            case "POST /api/scan" -> {
                JsonNode body = jsonBody(exchange);
                if (body == null || !body.path("code").isTextual() || body.get("code").asText().isBlank()) {
                    text(exchange, 400, "expected {\"code\": \"<the scanned text>\"}");
                    return;
                }
                desk.scan(body.get("code").asText());
                json(exchange, 202, JSON.createObjectNode().put("queued", true));
            }
            case "POST /api/withdraw" -> withdraw(exchange);
            case "POST /logout" -> {
                guard.logout(exchange);
                exchange.getResponseHeaders().add("Set-Cookie", DeskGuard.clearCookie());
                exchange.getResponseHeaders().set("Location", "/login");
                exchange.sendResponseHeaders(303, -1);
            }
            default -> text(exchange, 404, "no such page");
        }
    }

    private void login(HttpExchange exchange) throws IOException {
        byte[] body = body(exchange);
        if (body == null) {
            text(exchange, 413, "request too large");
            return;
        }
        String token = null;
        for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
            if (pair.startsWith("token=")) {
                token = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8).strip();
            }
        }
        Optional<DeskGuard.Session> session = token == null ? Optional.empty() : guard.login(token);
        if (session.isEmpty()) {
            exchange.getResponseHeaders().set("Location", "/login?refused");
            exchange.sendResponseHeaders(303, -1);
            return;
        }
        exchange.getResponseHeaders().add("Set-Cookie", DeskGuard.setCookie(session.get()));
        exchange.getResponseHeaders().set("Location", "/");
        exchange.sendResponseHeaders(303, -1);
    }

    private void photo(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        Optional<DeskState.Photo> photo = desk.state().lastPhoto();
        if (photo.isEmpty() || query == null || !query.equals("n=" + photo.get().number())) {
            text(exchange, 404, "that photo is no longer held; the page shows only the last one");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "image/jpeg");
        exchange.sendResponseHeaders(200, photo.get().bytes().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(photo.get().bytes());
        }
    }

    private void withdraw(HttpExchange exchange) throws IOException {
        JsonNode body = jsonBody(exchange);
        if (body == null || !body.path("entry").isTextual()) {
            text(exchange, 400, "expected {\"entry\": \"<entry id>\"}");
            return;
        }
        try {
            SpoolEntry withdrawn = desk.withdraw(body.get("entry").asText());
            json(exchange, 200, JSON.createObjectNode().put("entry", withdrawn.id()).put("withdrawn", true));
        } catch (IllegalArgumentException e) {
            text(exchange, 404, e.getMessage());
        } catch (IllegalStateException e) {
            text(exchange, 409, e.getMessage());
        }
    }

    private static JsonNode jsonBody(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        byte[] body = body(exchange);
        if (body == null || type == null || !type.startsWith("application/json")) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** The request body, or null when it is larger than {@value #MAX_BODY} bytes. */
    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            return body.length > MAX_BODY ? null : body;
        }
    }

    private static void headers(HttpExchange exchange) {
        exchange.getResponseHeaders().set("Content-Security-Policy", POLICY);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
        // same-origin, not no-referrer: under the latter a browser sends "Origin: null" with the login form.
        exchange.getResponseHeaders().set("Referrer-Policy", "same-origin");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
    }

    private static void resource(HttpExchange exchange, String name, String type) throws IOException {
        try (InputStream in = DeskServer.class.getResourceAsStream(name)) {
            if (in == null) {
                text(exchange, 404, "no such file");
                return;
            }
            byte[] bytes = in.readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private static void json(HttpExchange exchange, int status, JsonNode node) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(node);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Stops the page; requests in progress get a second to finish. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
