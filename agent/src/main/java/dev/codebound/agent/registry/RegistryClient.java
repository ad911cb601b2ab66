package dev.codebound.agent.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.WireFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The registry's endpoints besides tus (docs/registry-api.md): enrollment and the trust bundle.
 * It only talks; checking what the registry says is {@link EnrollmentCheck}'s and
 * {@code StationTrust}'s job.
 */
public final class RegistryClient {
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpUrl base;
    private final OkHttpClient client;

    /**
     * @param base   the registry's base URL, e.g. {@code https://registry.example:8443}
     * @param client a client trusting only the registry CA (see {@code MutualTls}), with
     *               {@link RegistryTimeouts} so that no call can hang
     */
    public RegistryClient(HttpUrl base, OkHttpClient client) {
        this.base = Objects.requireNonNull(base, "base");
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Redeems a one-time enrollment token with a certification request.
     *
     * @throws RegistryRefusal when the registry refuses (unknown, used or expired token, bad CSR)
     * @throws IOException     when the registry cannot be reached or answers nonsense
     */
    public Enrollment enroll(String token, String csrPem) throws IOException, RegistryRefusal {
        return enroll(token, csrPem, Optional.empty());
    }

    /**
     * Redeems a one-time enrollment token with a certification request and, for a suite 2 station,
     * a second one for its SM2 envelope-signing key.
     *
     * @throws RegistryRefusal when the registry refuses (unknown, used or expired token, bad CSR, suite 2
     *     not accepted)
     * @throws IOException     when the registry cannot be reached or answers nonsense
     */
    public Enrollment enroll(String token, String csrPem, Optional<String> sm2CsrPem)
            throws IOException, RegistryRefusal {
        ObjectNode request = JSON.createObjectNode().put("token", token).put("csr", csrPem);
        sm2CsrPem.ifPresent(pem -> request.put("sm2Csr", pem));
        HttpUrl url = base.resolve("/registry/v1/enrollments");
        byte[] body = call(new Request.Builder().url(url)
                .post(RequestBody.create(JSON.writeValueAsBytes(request), JSON_TYPE)).build(), 201);
        try {
            JsonNode answer = JSON.readTree(body);
            return new Enrollment(text(answer, "stationId"),
                    PemFiles.certificatesFromPem(text(answer, "certificate"), "enrollment certificate").get(0),
                    PemFiles.certificatesFromPem(text(answer, "registryCa"), "enrollment registryCa").get(0),
                    text(answer, "trustBundle").getBytes(StandardCharsets.UTF_8),
                    answer.hasNonNull("sm2Certificate") ? Optional.of(PemFiles.certificatesFromPem(
                            text(answer, "sm2Certificate"), "enrollment sm2Certificate").get(0)) : Optional.empty());
        } catch (com.fasterxml.jackson.core.JacksonException | PkiException e) {
            throw new IOException(url + " answered an enrollment that cannot be read: " + e.getMessage(), e);
        }
    }

    /** The registry's current signed trust bundle, unverified. */
    public byte[] trustBundle() throws IOException, RegistryRefusal {
        return call(new Request.Builder().url(base.resolve("/registry/v1/trust-bundle")).get()
                .header("Cache-Control", "no-cache").build(), 200);
    }

    private byte[] call(Request request, int expected) throws IOException, RegistryRefusal {
        try (Response response = client.newCall(request).execute()) {
            // Enrollment answers and trust bundles are a few KB; more is not a registry talking.
            byte[] body = BoundedBody.read(response, BoundedBody.REGISTRY_ANSWER_LIMIT);
            if (response.code() == expected) {
                return body;
            }
            Problem problem;
            try {
                problem = Problem.fromJson(body);
            } catch (WireFormatException e) {
                problem = new Problem(null, "HTTP " + response.code(), response.code(), request.method() + " "
                        + request.url() + " answered HTTP " + response.code(), null, null);
            }
            throw new RegistryRefusal(problem);
        }
    }

    private static String text(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IOException("the registry's answer lacks '" + field + "'");
        }
        return value.asText();
    }
}
