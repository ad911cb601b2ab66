package dev.codebound.agent.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.upload.MutualTls;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.server.MockRegistryMain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The mock registry as a separate JVM over a fixed data directory and a fixed loopback port (chosen
 * once, so that the station's {@code registry.url} stays valid across restarts), with mutual TLS,
 * and an admin client that uses the bearer token the server writes into its data directory.
 */
final class ServerUnderTest implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final String LISTENING = "Codebound mock registry listening on ";

    private final Path dataDir;
    private final Path logs;
    private final int port;
    private volatile Process process;
    private int starts;
    private OkHttpClient admin;

    private ServerUnderTest(Path dataDir, Path logs, int port) {
        this.dataDir = dataDir;
        this.logs = logs;
        this.port = port;
    }

    /** A server on a free loopback port, not started yet. */
    static ServerUnderTest on(Path dataDir, Path logs) throws IOException {
        Files.createDirectories(logs);
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new ServerUnderTest(dataDir, logs, probe.getLocalPort());
        }
    }

    String url() {
        return "https://127.0.0.1:" + port;
    }

    Path dataDir() {
        return dataDir;
    }

    Path caFile() {
        return dataDir.resolve("keys").resolve("registry-ca.cert.pem");
    }

    /** How many times the server process was started. */
    int starts() {
        return starts;
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** The current process (possibly dead), or {@code null} before the first start. */
    Process process() {
        return process;
    }

    /**
     * Starts the server and waits for its listening line. The port of a killed server is free again
     * at once (the JDK binds with SO_REUSEADDR), but a start that finds it taken is retried.
     */
    synchronized void start() throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 8; attempt++) {
            starts++;
            Path log = logs.resolve(String.format("server-%03d.log", starts));
            List<String> command = new ArrayList<>(JavaChild.command(MockRegistryMain.class.getName(), "256m"));
            command.addAll(List.of("--tls", "--bind", "127.0.0.1", "--port", Integer.toString(port), "--data-dir",
                    dataDir.toString(), "--seed", "1"));
            Process started = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                String text = Files.readString(log, StandardCharsets.UTF_8);
                if (text.contains(LISTENING)) {
                    process = started;
                    return;
                }
                if (!started.isAlive()) {
                    last = new IOException("the registry exited with " + started.exitValue() + " before listening: "
                            + text);
                    break;
                }
                Thread.sleep(20);
            }
            if (started.isAlive()) {
                started.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                throw new IOException("the registry did not listen within two minutes; see " + log);
            }
            Thread.sleep(250);
        }
        throw last;
    }

    /** SIGKILL, and wait until the process is gone. */
    synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    @Override
    public synchronized void close() throws InterruptedException {
        kill();
    }

    /** POST an admin request; {@code expected} is the status that counts as success. */
    JsonNode adminPost(String path, JsonNode body, int expected) throws IOException {
        Request request = new Request.Builder().url(url() + path).header("Authorization", "Bearer " + adminToken())
                .post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE)).build();
        return call(request, expected);
    }

    /** GET an admin or public JSON resource. */
    JsonNode get(String path) throws IOException {
        Request request = new Request.Builder().url(url() + path).header("Authorization", "Bearer " + adminToken())
                .get().build();
        return call(request, 200);
    }

    /** GET a text resource (the log checkpoint, metrics). */
    String getText(String path) throws IOException {
        Request request = new Request.Builder().url(url() + path).header("Authorization", "Bearer " + adminToken())
                .get().build();
        try (Response response = client().newCall(request).execute()) {
            String text = response.body().string();
            if (response.code() != 200) {
                throw new IOException(path + " answered " + response.code() + ": " + text);
            }
            return text;
        }
    }

    private JsonNode call(Request request, int expected) throws IOException {
        try (Response response = client().newCall(request).execute()) {
            String text = response.body().string();
            if (response.code() != expected) {
                throw new IOException(request.method() + " " + request.url().encodedPath() + " answered "
                        + response.code() + ": " + text);
            }
            return JSON.readTree(text);
        }
    }

    private String adminToken() throws IOException {
        return Files.readString(dataDir.resolve("admin-token"), StandardCharsets.UTF_8).strip();
    }

    private synchronized OkHttpClient client() throws IOException {
        if (admin == null) {
            admin = MutualTls.serverAuthenticated(PemFiles.readCertificates(caFile()).get(0))
                    .callTimeout(Duration.ofSeconds(60)).build();
        }
        return admin;
    }
}
