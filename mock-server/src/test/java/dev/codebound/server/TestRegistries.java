package dev.codebound.server;

import dev.codebound.server.upload.CompletionHandler;
import dev.codebound.server.upload.CompletionOutcome;
import dev.codebound.server.upload.UploadBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Test configurations: loopback, ephemeral port, small pools. The mock server's own tests start
 * {@link MockRegistry} with these directly: they cannot use the JUnit extension (registry-junit's
 * {@code CodeboundRegistry}), which depends on this module. Every other module's tests use the extension.
 */
public final class TestRegistries {
    /**
     * For tests of the tus transport alone, whose uploads are arbitrary bytes rather than sealed
     * envelopes: accepts every complete upload with a note naming its SHA-256. The registry's real
     * acceptance is exercised by the registry and end-to-end tests.
     */
    public static final CompletionHandler ACCEPT_ANY_BYTES = (upload, data) -> new CompletionOutcome.Accepted(
            ("{\"transportTest\":true,\"sha256\":\"" + sha256(data) + "\"}").getBytes(StandardCharsets.UTF_8));

    private TestRegistries() {}

    private static String sha256(UploadBytes data) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data.readAll()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Plain mode on 127.0.0.1, port 0, over {@code dataDir}. */
    public static MockRegistryConfig.Builder plain(Path dataDir) {
        return MockRegistryConfig.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .dataDir(dataDir)
                .tls(false)
                .storageThreads(2)
                .eventLoopThreads(1)
                .expiryCheckInterval(Duration.ofSeconds(30))
                .completionHandler(ACCEPT_ANY_BYTES);
    }

    public static MockRegistry startPlain(Path dataDir) throws IOException {
        return MockRegistry.start(plain(dataDir).build());
    }
}
