package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.code.QrCodes;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.TusTestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The registry's own endpoints over HTTP on loopback (plain mode: admin routes open to loopback). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryRoutesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CSV = "student_number,name,id_number,school_code,cohort\n"
            + "2023001,张三,11010519491231002X,10337,2027\n2023002,李四,11010519491231002X,10337,2027\n";

    @TempDir
    static Path dataDir;
    MockRegistry server;
    TusTestClient http;

    @BeforeAll
    void start() throws Exception {
        server = MockRegistry.start(MockRegistryConfig.builder().bindAddress("127.0.0.1").port(0).dataDir(dataDir)
                .tls(false).storageThreads(2).eventLoopThreads(1).build());
        http = TusTestClient.plain(server, null);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(http.request(path, "Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    private String newToken() throws Exception {
        HttpResponse<String> response = post("/admin/v1/enrollment-tokens", "application/json", "{\"note\":\"t\"}");
        assertEquals(201, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("token").asText();
    }

    private String enrollment(String token, KeyPair key) {
        ObjectNode body = JSON.createObjectNode();
        body.put("token", token);
        body.put("csr", PemFiles.requestToPem(CertificationRequests.create(key, "studio")));
        return body.toString();
    }

    @Test
    void aStationEnrollsOnceWithItsToken() throws Exception {
        String token = newToken();
        KeyPair key = KeyPairs.generateP256();
        HttpResponse<String> enrolled = post("/registry/v1/enrollments", "application/json", enrollment(token, key));
        assertEquals(201, enrolled.statusCode(), enrolled.body());
        JsonNode body = JSON.readTree(enrolled.body());
        X509Certificate certificate = PemFiles.certificatesFromPem(body.get("certificate").asText(), "cert").get(0);
        X509Certificate ca = PemFiles.certificatesFromPem(body.get("registryCa").asText(), "ca").get(0);
        assertEquals(key.getPublic(), certificate.getPublicKey());
        assertEquals(body.get("stationId").asText(), Certificates.commonName(certificate));
        TrustBundleCodec.verify(body.get("trustBundle").asText().getBytes(StandardCharsets.UTF_8), ca, "bundle");

        HttpResponse<String> again = post("/registry/v1/enrollments", "application/json",
                enrollment(token, KeyPairs.generateP256()));
        assertEquals(409, again.statusCode());
        assertTrue(again.body().contains("ENROLLMENT_TOKEN_USED"), again.body());
    }

    @Test
    void enrollmentRefusalsAreSpecific() throws Exception {
        HttpResponse<String> unknown = post("/registry/v1/enrollments", "application/json",
                enrollment("CBE-NOSUCHTOKEN", KeyPairs.generateP256()));
        assertEquals(403, unknown.statusCode());
        assertTrue(unknown.body().contains("ENROLLMENT_TOKEN_UNKNOWN"), unknown.body());

        HttpResponse<String> badCsr = post("/registry/v1/enrollments", "application/json",
                "{\"token\":\"" + newToken() + "\",\"csr\":\"not a csr\"}");
        assertEquals(400, badCsr.statusCode());
        assertTrue(badCsr.body().contains("CSR_INVALID"), badCsr.body());

        HttpResponse<String> notJson = post("/registry/v1/enrollments", "application/json", "{");
        assertEquals(400, notJson.statusCode());
        assertTrue(notJson.body().contains("INVALID_JSON"), notJson.body());

        HttpResponse<String> missing = post("/registry/v1/enrollments", "application/json", "{\"token\":\"x\"}");
        assertEquals(400, missing.statusCode());
        assertTrue(missing.body().contains("'csr' is required"), missing.body());

        HttpResponse<String> huge = post("/registry/v1/enrollments", "application/json", "x".repeat(20_000));
        assertEquals(413, huge.statusCode());
    }

    @Test
    void codesComeAsTextAndQrAndRevocationPublishesANewBundle() throws Exception {
        HttpResponse<String> batch = post("/admin/v1/codes/batch", "text/csv", CSV);
        assertEquals(201, batch.statusCode(), batch.body());
        JsonNode codes = JSON.readTree(batch.body()).get("codes");
        assertEquals(2, codes.size());
        String codeId = codes.get(0).get("codeId").asText();

        HttpResponse<byte[]> qr = HttpClient.newHttpClient().send(
                http.request("/admin/v1/codes/" + codeId + "/qr.png").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, qr.statusCode());
        assertEquals(codes.get(0).get("text").asText(), QrCodes.read(qr.body()));

        X509Certificate ca = server.keyring().authority().certificate();
        long before = TrustBundleCodec.verify(http.get("/registry/v1/trust-bundle").body()
                .getBytes(StandardCharsets.UTF_8), ca, "bundle").sequence();
        assertEquals(200, post("/admin/v1/codes/" + codeId + "/revocation", "application/json", "").statusCode());
        TrustBundle after = TrustBundleCodec.verify(http.get("/registry/v1/trust-bundle").body()
                .getBytes(StandardCharsets.UTF_8), ca, "bundle");
        assertEquals(before + 1, after.sequence());
        assertTrue(after.isCodeRevoked(codeId));
        assertEquals(Set.of(1, 2), after.envelopeFormats(), "stations are told to seal format 2");
    }

    /** A code key is as good as the code for sealing: the admin API never shows one. */
    @Test
    void theAdminApiNeverShowsACodesKeys() throws Exception {
        HttpResponse<String> batch = post("/admin/v1/codes/batch", "text/csv", CSV);
        String codeId = JSON.readTree(batch.body()).get("codes").get(0).get("codeId").asText();
        CodeBook.CodeRecord record = server.registry().codes().find(codeId).orElseThrow();
        assertTrue(record.hasCodeKeys());
        List<String> answers = List.of(http.get("/admin/v1/codes").body(), http.get("/admin/v1/codes/" + codeId).body(),
                post("/admin/v1/codes/" + codeId + "/revocation", "application/json", "").body());
        for (String answer : answers) {
            assertTrue(answer.contains(codeId), answer);
            assertFalse(answer.contains("codeKey"), answer);
            assertFalse(answer.contains(record.codeKeySha256()) || answer.contains(record.codeKeySm3()), answer);
        }
    }

    @Test
    void badCodeRequestsNameTheirProblem() throws Exception {
        HttpResponse<String> badRow = post("/admin/v1/codes/batch", "text/csv",
                "student_number,name,id_number,school_code,cohort\n1,张三,110105194912310021,10337,2027\n");
        assertEquals(400, badRow.statusCode());
        assertTrue(badRow.body().contains("row 1: ID number check digit is wrong"), badRow.body());

        // Fuzz finding 14: a header with an empty or repeated column name was answered 400
        // INVALID_REQUEST in Commons CSV's words, a quote inside an unquoted header field 500 "retry later".
        for (String broken : List.of(",name,id_number,school_code,cohort\n1,x,y,1,2\n",
                "student_number,name,name,id_number,school_code,cohort\n1,x,x,y,1,2\n",
                "student_number,\"name\"x,id_number,school_code,cohort\n1,x,y,1,2\n",
                "student_number,name,id_number,school_code,cohort\n\"1\"x,y,z,1,2\n")) {
            HttpResponse<String> unreadable = post("/admin/v1/codes/batch", "text/csv", broken);
            assertEquals(400, unreadable.statusCode(), broken + " -> " + unreadable.body());
            assertTrue(unreadable.body().contains("CSV_INVALID"), unreadable.body());
        }

        HttpResponse<String> single = post("/admin/v1/codes", "application/json",
                "{\"studentNumber\":\"1\",\"name\":\"张三\",\"idNumber\":\"11010519491231002X\",\"schoolCode\":\"x\","
                        + "\"cohort\":2027}");
        assertEquals(400, single.statusCode());
        assertTrue(single.body().contains("'schoolCode' is required and must be a whole number"), single.body());

        assertEquals(404, http.get("/admin/v1/codes/AAAAAAAAAAAAAAAA").statusCode());
        assertEquals(404, http.get("/admin/v1/codes/..%2F..%2Fetc/qr.png").statusCode());
    }
}
