package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The admin API of one registry, as the CLI calls it: the admin token in {@code Authorization}
 * (never on the command line, never printed), TLS trusting the registry CA alone, and every failure
 * turned into an {@link AdminFailure} with its exit code and the registry's own explanation.
 */
public final class RegistryClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The refusals that mean "you are not an administrator", as opposed to "not this request". */
    private static final Set<String> ADMIN_REFUSALS = Set.of("ADMIN_TOKEN_REQUIRED", "ADMIN_LOOPBACK_ONLY");

    private final URI base;
    private final HttpClient http;
    private final Optional<String> token;
    private final Duration timeout;

    /** {@code tls}: the context for an https registry, empty for plain http. */
    RegistryClient(URI base, Optional<SSLContext> tls, Optional<String> token, Duration timeout) {
        this.base = base;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout);
        tls.ifPresent(builder::sslContext);
        this.http = builder.build();
        this.token = token;
        this.timeout = timeout;
    }

    /** The registry's base URI. */
    URI base() {
        return base;
    }

    /** GET {@code path}, a JSON answer. */
    JsonNode getJson(String path, String action) throws AdminFailure {
        return json(send(request(path).GET(), action), action);
    }

    /** {@code method} {@code path} with {@code body} of {@code contentType} (none when null), a JSON answer. */
    JsonNode sendJson(String method, String path, byte[] body, String contentType, String action)
            throws AdminFailure {
        HttpRequest.Builder request = request(path).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return json(send(request, action), action);
    }

    /** GET {@code path}, its body as bytes (an image). */
    byte[] getBytes(String path, String action) throws AdminFailure {
        return send(request(path).GET(), action).body();
    }

    /** GET {@code path}, its body as UTF-8 text. */
    String getText(String path, String action) throws AdminFailure {
        return new String(getBytes(path, action), StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        return request;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request, String action) throws AdminFailure {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(base, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminFailure(AdminExitCodes.INTERNAL, action + ": interrupted", e);
        }
        if (response.statusCode() / 100 == 2) {
            return response;
        }
        JsonNode problem = problem(response.body());
        String reason = problem.path("reason").asText("");
        String detail = problem.path("detail").asText(new String(response.body(), StandardCharsets.UTF_8).strip());
        if ((response.statusCode() == 401 || response.statusCode() == 403) && ADMIN_REFUSALS.contains(reason)) {
            throw new AdminFailure(AdminExitCodes.UNAUTHORIZED, action + ": the registry refused this client as an "
                    + "administrator (" + response.statusCode() + " " + reason + "): " + detail + "; check "
                    + "--token-file or CODEBOUND_ADMIN_TOKEN (the token is in the registry's <data-dir>/admin-token)");
        }
        throw new AdminFailure(AdminExitCodes.REFUSED, action + ": the registry refused it (" + response.statusCode()
                + (reason.isEmpty() ? "" : " " + reason) + "): " + detail);
    }

    /** Exit code 6, saying what failed and what to check. */
    static AdminFailure unreachable(URI base, IOException failure) {
        String what;
        if (failure instanceof ConnectException) {
            what = "nothing answers at " + base + " (connection refused); is the registry running, and is --registry "
                    + "right?";
        } else if (failure instanceof HttpTimeoutException) {
            what = "the registry at " + base + " did not answer in time";
        } else if (failure instanceof SSLException) {
            what = "TLS with " + base + " failed (is its certificate issued by the CA given with --ca or "
                    + "--ca-fingerprint?): " + failure.getMessage();
        } else {
            what = "cannot reach the registry at " + base + ": " + (failure.getMessage() == null
                    ? failure.getClass().getSimpleName() : failure.getMessage());
        }
        return new AdminFailure(AdminExitCodes.UNREACHABLE, what, failure);
    }

    private static JsonNode json(HttpResponse<byte[]> response, String action) throws AdminFailure {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AdminFailure(AdminExitCodes.INTERNAL, action + ": the registry's answer is not JSON: "
                    + e.getMessage(), e);
        }
    }

    private static JsonNode problem(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
