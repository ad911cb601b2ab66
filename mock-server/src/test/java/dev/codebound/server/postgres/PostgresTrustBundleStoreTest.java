package dev.codebound.server.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One trust bundle for every node: a publication succeeds only over the bundle it replaces, and a
 * node that loses one reads the winner at once, however fresh its view.
 */
class PostgresTrustBundleStoreTest {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    private PostgresTrustBundleStore nodeA;
    private PostgresTrustBundleStore nodeB;
    private Database database;

    @BeforeEach
    void migrate() throws Exception {
        database = POSTGRES.newDatabase();
        SchemaMigrations.apply(database);
        // Views that never go stale in the test: what each node knows comes from its own reads and writes.
        nodeA = new PostgresTrustBundleStore(database, Duration.ofDays(1));
        nodeB = new PostgresTrustBundleStore(database, Duration.ofDays(1));
    }

    private static byte[] bundle(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void ofTwoNodesPublishingOverTheSameBundleOnlyTheFirstSucceeds() throws Exception {
        assertEquals(Optional.empty(), nodeB.published());
        assertTrue(nodeA.publish(0, 1, bundle("first by a")));
        assertFalse(nodeB.publish(0, 1, bundle("first by b")), "b must take up a's bundle 1, not publish its own");
        assertArrayEquals(bundle("first by a"), nodeB.published().orElseThrow());

        assertTrue(nodeB.publish(1, 2, bundle("second by b")));
        assertFalse(nodeA.publish(1, 2, bundle("second by a")));
        assertArrayEquals(bundle("second by b"), nodeA.published().orElseThrow());
    }

    @Test
    void aBundleAnotherNodePublishedIsReadWithinTheRefreshInterval() throws Exception {
        PostgresTrustBundleStore refreshing = new PostgresTrustBundleStore(database, Duration.ofMillis(50));
        assertEquals(Optional.empty(), refreshing.published());
        assertTrue(nodeA.publish(0, 1, bundle("first by a")));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (refreshing.published().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertArrayEquals(bundle("first by a"), refreshing.published().orElseThrow(),
                "a read after the interval starts a reload that brings the other node's bundle");
    }
}
