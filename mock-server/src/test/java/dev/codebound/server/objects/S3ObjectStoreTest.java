package dev.codebound.server.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The {@link ObjectStore} contract held by {@link S3ObjectStore} against S3Proxy on loopback. */
class S3ObjectStoreTest extends ObjectStoreContractTest {
    @RegisterExtension
    static final S3ProxyServer S3 = S3ProxyServer.perClass();

    @TempDir
    Path spool;
    private String bucket;

    /** Each test has a bucket of its own, made when its first store is. */
    @Override
    protected ObjectStore newStore() throws Exception {
        if (bucket == null) {
            bucket = S3.createBucket();
        }
        return S3ObjectStore.open(S3.settings(bucket), spool);
    }

    @Test
    void theMinimumPartSizeIsS3s() {
        assertEquals(5L << 20, store.minimumPartSize());
    }
}
