package dev.codebound.agent.audit;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.registry.BoundedBody;
import dev.codebound.agent.registry.ResponseTooLargeException;
import dev.codebound.protocol.log.ConsistencyProof;
import dev.codebound.protocol.log.LogEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
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
    /** The registry lists at most this many log entries per request (docs/registry-api.md). */
    static final int ENTRIES_PER_PAGE = 1000;

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

    /** One entry of the registry's public log, as listed; its leaf hash is recomputed from the fields. */
    record ListedEntry(long index, LogEntry entry) {}

    /**
     * The registry's log entries {@code start} (inclusive) to {@code end} (exclusive), at most
     * {@value #ENTRIES_PER_PAGE}, unverified except that each is well formed, at the index asked
     * for, and hashes to the leaf hash the registry lists for it.
     */
    List<ListedEntry> entries(long start, long end) throws IOException, RegistryAnswerException {
        JsonNode node = JSON.readTree(get("/registry/v1/log/entries?start=" + start + "&end=" + end));
        JsonNode entries = node == null ? null : node.get("entries");
        if (entries == null || !entries.isArray() || entries.size() != end - start) {
            throw new RegistryAnswerException("the log entries " + start + ".." + end + " are not a list of "
                    + (end - start) + " entries");
        }
        List<ListedEntry> listed = new ArrayList<>();
        long index = start;
        for (JsonNode entry : entries) {
            try {
                LogEntry parsed = new LogEntry(HexFormat.of().parseHex(entry.path("envelopeSha256").asText()),
                        entry.path("codeId").asText(), entry.path("stationId").asText(),
                        Instant.parse(entry.path("acceptedAt").asText()));
                if (entry.path("index").asLong(-1) != index || !MessageDigest.isEqual(parsed.leafHash(),
                        Base64.getDecoder().decode(entry.path("leafHash").asText()))) {
                    throw new RegistryAnswerException("log entry " + index + " is not the entry at that index, or "
                            + "its fields do not hash to its leaf hash");
                }
                listed.add(new ListedEntry(index++, parsed));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new RegistryAnswerException("log entry " + index + " is malformed: " + e.getMessage());
            }
        }
        return listed;
    }

    /** The registry directory's public record of a station's certificate, or empty when it never enrolled it. */
    Optional<JsonNode> stationCertificate(String stationId) throws IOException, RegistryAnswerException {
        String path = "/registry/v1/stations/" + URLEncoder.encode(stationId, StandardCharsets.UTF_8) + "/certificate";
        HttpResponse<byte[]> response = send(path);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new RegistryAnswerException("GET " + path + " answered HTTP " + response.statusCode());
        }
        JsonNode node = JSON.readTree(response.body());
        if (node == null || !stationId.equals(node.path("stationId").asText())
                || !node.path("fingerprint").asText().matches("[0-9a-f]{64}")) {
            throw new RegistryAnswerException("GET " + path + " did not answer with the station's certificate record");
        }
        return Optional.of(node);
    }

    private String get(String path) throws IOException, RegistryAnswerException {
        HttpResponse<byte[]> response = send(path);
        if (response.statusCode() != 200) {
            throw new RegistryAnswerException("GET " + path + " answered HTTP " + response.statusCode());
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** One GET with the whole exchange under a deadline and the answer's body bounded. */
    private HttpResponse<byte[]> send(String path) throws IOException {
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
        return response;
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
