package dev.codebound.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.codebound.server.http.Access;
import dev.codebound.server.http.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/openapi.yaml describes exactly the routes the server serves: every route registered is an
 * operation in the file, every operation in the file is a registered route, and each operation's
 * {@code security} says who the server lets call it. Integrators generate clients from the file, so
 * a route missing from it is unusable and an operation the server lacks is a 404 in their code.
 */
class OpenApiRoutesTest {
    private static final Path OPENAPI = Path.of("..", "docs", "openapi.yaml");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    /** "METHOD /template" of every route served, with who may call it. */
    private static Map<String, Access> served;
    /** "METHOD /template" of every operation in the file, with its security requirement. */
    private static Map<String, JsonNode> described;

    @BeforeAll
    static void readBoth(@TempDir Path dataDir) throws Exception {
        served = new TreeMap<>();
        try (MockRegistry registry = TestRegistries.startPlain(dataDir)) {
            for (Route route : registry.routes()) {
                served.put(route.name(), route.access());
            }
        }
        assertTrue(Files.isRegularFile(OPENAPI), "run from the mock-server module: " + OPENAPI.toAbsolutePath());
        JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(OPENAPI.toFile());
        described = new TreeMap<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> item : path.getValue().properties()) {
                if (METHODS.contains(item.getKey())) {
                    described.put(item.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), item.getValue());
                }
            }
        }
    }

    @Test
    void everyServedRouteIsDescribed() {
        Set<String> missing = new TreeSet<>(served.keySet());
        missing.removeAll(described.keySet());
        assertTrue(missing.isEmpty(), "served but not in docs/openapi.yaml: " + missing);
    }

    @Test
    void everyDescribedOperationIsServed() {
        Set<String> phantom = new TreeSet<>(described.keySet());
        phantom.removeAll(served.keySet());
        assertTrue(phantom.isEmpty(), "in docs/openapi.yaml but not served: " + phantom);
    }

    @Test
    void everyOperationHasAnIdAndTheSecurityTheServerEnforces() {
        Set<String> ids = new TreeSet<>();
        served.forEach((name, access) -> {
            JsonNode operation = described.get(name);
            if (operation == null) {
                return;
            }
            String id = operation.path("operationId").asText("");
            assertFalse(id.isEmpty(), name + " has no operationId");
            assertTrue(ids.add(id), "operationId " + id + " is used twice");
            assertEquals(expectedSchemes(access), schemes(operation.path("security")), name + " is " + access);
        });
    }

    private static Set<String> expectedSchemes(Access access) {
        return switch (access) {
            case PUBLIC -> Set.of();
            case STATION -> Set.of("stationCertificate", "devStation");
            case ADMIN -> Set.of("adminToken", "adminSession");
        };
    }

    /** The scheme names an operation's security alternatives use; a missing {@code security} fails. */
    private static Set<String> schemes(JsonNode security) {
        assertTrue(security.isArray(), "every operation states its security (public ones: security: [])");
        Set<String> names = new TreeSet<>();
        for (JsonNode alternative : security) {
            alternative.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }
}
