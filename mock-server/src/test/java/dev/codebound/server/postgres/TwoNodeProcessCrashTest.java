package dev.codebound.server.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.MockRegistryMain;
import dev.codebound.server.RawHttp;
import dev.codebound.server.TusTestClient;
import dev.codebound.server.objects.FileObjectStore;
import dev.codebound.server.upload.TusService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two registry processes over one PostgreSQL database, one object directory and one keys directory:
 * a client sends half an upload to node A, A is killed with SIGKILL in the middle of the next chunk,
 * and the client resumes on node B from the last acknowledged byte, losing nothing. A restarted A
 * recovers without disturbing what B finished.
 */
class TwoNodeProcessCrashTest {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)/");
    private static final int CHUNK = 1 << 20;

    @TempDir
    Path directory;

    /** A running node process and the address it printed. */
    private record Node(Process process, URI base) {}

    private Node launch(String name, String databaseUrl) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                MockRegistryMain.class.getName(), "--plain", "--port", "0",
                "--data-dir", directory.resolve(name).toString(), "--keys", directory.resolve("keys").toString(),
                "--postgres-url", databaseUrl, "--postgres-user", POSTGRES.user(),
                "--objects", directory.resolve("objects").toString()))
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<URI> address = CompletableFuture.supplyAsync(() -> {
            List<String> seen = new ArrayList<>();
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    seen.add(line);
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        return URI.create(matcher.group(1));
                    }
                }
                throw new IllegalStateException("node exited before listening: " + String.join("\n", seen));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            URI base = address.get(60, TimeUnit.SECONDS);
            // Keep draining the output so the process never blocks on a full pipe.
            CompletableFuture.runAsync(() -> out.lines().forEach(line -> { }));
            return new Node(process, base);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    @Test
    void aNodeKilledMidUploadLosesNothingAndTheOtherNodeFinishesIt() throws Exception {
        String databaseUrl = POSTGRES.newDatabaseUrl();
        byte[] file = new byte[2 * CHUNK];
        new Random(11).nextBytes(file);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Node nodeA = launch("node-a", databaseUrl);
        Node nodeB = launch("node-b", databaseUrl);
        try {
            String location;
            try {
                TusTestClient onA = new TusTestClient(http, nodeA.base(), "station-k");
                location = onA.createPath(file.length);
                assertEquals(204, onA.patch(location, 0, Arrays.copyOfRange(file, 0, CHUNK)).statusCode());
                try (RawHttp raw = new RawHttp(nodeA.base().getPort())) {
                    raw.send("PATCH " + location + " HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                            "Codebound-Dev-Station: station-k", "Upload-Offset: " + CHUNK,
                            "Content-Type: application/offset+octet-stream", "Content-Length: " + CHUNK},
                            Arrays.copyOfRange(file, CHUNK, CHUNK + CHUNK / 2));
                    awaitSpooledBytes(directory.resolve("node-a").resolve("spool"));
                    nodeA.process().destroyForcibly();
                    assertTrue(nodeA.process().waitFor(10, TimeUnit.SECONDS));
                }
            } finally {
                nodeA.process().destroyForcibly();
            }

            TusTestClient onB = new TusTestClient(http, nodeB.base(), "station-k");
            assertEquals(Integer.toString(CHUNK),
                    onB.head(location).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow(),
                    "every acknowledged byte, and nothing of the chunk cut short");
            HttpResponse<String> done = untilUnlocked(() -> onB.patch(location, CHUNK,
                    Arrays.copyOfRange(file, CHUNK, 2 * CHUNK)));
            assertEquals(204, done.statusCode(), done.body());
            // 2 MiB of random bytes is no envelope: what matters is that node B decided on the whole upload.
            assertEquals("rejected", done.headers().firstValue(TusService.OUTCOME_HEADER).orElseThrow());
            String id = location.substring("/files/".length());
            try (InputStream stored = new FileObjectStore(directory.resolve("objects"))
                    .open("uploads/" + id + "/data")) {
                assertArrayEquals(file, stored.readAllBytes());
            }

            Node restartedA = launch("node-a", databaseUrl);
            try {
                HttpResponse<String> head = new TusTestClient(http, restartedA.base(), "station-k").head(location);
                assertEquals(Integer.toString(file.length), head.headers().firstValue(Tus.UPLOAD_OFFSET)
                        .orElseThrow(), "the restarted node's recovery left the finished upload alone");
            } finally {
                restartedA.process().destroyForcibly();
                restartedA.process().waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            nodeB.process().destroyForcibly();
            nodeB.process().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Waits until the node has spooled some of the chunk in flight, so that the kill lands mid-chunk. */
    private static void awaitSpooledBytes(Path spool) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(spool)) {
                try (Stream<Path> chunks = Files.list(spool)) {
                    if (chunks.anyMatch(chunk -> chunk.toFile().length() > 0)) {
                        return;
                    }
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the chunk in flight never reached node A's spool");
    }

    /** A request that another holder's lock answers 423 until the database has ended the dead node's session. */
    @FunctionalInterface
    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    private static HttpResponse<String> untilUnlocked(Request request) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> response = request.send();
        while (response.statusCode() == 423 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            response = request.send();
        }
        return response;
    }
}
