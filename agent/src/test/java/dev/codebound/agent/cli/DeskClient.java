package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Predicate;
import okhttp3.FormBody;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** The desk page's API as its own page uses it: a logged-in session, its CSRF token, same-origin changes. */
final class DeskClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** What an HTTP exchange returned. */
    record Answer(int status, String body, String header) {}

    private final OkHttpClient http = new OkHttpClient.Builder().followRedirects(false).build();
    private final String base;
    private String cookie;
    private String csrf;

    private DeskClient(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** A client that is not logged in. */
    static DeskClient anonymous(String base) {
        return new DeskClient(base);
    }

    /** A client logged in with {@code token}. */
    static DeskClient login(String base, String token) throws IOException {
        DeskClient client = new DeskClient(base);
        Answer login = client.loginWith(token);
        assertEquals(303, login.status(), login.body());
        if (client.cookie == null) {
            fail("the login set no session cookie");
        }
        client.state();
        return client;
    }

    /** Posts the login form; keeps the session cookie it sets. */
    Answer loginWith(String token) throws IOException {
        Request request = new Request.Builder().url(base + "/login").header("Origin", base)
                .post(new FormBody.Builder().add("token", token).build()).build();
        try (Response response = http.newCall(request).execute()) {
            String setCookie = response.header("Set-Cookie");
            if (setCookie != null) {
                cookie = setCookie.substring(0, setCookie.indexOf(';'));
            }
            return new Answer(response.code(), response.body().string(), setCookie);
        }
    }

    /** The Set-Cookie header of the login, for its attributes. */
    String cookie() {
        return cookie;
    }

    /** {@code GET /api/state}; remembers the CSRF token. */
    JsonNode state() throws IOException {
        Answer answer = get("/api/state");
        assertEquals(200, answer.status(), answer.body());
        JsonNode state = JSON.readTree(answer.body());
        csrf = state.get("csrf").asText();
        return state;
    }

    /** Polls the state until {@code condition} holds. */
    JsonNode awaitState(Predicate<JsonNode> condition, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        JsonNode state = state();
        while (!condition.test(state)) {
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for " + what + "; the desk's state: " + state.toPrettyString());
            }
            Thread.sleep(50);
            state = state();
        }
        return state;
    }

    Answer scan(String code) throws IOException {
        return post("/api/scan", JSON.createObjectNode().put("code", code).toString());
    }

    Answer withdraw(String entry) throws IOException {
        return post("/api/withdraw", JSON.createObjectNode().put("entry", entry).toString());
    }

    /** A same-origin JSON POST with the session's CSRF token. */
    Answer post(String path, String json) throws IOException {
        return send(new Request.Builder().url(base + path).header("Origin", base).header("X-CSRF-Token", csrf)
                .post(RequestBody.create(json, JSON_TYPE)));
    }

    Answer get(String path) throws IOException {
        return send(new Request.Builder().url(base + path).get());
    }

    /** The bytes of {@code GET path} when it answers 200. */
    byte[] bytes(String path) throws IOException {
        Request.Builder request = new Request.Builder().url(base + path).get();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        try (Response response = http.newCall(request.build()).execute()) {
            assertEquals(200, response.code());
            return response.body().bytes();
        }
    }

    /** Sends {@code request} with the session cookie, as it stands otherwise (for the refusal tests). */
    Answer send(Request.Builder request) throws IOException {
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        try (Response response = http.newCall(request.build()).execute()) {
            return new Answer(response.code(), response.body().string(),
                    response.header("Content-Security-Policy"));
        }
    }

    String base() {
        return base;
    }

    String csrf() {
        return csrf;
    }
}
