package dev.codebound.server.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One trust bundle for every node: a publication succeeds only over the bundle it replaces. */
class PostgresTrustBundleStoreTest {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    private PostgresTrustBundleStore nodeA;
    private PostgresTrustBundleStore nodeB;

    @BeforeEach
    void migrate() throws Exception {
        Database database = POSTGRES.newDatabase();
        SchemaMigrations.apply(database);
        nodeA = new PostgresTrustBundleStore(database);
        nodeB = new PostgresTrustBundleStore(database);
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
}
