package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.TusTestClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public station-certificate record an auditor compares a transfer log's signer with. */
class StationCertificateRoutesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void servesTheIssuedCertificatesFingerprintAndRevocationButNoNote(@TempDir Path dataDir) throws Exception {
        try (MockRegistry server = MockRegistry.start(MockRegistryConfig.builder().bindAddress("127.0.0.1").port(0)
                .dataDir(dataDir).tls(false).storageThreads(1).eventLoopThreads(1).build())) {
            TusTestClient http = TusTestClient.plain(server, null);
            X509Certificate issued = server.registry().enrollment().enroll(
                    server.registry().enrollment().issueToken(java.time.Duration.ofMinutes(5), "t").token(),
                    dev.codebound.protocol.pki.CertificationRequests.create(KeyPairs.generateP256(), "studio"));
            String stationId = Certificates.commonName(issued);

            JsonNode record = get(http, "/registry/v1/stations/" + stationId + "/certificate", 200);
            assertEquals(stationId, record.get("stationId").asText());
            assertEquals(Certificates.fingerprint(issued), record.get("fingerprint").asText());
            assertEquals(Certificates.serialHex(issued), record.get("serial").asText());
            assertTrue(record.get("revokedAt").isNull(), record.toString());

            server.registry().stations().revoke(stationId, "stolen laptop", Instant.now());
            JsonNode revoked = get(http, "/registry/v1/stations/" + stationId + "/certificate", 200);
            assertFalse(revoked.get("revokedAt").isNull(), revoked.toString());
            assertFalse(revoked.toString().contains("stolen"), "the administrator's note is not public");

            JsonNode unknown = get(http, "/registry/v1/stations/ST-NOSUCHSTATION/certificate", 404);
            assertEquals("STATION_UNKNOWN", unknown.get("reason").asText(), unknown.toString());
        }
    }

    private static JsonNode get(TusTestClient http, String path, int status) throws Exception {
        HttpResponse<String> response = http.send(http.request(path).GET().build());
        assertEquals(status, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }
}
