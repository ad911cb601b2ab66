package dev.codebound.registry.junit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Calls the registry's HTTP API as its operator (the bearer token in TLS mode; plain mode trusts
 * loopback clients) and as an anonymous client (enrollment), so the extension goes through the same
 * routes an integrator's system does.
 */
final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI base;
    private final Optional<String> token;

    /** {@code tls} is null in plain mode. */
    AdminClient(URI base, Optional<String> token, SSLContext tls) {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT);
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder.build();
        this.base = base;
        this.token = token;
    }

    /** An admin POST of a JSON body, answered {@code expected}: the answer's JSON. */
    JsonNode post(String path, JsonNode body, int expected) throws IOException {
        return send(admin(path).POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))), expected);
    }

    /** A POST without credentials (public routes such as enrollment), answered {@code expected}. */
    JsonNode postPublic(String path, JsonNode body, int expected) throws IOException {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))),
                expected);
    }

    /** An admin GET answered 200: the answer's JSON. */
    JsonNode get(String path) throws IOException {
        return send(admin(path).GET(), 200);
    }

    /** An admin GET answered 200: the answer's body as text (metrics are not JSON). */
    String getText(String path) throws IOException {
        return exchange(admin(path).GET(), 200);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Content-Type", "application/json");
    }

    private HttpRequest.Builder admin(String path) {
        HttpRequest.Builder request = request(path);
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        return request;
    }

    private JsonNode send(HttpRequest.Builder request, int expected) throws IOException {
        return JSON.readTree(exchange(request, expected));
    }

    private String exchange(HttpRequest.Builder request, int expected) throws IOException {
        HttpRequest built = request.build();
        HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling " + built.method() + " " + built.uri().getPath(), e);
        }
        if (response.statusCode() != expected) {
            throw new IOException(built.method() + " " + built.uri().getPath() + " answered " + response.statusCode()
                    + " (expected " + expected + "): " + response.body());
        }
        return response.body();
    }
}
