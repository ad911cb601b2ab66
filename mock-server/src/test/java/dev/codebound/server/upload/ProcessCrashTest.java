package dev.codebound.server.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.MockRegistryMain;
import dev.codebound.server.RawHttp;
import dev.codebound.server.TusTestClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real thing: the server as its own JVM, killed with SIGKILL mid-upload, restarted, resumed. */
class ProcessCrashTest {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)/");
    private static final int CHUNK = 1 << 20;

    @TempDir
    Path dataDir;

    /** A running server process and the address it printed. */
    private record Server(Process process, URI base) {}

    private Server launch() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                MockRegistryMain.class.getName(), "--plain", "--port", "0", "--data-dir", dataDir.toString()))
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<URI> address = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        return URI.create(matcher.group(1));
                    }
                }
                throw new IllegalStateException("server exited before listening");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            URI base = address.get(30, TimeUnit.SECONDS);
            // Keep draining the output so the process never blocks on a full pipe.
            CompletableFuture.runAsync(() -> out.lines().forEach(line -> { }));
            return new Server(process, base);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    @Test
    void killedMidUploadAndRestartedTheUploadResumes() throws Exception {
        byte[] file = new byte[2 * CHUNK];
        new Random(7).nextBytes(file);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Server first = launch();
        String location;
        try {
            TusTestClient tus = new TusTestClient(http, first.base(), "station-k");
            location = tus.createPath(file.length);
            assertEquals(204, tus.patch(location, 0, Arrays.copyOfRange(file, 0, CHUNK)).statusCode());
            Path data = dataDir.resolve("uploads").resolve(location.substring("/files/".length()) + ".data");
            try (RawHttp raw = new RawHttp(first.base().getPort())) {
                raw.send("PATCH " + location + " HTTP/1.1", new String[] {"Tus-Resumable: 1.0.0",
                        "Codebound-Dev-Station: station-k", "Upload-Offset: " + CHUNK,
                        "Content-Type: application/offset+octet-stream", "Content-Length: " + CHUNK},
                        Arrays.copyOfRange(file, CHUNK, CHUNK + CHUNK / 2));
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (Files.size(data) <= CHUNK && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertTrue(Files.size(data) > CHUNK, "the unfinished chunk reached the data file");
                first.process().destroyForcibly();
                assertTrue(first.process().waitFor(10, TimeUnit.SECONDS));
            }
        } finally {
            first.process().destroyForcibly();
        }

        Server second = launch();
        try {
            TusTestClient tus = new TusTestClient(http, second.base(), "station-k");
            assertEquals(Long.toString(CHUNK), tus.head(location).headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
            var done = tus.patch(location, CHUNK, Arrays.copyOfRange(file, CHUNK, 2 * CHUNK));
            assertEquals(204, done.statusCode(), done.body());
            // 2 MiB is more than any envelope holding a photo within the specification, so the real
            // registry must refuse it: what matters here is that it decided on the complete upload after
            // the restart (and the bytes below show it intact).
            assertEquals("rejected", done.headers().firstValue(TusService.OUTCOME_HEADER).orElseThrow());
            assertTrue(tus.get(location + "/result").body().contains("\"reason\":\"ENVELOPE_TOO_LARGE\""));
            Path data = dataDir.resolve("uploads").resolve(location.substring("/files/".length()) + ".data");
            assertArrayEquals(file, Files.readAllBytes(data));
        } finally {
            second.process().destroyForcibly();
            second.process().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
