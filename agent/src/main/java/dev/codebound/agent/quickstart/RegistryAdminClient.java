package dev.codebound.agent.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.registry.BoundedBody;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The registry administrator's side of the quickstart: what an integrator does with the mock
 * registry's admin API (docs/registry-api.md) before any station can work: issue an enrollment
 * token and collection codes, and revoke a code.
 */
final class RegistryAdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final MediaType CSV_TYPE = MediaType.get("text/csv; charset=utf-8");

    /** A code the registry issued: its id and text. */
    record Code(String codeId, String text) {}

    private final HttpUrl base;
    private final OkHttpClient client;
    private final String token;

    /** {@code client} must trust only the registry CA; {@code token} is the admin bearer token. */
    RegistryAdminClient(HttpUrl base, OkHttpClient client, String token) {
        this.base = base;
        this.client = client;
        this.token = token;
    }

    /** A one-time enrollment token for one station. */
    String enrollmentToken(String note) throws IOException {
        String body = JSON.createObjectNode().put("note", note).put("validitySeconds", 3600).toString();
        return call("/admin/v1/enrollment-tokens", RequestBody.create(body, JSON_TYPE)).get("token").asText();
    }

    /** Issues one code per CSV row (header {@code student_number,name,id_number,school_code,cohort}). */
    List<Code> issueCodes(String csv) throws IOException {
        List<Code> codes = new ArrayList<>();
        for (JsonNode code : call("/admin/v1/codes/batch", RequestBody.create(csv, CSV_TYPE)).get("codes")) {
            codes.add(new Code(code.get("codeId").asText(), code.get("text").asText()));
        }
        return codes;
    }

    /** The code's QR image, as the registry renders it for the student's phone. */
    byte[] qrPng(String codeId) throws IOException {
        Request request = authorized("/admin/v1/codes/" + codeId + "/qr.png").get().build();
        try (Response response = client.newCall(request).execute()) {
            requireSuccess(request, response);
            return BoundedBody.read(response, BoundedBody.REGISTRY_ANSWER_LIMIT);
        }
    }

    /** Withdraws a code (the student lost their phone, say); envelopes for it are refused from now on. */
    void revokeCode(String codeId) throws IOException {
        call("/admin/v1/codes/" + codeId + "/revocation", RequestBody.create("{}", JSON_TYPE));
    }

    private JsonNode call(String path, RequestBody body) throws IOException {
        Request request = authorized(path).post(body).build();
        try (Response response = client.newCall(request).execute()) {
            requireSuccess(request, response);
            return JSON.readTree(BoundedBody.read(response, BoundedBody.REGISTRY_ANSWER_LIMIT));
        }
    }

    private Request.Builder authorized(String path) {
        return new Request.Builder().url(base.resolve(path)).header("Authorization", "Bearer " + token);
    }

    private static void requireSuccess(Request request, Response response) throws IOException {
        if (!response.isSuccessful()) {
            throw new IOException(request.method() + " " + request.url().encodedPath() + " answered HTTP "
                    + response.code() + ": " + new String(BoundedBody.read(response, BoundedBody.REGISTRY_ANSWER_LIMIT),
                            StandardCharsets.UTF_8));
        }
    }
}
