package dev.codebound.bench.sidebyside;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock registry from its shaded jar, a process of its own as an integrator runs it (mutual TLS on an
 * ephemeral loopback port), with its output kept in a log file and its PID known, so that its CPU, peak RSS
 * and fsyncs can be read from outside.
 */
public final class RegistryServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (https?://\\S+?)/?$");

    private final Process process;
    private final URI baseUri;
    private final Path dataDir;

    private RegistryServer(Process process, URI baseUri, Path dataDir) {
        this.process = process;
        this.baseUri = baseUri;
        this.dataDir = dataDir;
    }

    /** Starts {@code java -jar serverJar --port 0 --bind 127.0.0.1 --data-dir dataDir}; output goes to {@code log}. */
    public static RegistryServer start(Path serverJar, Path dataDir, Path log) throws IOException, InterruptedException {
        return start(List.of(), serverJar, dataDir, log);
    }

    /** As {@link #start(Path, Path, Path)}, with {@code javaOptions} (say {@code -XX:+UseSerialGC}) before {@code -jar}. */
    public static RegistryServer start(List<String> javaOptions, Path serverJar, Path dataDir, Path log)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", serverJar.toString(), "--port", "0", "--bind", "127.0.0.1", "--data-dir",
                dataDir.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<URI> listening = new CompletableFuture<>();
        Thread relay = new Thread(() -> relay(process, log, listening), "registry-output");
        relay.setDaemon(true);
        relay.start();
        try {
            return new RegistryServer(process, listening.get(120, TimeUnit.SECONDS), dataDir);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("the mock registry did not start (see " + log + "): " + (e.getCause() == null
                    ? "no 'listening on' line within 120 s" : e.getCause().getMessage()), e);
        }
    }

    private static void relay(Process process, Path log, CompletableFuture<URI> listening) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            for (String line; (line = lines.readLine()) != null; ) {
                out.println(line);
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    listening.complete(URI.create(matcher.group(1)));
                }
            }
            listening.completeExceptionally(new IOException("it exited with code " + process.waitFor()));
        } catch (IOException e) {
            listening.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listening.completeExceptionally(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** {@code https://127.0.0.1:<port>}. */
    public URI baseUri() {
        return baseUri;
    }

    /** The registry CA certificate the server created in its data directory. */
    public Path caCertificate() {
        return dataDir.resolve("keys").resolve("registry-ca.cert.pem");
    }

    /** The administrator's bearer token the server wrote on first start. */
    String adminToken() throws IOException {
        return Files.readString(dataDir.resolve("admin-token"), StandardCharsets.US_ASCII).strip();
    }

    /** Stops the server with SIGTERM (its shutdown hook runs), forcibly after 30 seconds. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
