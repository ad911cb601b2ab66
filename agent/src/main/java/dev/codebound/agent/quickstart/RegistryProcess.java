package dev.codebound.agent.quickstart;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock registry as a separate process, the way an integrator runs it: started from its jar
 * with mutual TLS on an ephemeral loopback port, its output relayed with a prefix, and stopped with
 * SIGTERM so that it shuts down gracefully.
 */
public final class RegistryProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (https?://\\S+?)/?$");
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final URI baseUri;
    private final Path dataDir;

    private RegistryProcess(Process process, URI baseUri, Path dataDir) {
        this.process = process;
        this.baseUri = baseUri;
        this.dataDir = dataDir;
    }

    /**
     * Starts {@code java -jar serverJar --port 0 --data-dir dataDir} and waits until it prints the
     * address it listens on.
     *
     * @throws IOException when the jar is missing, the process exits early, or it does not come up in time
     */
    public static RegistryProcess start(Path serverJar, Path dataDir, PrintWriter out) throws IOException {
        if (!Files.isRegularFile(serverJar)) {
            throw new IOException("the mock registry jar " + serverJar.toAbsolutePath() + " does not exist; build it with "
                    + "'mvn -q -DskipTests package' from the project root, or pass --server-jar");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-jar", serverJar.toString(), "--port", "0",
                "--bind", "127.0.0.1", "--data-dir", dataDir.toString()))
                .redirectErrorStream(true)
                .start();
        CompletableFuture<URI> listening = new CompletableFuture<>();
        Thread relay = new Thread(() -> relay(process, out, listening), "registry-output");
        relay.setDaemon(true);
        relay.start();
        try {
            return new RegistryProcess(process, listening.get(STARTUP.toSeconds(), TimeUnit.SECONDS), dataDir);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the mock registry was starting", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("the mock registry did not start: " + (e.getCause() == null ? "no address printed within "
                    + STARTUP.toSeconds() + " s" : e.getCause().getMessage()), e);
        }
    }

    private static void relay(Process process, PrintWriter out, CompletableFuture<URI> listening) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                out.println("  [registry] " + line);
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    listening.complete(URI.create(matcher.group(1)));
                }
            }
            listening.completeExceptionally(new IOException("the mock registry exited with code "
                    + process.waitFor() + " before it was listening"));
        } catch (IOException e) {
            listening.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listening.completeExceptionally(e);
        }
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
    public String adminToken() throws IOException {
        return Files.readString(dataDir.resolve("admin-token"), StandardCharsets.US_ASCII).strip();
    }

    /** Stops the server gracefully (SIGTERM runs its shutdown hook), forcibly after 15 seconds. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
