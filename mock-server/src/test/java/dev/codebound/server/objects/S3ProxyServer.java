package dev.codebound.server.objects;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real S3-compatible server for tests: S3Proxy over jclouds' in-memory ("transient") store on
 * 127.0.0.1 and an ephemeral port, with AWS signature authentication on and a secret drawn for the
 * run. It can be stopped and started again on the same port over the same store, to play a service
 * that goes away in the middle of a call and comes back.
 *
 * <p>A test class gets one for all its tests as a JUnit extension, started before the first and
 * closed after the last:
 * <pre>{@code @RegisterExtension static final S3ProxyServer S3 = S3ProxyServer.perClass();}</pre>
 */
public final class S3ProxyServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    /** Kept referenced: java.util.logging forgets the level of a logger nobody holds. */
    private static final List<Logger> QUIETED = new ArrayList<>();

    static {
        // S3Proxy, Jetty and jclouds log every request at INFO; the tests' output is for the tests.
        for (String name : List.of("org.gaul", "org.eclipse.jetty", "org.jclouds", "jclouds")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.WARNING);
            QUIETED.add(logger);
        }
    }

    private final String accessKey = "test-" + UUID.randomUUID().toString().substring(0, 8);
    private final String secretKey = UUID.randomUUID().toString();
    private final BlobStoreContext context;
    private S3Proxy proxy;
    private int port;

    private S3ProxyServer() {
        // By its metadata, not its name: a lookup by name loads every provider S3Proxy declares, Azure's too,
        // whose libraries the build leaves out.
        context = ContextBuilder.newBuilder(new TransientApiMetadata()).credentials("unused", "unused")
                .build(BlobStoreContext.class);
    }

    /** A server that starts, on an ephemeral port of 127.0.0.1, before the test class's first test. */
    public static S3ProxyServer perClass() {
        return new S3ProxyServer();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        listen(0);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    /** Stops answering: connections to the port are refused until {@link #restart()}. */
    public void stop() throws Exception {
        proxy.stop();
    }

    /** Listens again, on the same port, over the same objects. */
    public void restart() throws Exception {
        listen(port);
    }

    /** A new, empty bucket with a name of its own. */
    public String createBucket() {
        String bucket = "bucket-" + UUID.randomUUID().toString().substring(0, 13).toLowerCase(Locale.ROOT);
        context.getBlobStore().createContainerInLocation(null, bucket);
        return bucket;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Settings for {@code bucket} with this server's key and short time limits. */
    public S3Settings settings(String bucket) {
        return settings(bucket, new S3Credentials(accessKey, secretKey, Optional.empty(), "the test"));
    }

    public S3Settings settings(String bucket, S3Credentials credentials) {
        return new S3Settings(Optional.of(endpoint()), bucket, S3Settings.DEFAULT_REGION, credentials,
                new S3Settings.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30)));
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            context.close();
        }
    }

    private void listen(int requestedPort) throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .endpoint(URI.create("http://127.0.0.1:" + requestedPort))
                .build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        port = proxy.getPort();
    }
}
