package dev.codebound.server.registry;

import dev.codebound.server.objects.ObjectStoreLocation;
import dev.codebound.server.objects.S3ProxyServer;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link TwoNodeAcceptanceTest}'s tests with the nodes' bytes in a bucket of a real S3-compatible
 * server (S3Proxy on loopback) instead of a directory: shared uploads as multipart objects, the
 * archive's adoption of an envelope by server-side copy, and envelopes read back, all through S3.
 */
class TwoNodeAcceptanceOverS3Test extends TwoNodeAcceptanceTest {
    @RegisterExtension
    static final S3ProxyServer S3 = S3ProxyServer.perClass();

    /** A bucket of the test's own, which both nodes name. */
    @Override
    ObjectStoreLocation objectStore(Path directory) throws Exception {
        return new ObjectStoreLocation.S3Bucket(S3.settings(S3.createBucket()));
    }
}
