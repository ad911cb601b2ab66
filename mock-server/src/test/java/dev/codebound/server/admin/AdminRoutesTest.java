package dev.codebound.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TusTestClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health, Prometheus metrics and the request journal (plain mode: loopback clients are admins). */
class AdminRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void healthMetricsAndJournal() throws Exception {
        try (MockRegistry registry = MockRegistry.start(TestRegistries.plain(dataDir).journalCapacity(8).build())) {
            TusTestClient tus = TusTestClient.plain(registry, "station-m");
            HttpResponse<String> health = tus.get("/health");
            assertEquals(200, health.statusCode());
            assertEquals("ok", JSON.readTree(health.body()).get("status").asText());
            assertEquals("plain", JSON.readTree(health.body()).get("mode").asText());
            assertEquals(Certificates.fingerprint(registry.keyring().authority().certificate()),
                    JSON.readTree(health.body()).get("caCertificateSha256").asText(),
                    "the CA fingerprint a station operator compares at init");

            String location = tus.createPath(4);
            assertEquals(204, tus.patch(location, 0, new byte[] {1, 2, 3, 4}).statusCode());
            assertEquals(404, tus.head("/files/AAAAAAAAAAAAAAAAAAAAAA").statusCode());

            String metrics = tus.get("/metrics").body();
            assertTrue(metrics.contains(
                    "codebound_http_requests_total{method=\"PATCH\",route=\"/files/{id}\",status=\"204\"} 1"), metrics);
            assertTrue(metrics.contains("codebound_uploads_created_total 1"), metrics);
            assertTrue(metrics.contains("codebound_uploads_completed_total 1"), metrics);
            assertTrue(metrics.contains("codebound_upload_bytes_stored_total 4"), metrics);
            assertTrue(metrics.contains("codebound_http_requests_in_flight 1"), metrics);

            HttpResponse<String> journal = tus.get("/admin/journal?limit=3");
            assertEquals(200, journal.statusCode());
            JsonNode entries = JSON.readTree(journal.body()).get("entries");
            assertEquals(3, entries.size());
            assertEquals("/metrics", entries.get(0).get("route").asText());
            assertEquals("HEAD", entries.get(1).get("method").asText());
            assertEquals(404, entries.get(1).get("status").asInt());
            assertEquals(4, entries.get(2).get("bytes").asInt());
            String id = location.substring("/files/".length());
            assertFalse(journal.body().contains(id), "the journal names routes, never upload ids");

            for (int i = 0; i < 4; i++) {
                tus.get("/health");
            }
            assertEquals(8, JSON.readTree(tus.get("/admin/journal?limit=1000").body()).get("entries").size(),
                    "the ring keeps at most its capacity");
            assertEquals(400, tus.get("/admin/journal?limit=-1").statusCode());
            assertEquals(400, tus.get("/admin/journal?limit=abc").statusCode());
        }
    }
}
