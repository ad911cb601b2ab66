package dev.codebound.server.registry;

import dev.codebound.server.objects.ObjectStoreLocation;
import dev.codebound.server.objects.S3ProxyServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link TwoNodeAcceptanceTest}'s tests with the nodes' bytes in a bucket of a real S3-compatible
 * server (S3Proxy on loopback) instead of a directory: shared uploads as multipart objects, the
 * archive's adoption of an envelope by server-side copy, and envelopes read back, all through S3.
 */
class TwoNodeAcceptanceOverS3Test extends TwoNodeAcceptanceTest {
    private static S3ProxyServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    /** A bucket of the test's own, which both nodes name. */
    @Override
    ObjectStoreLocation objectStore(Path directory) throws Exception {
        return new ObjectStoreLocation.S3Bucket(server.settings(server.createBucket()));
    }
}
