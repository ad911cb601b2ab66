package dev.codebound.server.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TusTestClient;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripted ordinals, limits and reproducibility: the same seed, plan and client behaviour give the
 * same faults on fresh servers, whatever else happens on other routes; another seed gives others.
 */
class DeterminismTest {
    private static final FaultPlan FLAKY_PATCH = Plans.rule("tus.patch", "'probability':0.3",
            "{'type':'status','status':503,'retryAfterSeconds':1}");

    @TempDir
    Path dir;

    private MockRegistry start(String name, Long seed, FaultPlan plan) throws Exception {
        return MockRegistry.start(TestRegistries.plain(dir.resolve(name)).seed(seed).faultPlan(plan).build());
    }

    /**
     * 50 one-byte PATCH attempts, resending after a fault as a client would; with {@code noise},
     * a HEAD and an OPTIONS between attempts. Returns each attempt's status.
     */
    private static List<Integer> run(MockRegistry registry, boolean noise) throws Exception {
        TusTestClient tus = TusTestClient.plain(registry, "station-d");
        String location = tus.createPath(100);
        List<Integer> statuses = new ArrayList<>();
        long offset = 0;
        for (int attempt = 0; attempt < 50; attempt++) {
            if (noise) {
                assertEquals(200, tus.head(location).statusCode());
                tus.send(tus.request("/files/").method("OPTIONS",
                        java.net.http.HttpRequest.BodyPublishers.noBody()).build());
            }
            HttpResponse<String> patch = tus.patch(location, offset, new byte[] {(byte) attempt});
            statuses.add(patch.statusCode());
            if (patch.statusCode() == 204) {
                offset = Long.parseLong(patch.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
            }
        }
        return statuses;
    }

    @Test
    void sameSeedSameFaultsOtherSeedOtherFaults() throws Exception {
        List<Integer> first;
        List<Integer> second;
        List<Integer> other;
        try (MockRegistry registry = start("a", 1234L, FLAKY_PATCH)) {
            first = run(registry, false);
        }
        try (MockRegistry registry = start("b", 1234L, FLAKY_PATCH)) {
            second = run(registry, true);
        }
        try (MockRegistry registry = start("c", 4321L, FLAKY_PATCH)) {
            other = run(registry, false);
        }
        assertEquals(first, second, "same seed and plan: the same faults, other routes' traffic notwithstanding");
        assertNotEquals(first, other, "another seed: other faults");
        long faults = first.stream().filter(status -> status == 503).count();
        assertTrue(faults >= 5 && faults <= 28, "about 30% of 50 requests fail: " + faults);
        assertTrue(first.stream().allMatch(status -> status == 204 || status == 503), first.toString());
    }

    @Test
    void aSeedInThePlanOverridesTheServersAndIsServed() throws Exception {
        List<Integer> viaServer;
        List<Integer> viaPlan;
        try (MockRegistry registry = start("a", 1234L, FLAKY_PATCH)) {
            viaServer = run(registry, false);
        }
        try (MockRegistry registry = start("b", 99L, FLAKY_PATCH.withSeed(1234L))) {
            assertEquals(1234L, registry.faults().seed());
            viaPlan = run(registry, false);
        }
        assertEquals(viaServer, viaPlan);
    }

    @Test
    void withoutASeedTheServerDrawsOneAndReportsIt() throws Exception {
        List<Integer> drawn;
        FaultPlan used;
        try (MockRegistry registry = start("a", null, FLAKY_PATCH)) {
            drawn = run(registry, false);
            used = registry.faults().plan();
        }
        try (MockRegistry registry = start("b", null, used)) {
            assertEquals(drawn, run(registry, false), "the served plan (with its seed) reproduces the run");
        }
    }

    @Test
    void scriptFiresExactlyOnTheThirdPatchAndLimitCaps() throws Exception {
        FaultPlan plan = Plans.of("{'rules':["
                + "{'route':'PATCH /files/{id}','script':[3],'action':{'type':'status','status':500}},"
                + "{'route':'tus.head','probability':1,'limit':2,'action':{'type':'status','status':502}}]}");
        try (MockRegistry registry = start("a", 1L, plan)) {
            TusTestClient tus = TusTestClient.plain(registry, "station-s");
            String location = tus.createPath(10);
            List<Integer> patches = new ArrayList<>();
            List<Integer> heads = new ArrayList<>();
            long offset = 0;
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> patch = tus.patch(location, offset, new byte[] {1});
                patches.add(patch.statusCode());
                if (patch.statusCode() == 204) {
                    offset++;
                }
                heads.add(tus.head(location).statusCode());
            }
            assertEquals(List.of(204, 204, 500, 204, 204), patches);
            assertEquals(List.of(502, 502, 200, 200, 200), heads);
            assertEquals(4, offset);
        }
    }

    /** The draw is the documented SHA-256 formula, so anyone can recompute a schedule offline. */
    @Test
    void theDrawIsTheDocumentedFormula() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] route = "PATCH /files/{id}".getBytes(StandardCharsets.UTF_8);
        out.write("codebound-fault-v1".getBytes(StandardCharsets.US_ASCII));
        out.writeLong(1234L);
        out.writeInt(0);
        out.writeInt(route.length);
        out.write(route);
        out.writeLong(3L);
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
        double expected = (ByteBuffer.wrap(hash).getLong() >>> 11) / (double) (1L << 53);
        assertEquals(expected, FaultDraw.uniform(1234L, 0, "PATCH /files/{id}", 3L));
        assertNotEquals(FaultDraw.uniform(1234L, 0, "PATCH /files/{id}", 3L),
                FaultDraw.uniform(1234L, 1, "PATCH /files/{id}", 3L));
    }
}
