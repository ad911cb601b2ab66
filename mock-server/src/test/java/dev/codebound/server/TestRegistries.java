package dev.codebound.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Test configurations: loopback, ephemeral port, small pools. */
public final class TestRegistries {
    private TestRegistries() {}

    /** Plain mode on 127.0.0.1, port 0, over {@code dataDir}. */
    public static MockRegistryConfig.Builder plain(Path dataDir) {
        return MockRegistryConfig.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .dataDir(dataDir)
                .tls(false)
                .storageThreads(2)
                .eventLoopThreads(1)
                .expiryCheckInterval(Duration.ofSeconds(30));
    }

    public static MockRegistry startPlain(Path dataDir) throws IOException {
        return MockRegistry.start(plain(dataDir).build());
    }
}
