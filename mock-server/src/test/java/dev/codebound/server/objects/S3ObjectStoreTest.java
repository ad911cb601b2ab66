package dev.codebound.server.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link ObjectStore} contract held by {@link S3ObjectStore} against S3Proxy on loopback. */
class S3ObjectStoreTest extends ObjectStoreContractTest {
    private static S3ProxyServer server;

    @TempDir
    Path spool;
    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    /** Each test has a bucket of its own, made when its first store is. */
    @Override
    protected ObjectStore newStore() throws Exception {
        if (bucket == null) {
            bucket = server.createBucket();
        }
        return S3ObjectStore.open(server.settings(bucket), spool);
    }

    @Test
    void theMinimumPartSizeIsS3s() {
        assertEquals(5L << 20, store.minimumPartSize());
    }
}
