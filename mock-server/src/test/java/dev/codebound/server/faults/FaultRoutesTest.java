package dev.codebound.server.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TlsClients;
import dev.codebound.server.TusTestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET/PUT/DELETE /admin/faults}: the plan at runtime, its counters, and specific 400s. */
class FaultRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private static MockRegistry registry;
    private static TusTestClient tus;

    @BeforeAll
    static void start() throws Exception {
        registry = MockRegistry.start(TestRegistries.plain(dataDir).seed(99L).build());
        tus = TusTestClient.plain(registry, "station-r");
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @BeforeEach
    void noFaults() {
        registry.faults().clear();
    }

    private static HttpResponse<String> put(String body, String contentType) throws Exception {
        return tus.send(tus.request("/admin/faults", "Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static HttpResponse<String> put(String singleQuoted) throws Exception {
        return put(Plans.json(singleQuoted), "application/json");
    }

    /** Asserts a 400 problem with {@code reason} whose detail starts with {@code field}. */
    private static void assertRefused(HttpResponse<String> response, String reason, String field) throws Exception {
        assertEquals(400, response.statusCode(), response.body());
        JsonNode problem = JSON.readTree(response.body());
        assertEquals(reason, problem.get("reason").asText());
        assertTrue(problem.get("detail").asText().startsWith(field), problem.get("detail").asText());
    }

    @Test
    void putGetDelete() throws Exception {
        JsonNode initial = JSON.readTree(tus.get("/admin/faults").body());
        assertEquals("99", initial.get("seed").textValue(), "the server's seed is served, as a string");
        assertEquals(0, initial.get("plan").get("rules").size());

        HttpResponse<String> put = put("{'rules':[{'route':'tus.create','script':[2],"
                + "'action':{'type':'status','status':504}}]}");
        assertEquals(200, put.statusCode(), put.body());
        JsonNode installed = JSON.readTree(put.body());
        assertEquals("99", installed.get("plan").get("seed").textValue(), "the served plan carries the seed in use");
        assertEquals("status", installed.get("plan").get("rules").get(0).get("action").get("type").asText());

        assertEquals(201, tus.create(1).statusCode());
        assertEquals(504, tus.create(1).statusCode());
        assertEquals(201, tus.create(1).statusCode());
        JsonNode counters = JSON.readTree(tus.get("/admin/faults").body()).get("rules").get(0);
        assertEquals(1, counters.get("fired").asLong());
        assertEquals(3, counters.get("watched").get("POST /files/").asLong());

        byte[] served = JSON.writeValueAsBytes(JSON.readTree(tus.get("/admin/faults").body()).get("plan"));
        assertEquals(registry.faults().plan(), FaultPlan.fromJson(served), "the served plan parses back");

        HttpResponse<String> deleted = tus.send(tus.request("/admin/faults").DELETE().build());
        assertEquals(200, deleted.statusCode());
        assertEquals(0, JSON.readTree(deleted.body()).get("plan").get("rules").size());
        for (int i = 0; i < 3; i++) {
            assertEquals(201, tus.create(1).statusCode(), "no faults after DELETE");
        }
    }

    @Test
    void aNewPlanCountsAfreshAndMayBringItsSeed() throws Exception {
        String plan = "{'seed':5,'rules':[{'route':'tus.create','script':[1],'action':{'type':'status','status':500}}]}";
        assertEquals(200, put(plan).statusCode());
        assertEquals(500, tus.create(1).statusCode());
        assertEquals(201, tus.create(1).statusCode());
        assertEquals(200, put(plan).statusCode());
        assertEquals(500, tus.create(1).statusCode(), "counting restarted with the new plan");
        assertEquals(5, JSON.readTree(tus.get("/admin/faults").body()).get("seed").asLong());
    }

    @Test
    void invalidPlansAreRefusedNamingTheField() throws Exception {
        assertRefused(put("{'rules':[{'route':'*','probability':2,'action':{'type':'locked'}}]}"),
                "INVALID_FAULT_PLAN", "rules[0].probability: ");
        assertRefused(put("{'rules':[{'route':'*','script':[1],'action':{'type':'status','status':418}}]}"),
                "INVALID_FAULT_PLAN", "rules[0].action.status: ");
        assertRefused(put("{'rules':[{'route':'*','script':[1],'action':{'type':'nap'}}]}"),
                "INVALID_FAULT_PLAN", "rules[0].action.type: ");
        assertRefused(put("{'rules':[{'route':'PATCH /file/{id}','script':[1],'action':{'type':'locked'}}]}"),
                "INVALID_FAULT_PLAN", "rules[0].route: no route named");
        assertRefused(put("{'rules':[{'route':'GET /admin/faults','script':[1],'action':{'type':'delay','ms':5}}]}"),
                "INVALID_FAULT_PLAN", "rules[0].route: admin routes are never faulted");
        assertRefused(put("{'rules':[{'route':'tus.head','script':[1],'action':{'type':'checksumMismatch'}}]}"),
                "INVALID_FAULT_PLAN", "rules[0].action: checksumMismatch cannot act on HEAD /files/{id}");
        assertRefused(put("{'rules':[{'route':'*','script':[1],'limit':1,'stationId':'s1','action':{'type':'reset'},"
                + "'extra':true}]}"), "INVALID_FAULT_PLAN", "rules[0].extra: unknown field");
        assertRefused(put("{'rules':[", "application/json"), "MALFORMED_FAULT_PLAN", "not valid JSON");
        assertRefused(put("", "application/json"), "MALFORMED_FAULT_PLAN", "the plan is empty");

        HttpResponse<String> wrongType = put("rules", "text/plain");
        assertEquals(415, wrongType.statusCode());
        String huge = "{\"rules\":[" + "{\"route\":\"*\",\"script\":[1],\"action\":{\"type\":\"locked\"}},".repeat(5000)
                + "]}";
        assertEquals(413, put(huge, "application/json").statusCode());

        assertEquals(0, JSON.readTree(tus.get("/admin/faults").body()).get("plan").get("rules").size(),
                "a refused plan leaves the current one in force");
        assertEquals(201, tus.create(1).statusCode());
    }

    @Test
    void theJournalNamesTheRuleAndAction() throws Exception {
        assertEquals(200, put("{'rules':[{'route':'*','script':[2],'action':{'type':'delay','ms':1}}]}").statusCode());
        tus.create(1);
        tus.create(1);
        String journal = tus.get("/admin/journal?limit=3").body();
        assertTrue(journal.contains("\"fault\":\"rule 0 (POST /files/ #2): delay ms=1\""), journal);
        assertEquals(1, journal.split("\"fault\"", -1).length - 1, "only the faulted request names a fault");
        assertTrue(new String(registry.faults().plan().toJson(), StandardCharsets.UTF_8).contains("\"seed\":\"99\""));
    }

    @Test
    void inTlsModeTheAdminGuardProtectsTheRoutesAndCertificatesNameStations(@TempDir Path tlsDir) throws Exception {
        try (MockRegistry tls = MockRegistry.start(TestRegistries.plain(tlsDir).tls(true).build())) {
            HttpClient client = TlsClients.httpClient(TlsClients.context(tls.keyring(), null));
            HttpRequest.Builder put = HttpRequest.newBuilder(tls.baseUri().resolve("/admin/faults"))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{}"));
            assertEquals(401, client.send(put.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(401, client.send(HttpRequest.newBuilder(tls.baseUri().resolve("/admin/faults")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            put = HttpRequest.newBuilder(tls.baseUri().resolve("/admin/faults"))
                    .header("Authorization", "Bearer " + tls.adminToken().orElseThrow())
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(Plans.json(
                            "{'rules':[{'route':'tus.create','probability':1,'stationId':'station-t',"
                                    + "'action':{'type':'refuseStation'}}]}")));
            assertEquals(200, client.send(put.build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            HttpClient station = TlsClients.httpClient(TlsClients.context(tls.keyring(),
                    TlsClients.station(tls.keyring(), "station-t")));
            HttpResponse<String> refused = station.send(HttpRequest.newBuilder(tls.baseUri().resolve("/files/"))
                    .header("Tus-Resumable", "1.0.0").header("Upload-Length", "1")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, refused.statusCode(), "the station named by its certificate is refused");
            assertEquals("STATION_REVOKED", JSON.readTree(refused.body()).get("reason").asText());
        }
    }
}
