package dev.codebound.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.http.StationAuthenticator;
import dev.codebound.server.objects.ObjectStoreLocation;
import dev.codebound.server.postgres.DatabasePools;
import dev.codebound.server.postgres.PostgresServer;
import dev.codebound.server.postgres.SharedStorageSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two registry nodes in one process over one PostgreSQL database, one object directory and one keys
 * directory: they are one registry (same CA, same trust bundle, revocations published by either,
 * one quota of unfinished uploads per station), and a node started with other keys is refused.
 */
class SharedNodesTest {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    @TempDir
    Path directory;

    private SharedStorageSettings shared;

    @BeforeEach
    void database() throws Exception {
        shared = new SharedStorageSettings(POSTGRES.newDatabaseUrl(), POSTGRES.user(), null,
                new ObjectStoreLocation.Directory(directory.resolve("objects")), Duration.ofMillis(100));
    }

    private MockRegistry node(String name, Path keys) throws IOException {
        return MockRegistry.start(TestRegistries.plain(directory.resolve(name)).keysDir(keys).sharedStorage(shared)
                .build());
    }

    private static byte[] trustBundle(MockRegistry node) throws Exception {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                node.baseUri().resolve("/registry/v1/trust-bundle")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    @Test
    void twoNodesOverTheSharedStoresAreOneRegistry() throws Exception {
        Path keys = directory.resolve("keys");
        try (MockRegistry first = node("node-a", keys); MockRegistry second = node("node-b", keys)) {
            assertEquals(first.keyring().authority().certificate(), second.keyring().authority().certificate());
            assertArrayEquals(trustBundle(first), trustBundle(second), "one signed bundle, whichever node serves it");

            IssuedCode code = first.registry().codes().issueBatch(
                    "student_number,name,id_number,school_code,cohort\n1,张三,11010519491231002X,10337,2027\n").get(0);
            second.registry().codes().revoke(code.codeId());
            byte[] afterRevocation = trustBundle(second);
            TrustBundle bundle = TrustBundleCodec.verify(afterRevocation, first.keyring().authority().certificate(),
                    "node b");
            assertEquals(2, bundle.sequence());
            assertTrue(bundle.isCodeRevoked(code.codeId()));
            // The other node takes it up within about its refresh interval, and never publishes one of its own.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            byte[] servedByFirst = trustBundle(first);
            while (!Arrays.equals(afterRevocation, servedByFirst) && System.nanoTime() < deadline) {
                assertEquals(1, TrustBundleCodec.verify(servedByFirst, first.keyring().authority().certificate(),
                        "node a").sequence(), "until it has taken bundle 2 up, node a serves bundle 1");
                Thread.sleep(50);
                servedByFirst = trustBundle(first);
            }
            assertArrayEquals(afterRevocation, servedByFirst,
                    "the other node serves the bundle the revoking node published, not one of its own");
        }
    }

    @Test
    void aNodeStartedWithOtherKeysIsRefused() throws Exception {
        try (MockRegistry first = node("node-a", directory.resolve("keys"))) {
            IOException refused = assertThrows(IOException.class, () -> node("node-b", directory.resolve("other")));
            assertTrue(refused.getMessage().contains("--keys"), refused.getMessage());
        }
    }

    @Test
    void whenEveryLockSessionIsTakenAPatchIsAnsweredBusyWithRetryAfterAndNotHeld() throws Exception {
        SharedStorageSettings oneLockSession = new SharedStorageSettings(shared.jdbcUrl(), shared.user(), null,
                shared.objects(), shared.refreshInterval(), new DatabasePools(2, 1, Duration.ofSeconds(1)));
        try (MockRegistry node = MockRegistry.start(TestRegistries.plain(directory.resolve("node-a"))
                .keysDir(directory.resolve("keys")).sharedStorage(oneLockSession).build())) {
            TusTestClient tus = TusTestClient.plain(node, "station-a");
            String slow = tus.createPath(10);
            byte[] body = "0123456789".getBytes(StandardCharsets.US_ASCII);
            String waiting = null;
            HttpResponse<String> busy = null;
            for (int attempt = 0; attempt < 50 && (busy == null || busy.statusCode() != 503); attempt++) {
                // A fresh upload each time: a try whose chunk went through has completed its upload.
                waiting = createWhenALockSessionIsFree(tus);
                try (RawHttp raw = new RawHttp(node.port())) {
                    // A chunk still arriving holds its upload's lock, on the node's only lock session (unless an
                    // earlier request's lock is still being released: then this try's chunk is the one refused).
                    raw.send("PATCH " + slow + " HTTP/1.1", new String[] {Tus.TUS_RESUMABLE + ": " + Tus.VERSION,
                            StationAuthenticator.DEV_STATION_HEADER + ": station-a", Tus.UPLOAD_OFFSET + ": 0",
                            "Content-Type: " + Tus.OFFSET_CONTENT_TYPE, "Content-Length: 10"},
                            Arrays.copyOf(body, 1));
                    Thread.sleep(20);
                    busy = tus.patch(waiting, 0, body);
                }
            }
            assertEquals(503, busy.statusCode(), busy.body());
            assertTrue(busy.body().contains("STORAGE_BUSY"), busy.body());
            assertEquals("2", busy.headers().firstValue("Retry-After").orElseThrow());
            assertEquals("0", tus.head(waiting).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow(),
                    "nothing of the refused chunk was stored");
            HttpResponse<String> retried = tus.patch(waiting, 0, body);
            for (int attempt = 0; retried.statusCode() != 204 && attempt < 100; attempt++) {
                // The broken request's lock is released on a storage thread, then its session is free again.
                Thread.sleep(20);
                retried = tus.patch(waiting, 0, body);
            }
            assertEquals(204, retried.statusCode(), retried.body());
        }
    }

    /** Creates an upload, retrying while the node's only lock session is still held by a request just ended. */
    private static String createWhenALockSessionIsFree(TusTestClient tus) throws Exception {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> created = tus.create(10);
            if (created.statusCode() != 503 || attempt == 100) {
                assertEquals(201, created.statusCode(), created.body());
                return created.headers().firstValue("Location").orElseThrow();
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aStationsQuotaOfUnfinishedUploadsIsOneQuotaAcrossTheNodes() throws Exception {
        Path keys = directory.resolve("keys");
        try (MockRegistry first = MockRegistry.start(TestRegistries.plain(directory.resolve("node-a")).keysDir(keys)
                .sharedStorage(shared).maxUnfinishedUploadsPerStation(3).build());
                MockRegistry second = MockRegistry.start(TestRegistries.plain(directory.resolve("node-b"))
                        .keysDir(keys).sharedStorage(shared).maxUnfinishedUploadsPerStation(3).build())) {
            TusTestClient onFirst = TusTestClient.plain(first, "station-a");
            TusTestClient onSecond = TusTestClient.plain(second, "station-a");
            // The attack: more creations than the quota, spread over both nodes and sent at once.
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<HttpResponse<String>>> creations = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    TusTestClient node = i % 2 == 0 ? onFirst : onSecond;
                    creations.add(clients.submit(() -> node.create(10)));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<HttpResponse<String>> creation : creations) {
                    statuses.add(creation.get().statusCode());
                }
                assertEquals(3, statuses.stream().filter(status -> status == 201).count(), statuses.toString());
                assertEquals(5, statuses.stream().filter(status -> status == 429).count(), statuses.toString());
            } finally {
                clients.shutdown();
            }
            HttpResponse<String> refused = onSecond.create(10);
            assertEquals(429, refused.statusCode());
            assertTrue(refused.body().contains("UNFINISHED_UPLOAD_QUOTA"), refused.body());
            assertEquals(201, TusTestClient.plain(second, "station-b").create(10).statusCode(),
                    "another station's quota is its own");

            String created = creations.stream().map(creation -> {
                try {
                    return creation.get();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).filter(response -> response.statusCode() == 201).findFirst().orElseThrow()
                    .headers().firstValue("Location").orElseThrow();
            // Terminated through one node, its place is free on the other at once.
            assertEquals(204, onFirst.delete(created).statusCode());
            assertEquals(201, onSecond.create(10).statusCode());
            assertEquals(429, onFirst.create(10).statusCode());
        }
    }
}
