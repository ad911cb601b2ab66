package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.upload.MutualTls;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.upload.FileUploadStore;
import dev.codebound.server.upload.UploadInfo;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.faults.FaultPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A real mock registry for end-to-end tests: TLS on 127.0.0.1 with an ephemeral port over a temp
 * data directory, and its admin API (bearer token) for enrollment tokens and codes.
 */
final class RegistryFixture implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    /** A code issued through the admin API. */
    record Code(String codeId, String text) {}

    private final MockRegistry registry;
    private final Path dataDir;
    private final OkHttpClient admin;

    private RegistryFixture(MockRegistry registry, Path dataDir) throws IOException {
        this.registry = registry;
        this.dataDir = dataDir;
        this.admin = MutualTls.serverAuthenticated(PemFiles.readCertificates(registry.caCertificateFile()).get(0))
                .build();
    }

    static RegistryFixture start(Path dataDir) throws IOException {
        return start(dataDir, FaultPlan.NONE);
    }

    /** A registry accepting only the envelope suites {@code acceptedSuites}, issuing codes of {@code codeSuite}. */
    static RegistryFixture start(Path dataDir, java.util.Set<Integer> acceptedSuites, int codeSuite)
            throws IOException {
        return new RegistryFixture(MockRegistry.start(MockRegistryConfig.builder().bindAddress("127.0.0.1").port(0)
                .dataDir(dataDir).tls(true).storageThreads(2).eventLoopThreads(1).acceptedSuites(acceptedSuites)
                .codeSuite(codeSuite).build()), dataDir);
    }

    /** A registry that misbehaves as {@code faults} says (the mock server's fault injection). */
    static RegistryFixture start(Path dataDir, FaultPlan faults) throws IOException {
        return new RegistryFixture(MockRegistry.start(MockRegistryConfig.builder().bindAddress("127.0.0.1").port(0)
                .dataDir(dataDir).tls(true).storageThreads(2).eventLoopThreads(1).faultPlan(faults).build()),
                dataDir);
    }

    String url() {
        return registry.baseUri().toString();
    }

    Path caFile() {
        return registry.caCertificateFile();
    }

    MockRegistry registry() {
        return registry;
    }

    /** A fresh one-time enrollment token. */
    String enrollmentToken() throws IOException {
        return post("/admin/v1/enrollment-tokens", JSON.createObjectNode().put("note", "test station"))
                .get("token").asText();
    }

    /** A code for school {@code school}, valid from {@code notBefore} to {@code notAfter}. */
    Code code(int school, Instant notBefore, Instant notAfter) throws IOException {
        return code("2023" + System.nanoTime() % 100000, "张三", "11010519491231002X", school, notBefore, notAfter);
    }

    /** A code for the student with these particulars, for school {@code school}. */
    Code code(String studentNumber, String name, String idNumber, int school, Instant notBefore, Instant notAfter)
            throws IOException {
        ObjectNode request = JSON.createObjectNode().put("studentNumber", studentNumber)
                .put("name", name).put("idNumber", idNumber).put("schoolCode", school)
                .put("cohort", 2027).put("notBefore", notBefore.toString()).put("notAfter", notAfter.toString());
        JsonNode answer = post("/admin/v1/codes", request);
        return new Code(answer.get("codeId").asText(), answer.get("text").asText());
    }

    /** A code for school 10337, valid from yesterday for a month. */
    Code code() throws IOException {
        Instant now = Instant.now();
        return code(10337, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    }

    /** Revokes a code; the next trust bundle lists it. */
    void revokeCode(String codeId) throws IOException {
        post("/admin/v1/codes/" + codeId + "/revocation", JSON.createObjectNode(), 200);
    }

    /** Revokes a station's certificate. */
    void revokeStation(String stationId) throws IOException {
        post("/admin/v1/stations/" + stationId + "/revocation", JSON.createObjectNode().put("note", "test"), 200);
    }

    /** The server's complete uploads of the envelope with SHA-256 {@code sha256}, read from its store. */
    List<UploadInfo> completeUploadsOf(String sha256) throws IOException {
        return uploadsOf(sha256).stream().filter(upload -> upload.offset() == upload.length()).toList();
    }

    /** The server's uploads, complete or not, of the envelope with SHA-256 {@code sha256}. */
    List<UploadInfo> uploadsOf(String sha256) throws IOException {
        Path root = dataDir.resolve("uploads");
        if (!Files.exists(root.resolve("uploads.journal"))) {
            return List.of();
        }
        return FileUploadStore.readRecords(root).stream()
                .filter(upload -> upload.metadata().get("envelope-sha256").orElse("").equals(sha256)).toList();
    }

    /** An admin GET, answered 200: its body. */
    String adminGet(String path) throws IOException {
        Request request = new Request.Builder().url(url() + path)
                .header("Authorization", "Bearer " + registry.adminToken().orElseThrow()).get().build();
        try (Response response = admin.newCall(request).execute()) {
            String text = response.body().string();
            if (response.code() != 200) {
                throw new IOException(path + " answered " + response.code() + ": " + text);
            }
            return text;
        }
    }

    private JsonNode post(String path, JsonNode body) throws IOException {
        return post(path, body, 201);
    }

    private JsonNode post(String path, JsonNode body, int expected) throws IOException {
        Request request = new Request.Builder().url(url() + path)
                .header("Authorization", "Bearer " + registry.adminToken().orElseThrow())
                .post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE)).build();
        try (Response response = admin.newCall(request).execute()) {
            String text = response.body().string();
            if (response.code() != expected) {
                throw new IOException(path + " answered " + response.code() + ": " + text);
            }
            return JSON.readTree(text);
        }
    }

    @Override
    public void close() {
        registry.close();
    }
}
