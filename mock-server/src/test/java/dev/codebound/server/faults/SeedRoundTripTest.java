package dev.codebound.server.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TusTestClient;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay recipe of docs/registry-api.md, exactly: {@code curl .../admin/faults | jq .plan > replay.json},
 * then the saved plan is put back ({@code PUT /admin/faults}) or started with ({@code --faults}), and
 * the same client behaviour meets the same faults. jq 1.6 holds numbers as doubles, so the round
 * trip here does too: a 64-bit seed served as a number would come back rounded.
 */
class SeedRoundTripTest {
    /** An odd seed above 2^53: a double cannot hold it (it becomes 8765432109876543000). */
    private static final long SEED = 8765432109876543211L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FaultPlan FLAKY_PATCH = Plans.rule("tus.patch", "'probability':0.4",
            "{'type':'status','status':503}");

    @TempDir
    Path dir;

    @Test
    void theServedPlanSurvivesJqAndReplaysTheSameSchedule() throws Exception {
        List<Integer> original;
        byte[] replay;
        try (MockRegistry registry = MockRegistry.start(
                TestRegistries.plain(dir.resolve("a")).seed(SEED).faultPlan(FLAKY_PATCH).build())) {
            TusTestClient tus = TusTestClient.plain(registry, "station-q");
            original = patches(tus);
            replay = jqPlan(tus.get("/admin/faults").body());

            HttpResponse<String> put = put(tus, replay);
            assertEquals(200, put.statusCode(), "PUT takes the served plan unchanged: " + put.body());
            assertEquals(Long.toString(SEED), JSON.readTree(put.body()).get("seed").textValue());
            assertEquals(original, patches(tus), "the plan put back (counting restarted) replays the schedule");
        }
        try (MockRegistry other = MockRegistry.start(TestRegistries.plain(dir.resolve("b")).seed(1L)
                .faultPlan(FaultPlan.fromJson(replay)).build())) {
            assertEquals(SEED, other.faults().seed());
            assertEquals(original, patches(TusTestClient.plain(other, "station-q")),
                    "a second registry started with the saved plan (--faults) replays the schedule");
        }
        assertTrue(original.contains(503) && original.contains(204), "the schedule has faults to replay: " + original);
    }

    /** The bug this guards against: the seed served as a number comes back rounded, and is refused rather than run. */
    @Test
    void aSeedRoundedByJqIsRefusedNotSilentlyReplaced() throws Exception {
        try (MockRegistry registry = MockRegistry.start(
                TestRegistries.plain(dir.resolve("c")).seed(SEED).faultPlan(FLAKY_PATCH).build())) {
            TusTestClient tus = TusTestClient.plain(registry, "station-q");
            ObjectNode state = (ObjectNode) JSON.readTree(tus.get("/admin/faults").body());
            ((ObjectNode) state.get("plan")).put("seed", SEED);
            byte[] rounded = jqPlan(JSON.writeValueAsString(state));
            assertTrue(new String(rounded, StandardCharsets.UTF_8)
                    .contains("\"seed\":8765432109876543000"), () -> "jq 1.6 prints this; the emulation printed "
                    + new String(rounded, StandardCharsets.UTF_8));

            HttpResponse<String> put = put(tus, rounded);
            assertEquals(400, put.statusCode(), put.body());
            JsonNode problem = JSON.readTree(put.body());
            assertEquals("INVALID_FAULT_PLAN", problem.get("reason").asText());
            assertTrue(problem.get("detail").asText().startsWith("seed: 8765432109876543000 is a number beyond 2^53"),
                    problem.get("detail").asText());
            assertEquals(SEED, registry.faults().seed(), "the plan in force stays");
        }
    }

    private static HttpResponse<String> put(TusTestClient tus, byte[] plan) throws Exception {
        return tus.send(tus.request("/admin/faults", "Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(plan)).build());
    }

    /** 30 one-byte PATCHes, resent after a fault as a client would; each attempt's status. */
    private static List<Integer> patches(TusTestClient tus) throws Exception {
        String location = tus.createPath(100);
        List<Integer> statuses = new ArrayList<>();
        long offset = 0;
        for (int attempt = 0; attempt < 30; attempt++) {
            HttpResponse<String> patch = tus.patch(location, offset, new byte[] {(byte) attempt});
            statuses.add(patch.statusCode());
            if (patch.statusCode() == 204) {
                offset = Long.parseLong(patch.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
            }
        }
        return statuses;
    }

    /** {@code jq -c .plan} as jq 1.6 does it: every number read as a double, integral ones printed without a fraction. */
    private static byte[] jqPlan(String state) throws Exception {
        return JSON.writeValueAsBytes(throughDoubles(JSON.readTree(state).get("plan")));
    }

    /** The fewest significant digits that read back as {@code value}: how jq 1.6 prints a double. */
    private static BigDecimal shortest(double value) {
        BigDecimal exact = new BigDecimal(value);
        for (int digits = 1; digits < 17; digits++) {
            BigDecimal candidate = exact.round(new MathContext(digits));
            if (candidate.doubleValue() == value) {
                return candidate;
            }
        }
        return exact.round(new MathContext(17));
    }

    private static JsonNode throughDoubles(JsonNode node) {
        if (node.isNumber()) {
            double value = node.doubleValue();
            return value == Math.rint(value) && !Double.isInfinite(value)
                    ? BigIntegerNode.valueOf(shortest(value).toBigIntegerExact())
                    : DoubleNode.valueOf(value);
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(element -> copy.add(throughDoubles(element)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                copy.set(field.getKey(), throughDoubles(field.getValue()));
            }
            return copy;
        }
        return node;
    }
}
