package dev.codebound.agent.audit;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.registry.BoundedBody;
import dev.codebound.agent.registry.ResponseTooLargeException;
import dev.codebound.protocol.log.ConsistencyProof;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads the registry's public transparency-log endpoints (docs/registry-api.md). Over HTTPS the
 * pinned registry CA is the only trust anchor, so a public CA cannot vouch for an impostor; nothing
 * fetched is trusted before it is verified (checkpoints by signature, proofs against roots).
 */
public final class RegistryLogClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The connect timeout, and the deadline of a whole exchange, answer body included. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The registry could not be reached, or its TLS certificate is not from the pinned CA. */
    public static final class RegistryUnreachableException extends IOException {
        private static final long serialVersionUID = 1L;

        RegistryUnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The registry answered, but not with what was asked for. */
    static final class RegistryAnswerException extends Exception {
        private static final long serialVersionUID = 1L;

        RegistryAnswerException(String message) {
            super(message);
        }
    }

    private final URI base;
    private final HttpClient http;

    RegistryLogClient(URI base, X509Certificate registryCa) {
        String scheme = base.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("the registry URL must be http:// or https://, got " + base);
        }
        this.base = base;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT);
        if ("https".equals(scheme)) {
            builder.sslContext(pinned(registryCa));
        }
        this.http = builder.build();
    }

    /** The latest signed checkpoint note, unverified. */
    String checkpoint() throws IOException, RegistryAnswerException {
        return get("/registry/v1/log/checkpoint");
    }

    /** The registry's consistency proof between two sizes, unverified; sizes are checked to be the ones asked for. */
    ConsistencyProof consistency(long from, long to) throws IOException, RegistryAnswerException {
        return parseConsistency(get("/registry/v1/log/consistency?from=" + from + "&to=" + to), from, to);
    }

    /**
     * Reads the registry's answer to a consistency-proof request from {@code from} to {@code to}: an object
     * with exactly those sizes and an array of base64 hashes. Anything else is the registry's wrong answer,
     * not a failure to reach it.
     *
     * @throws RegistryAnswerException naming what is wrong with the answer
     */
    static ConsistencyProof parseConsistency(String body, long from, long to) throws RegistryAnswerException {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new RegistryAnswerException("the consistency proof from " + from + " to " + to + " is not JSON ("
                    + e.getOriginalMessage() + ")");
        }
        if (node == null || node.path("oldSize").asLong(-1) != from || node.path("newSize").asLong(-1) != to
                || !node.path("hashes").isArray()) {
            throw new RegistryAnswerException("the consistency proof from " + from + " to " + to
                    + " is not a proof for those sizes");
        }
        List<byte[]> hashes = new ArrayList<>();
        for (JsonNode hash : node.get("hashes")) {
            try {
                if (!hash.isTextual()) {
                    throw new IllegalArgumentException("not a string");
                }
                hashes.add(Base64.getDecoder().decode(hash.asText()));
            } catch (IllegalArgumentException e) {
                throw new RegistryAnswerException("the consistency proof holds a hash that is not a base64 string");
            }
        }
        return new ConsistencyProof(from, to, hashes);
    }

    private String get(String path) throws IOException, RegistryAnswerException {
        String root = base.toString().replaceAll("/+$", "");
        HttpRequest request = HttpRequest.newBuilder(URI.create(root + path)).timeout(TIMEOUT).GET().build();
        // The request's timeout ends at the answer's headers; the deadline here covers the body too, which a
        // registry could otherwise send one byte at a time. Bodies are bounded like every registry answer.
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request,
                BoundedBody.handler(BoundedBody.REGISTRY_ANSWER_LIMIT));
        HttpResponse<byte[]> response;
        try {
            response = exchange.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String reason = cause instanceof ResponseTooLargeException
                    ? "it answered with more than " + BoundedBody.REGISTRY_ANSWER_LIMIT + " bytes" : String.valueOf(cause);
            throw new RegistryUnreachableException("cannot get " + request.uri() + " from the registry: " + reason,
                    cause);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new RegistryUnreachableException("cannot get " + request.uri() + " from the registry: no complete "
                    + "answer within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the registry for " + path, e);
        }
        if (response.statusCode() != 200) {
            throw new RegistryAnswerException("GET " + path + " answered HTTP " + response.statusCode());
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static SSLContext pinned(X509Certificate registryCa) {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            // The JDK's TLS gets the JDK's own certificate type, not a Bouncy Castle one.
            anchors.setCertificateEntry("registry-ca", CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(registryCa.getEncoded())));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS trusting only the registry CA: " + e.getMessage(), e);
        }
    }
}
