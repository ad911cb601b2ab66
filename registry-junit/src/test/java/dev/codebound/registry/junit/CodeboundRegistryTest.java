package dev.codebound.registry.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.server.upload.UploadInfo;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension as an integrator uses it: one registry for the class, over mutual TLS. */
class CodeboundRegistryTest {
    @RegisterExtension
    static CodeboundRegistry registry = CodeboundRegistry.builder().seed(42).build();

    /** The registry's data directory as the class started it: another one would mean another registry. */
    private static Path outerDataDir;

    @BeforeAll
    static void rememberTheRegistry() {
        outerDataDir = registry.dataDir();
    }

    @AfterEach
    void noFaultsLeft() {
        registry.clearFaults();
    }

    private static HttpResponse<String> createUpload(SSLContext tls) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build();
        return http.send(HttpRequest.newBuilder(registry.baseUri().resolve("/files/"))
                .header("Tus-Resumable", "1.0.0").header("Upload-Length", "10")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anEnrolledStationCallsStationRoutesOverMutualTls() throws Exception {
        EnrolledStation station = registry.enrollStation();
        assertEquals(station.stationId(), registry.server().registry().stations().find(station.stationId())
                .orElseThrow().stationId(), "the registry knows the station");

        HttpResponse<String> created = createUpload(station.sslContext());
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(created.headers().firstValue("Location").orElseThrow().startsWith("/files/"));

        JournalEntry newest = registry.journal(1).get(0);
        assertEquals("POST /files/", newest.routeName());
        assertEquals(201, newest.status());
        assertTrue(newest.fault().isEmpty());
    }

    @Test
    void withoutAStationCertificateStationRoutesAreRefused() throws Exception {
        assertEquals(401, createUpload(registry.sslContext()).statusCode());
    }

    @Test
    void aRevokedStationIsRefused() throws Exception {
        EnrolledStation station = registry.enrollStation();
        registry.revokeStation(station.stationId());
        HttpResponse<String> refused = createUpload(station.sslContext());
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("STATION_REVOKED"), refused.body());
    }

    @Test
    void aFaultPlanActsAndTheJournalNamesTheFault() throws Exception {
        EnrolledStation station = registry.enrollStation();
        registry.faultPlan("""
                {"rules": [{"route": "tus.create", "script": [1], "action": {"type": "status", "status": 503}}]}
                """);
        assertEquals(42L, registry.faults().seed());
        assertEquals(503, createUpload(station.sslContext()).statusCode());
        assertEquals(201, createUpload(station.sslContext()).statusCode(), "the script fires on the 1st only");

        List<JournalEntry> journal = registry.journal(2);
        assertEquals("rule 0 (POST /files/ #1): status 503", journal.get(1).fault().orElseThrow());
        assertTrue(journal.get(0).fault().isEmpty());
    }

    @Test
    void anInvalidFaultPlanIsRefusedNamingTheField() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> registry.faultPlan("{\"rules\": [{\"route\": \"tus.create\", \"script\": [1], "
                        + "\"action\": {\"type\": \"status\", \"status\": 418}}]}"));
        assertTrue(refused.getMessage().startsWith("rules[0].action.status"), refused.getMessage());
    }

    /** Nested classes share the outer class's registry, and the end of one does not stop it. */
    @Nested
    class FirstNested {
        @Test
        void usesTheOuterRegistry() {
            assertEquals(outerDataDir, registry.dataDir());
        }
    }

    @Nested
    class SecondNested {
        @Test
        void stillUsesTheOuterRegistryAfterAnotherNestedClassEnded() {
            assertEquals(outerDataDir, registry.dataDir());
        }
    }

    @Test
    void codesAreIssuedAndRevoked() throws Exception {
        IssuedCode code = registry.issueCode();
        assertTrue(code.codeId().matches("[A-Z2-7]{16}"), code.codeId());
        assertNull(registry.server().registry().codes().find(code.codeId()).orElseThrow().revokedAt());
        registry.revokeCode(code.codeId());
        assertNotNull(registry.server().registry().codes().find(code.codeId()).orElseThrow().revokedAt());
        assertNotEquals(code.codeId(), registry.issueCode().codeId(), "each call issues a new code");
    }

    @Test
    void codesCanBeIssuedForAValidityWindowAndASchool() throws Exception {
        Instant notBefore = Instant.now().minus(Duration.ofDays(5)).truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = notBefore.plus(Duration.ofDays(2));
        IssuedCode expired = registry.issueCode(20001, notBefore, notAfter);
        var record = registry.server().registry().codes().find(expired.codeId()).orElseThrow();
        assertEquals(20001, record.schoolCode());
        assertEquals(notAfter, record.notAfter());
    }

    @Test
    void aClientEnrollsItselfWithAToken() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String csr = PemFiles.requestToPem(CertificationRequests.create(KeyPairs.generateP256(), "self-enrolled"));
        byte[] request = json.writeValueAsBytes(Map.of("token", registry.enrollmentToken(), "csr", csr));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(registry.sslContext()).build();
        HttpResponse<String> enrolled = http.send(HttpRequest.newBuilder(
                registry.baseUri().resolve("/registry/v1/enrollments")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, enrolled.statusCode(), enrolled.body());
        String stationId = json.readTree(enrolled.body()).get("stationId").asText();
        assertTrue(registry.adminGet("/admin/v1/stations").contains(stationId),
                "the admin API lists the station that enrolled itself");
    }

    @Test
    void adminGetReadsAnyAdminRouteAndSaysWhatARefusalWas() throws Exception {
        assertTrue(registry.adminGet("/metrics").contains("# TYPE"), "metrics are Prometheus text");
        IOException missing = assertThrows(IOException.class, () -> registry.adminGet("/admin/v1/codes/NOPE"));
        assertTrue(missing.getMessage().contains("answered 404"), missing.getMessage());
    }

    @Test
    void theCaCertificateFileHoldsTheRegistryCa() throws Exception {
        assertEquals(registry.caCertificate(), PemFiles.readCertificates(registry.caCertificateFile()).get(0));
    }

    @Test
    void uploadsListWhatReachedTheTusStore() throws Exception {
        EnrolledStation station = registry.enrollStation();
        int before = registry.uploads().size();
        assertEquals(201, createUpload(station.sslContext()).statusCode());
        List<UploadInfo> uploads = registry.uploads();
        assertEquals(before + 1, uploads.size());
        assertTrue(uploads.stream().anyMatch(upload -> upload.length() == 10 && upload.offset() == 0), uploads::toString);
    }
}
