package dev.codebound.server.postgres;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.server.upload.UploadId;
import dev.codebound.server.upload.UploadLocker;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Upload locks shared by two nodes: exclusive, never waiting, and gone with the session that held them. */
class PostgresUploadLockerTest {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    private Database database;
    private UploadLocker first;
    private UploadLocker second;

    @BeforeEach
    void nodes() throws Exception {
        database = POSTGRES.newDatabase();
        first = new PostgresUploadLocker(database);
        second = new PostgresUploadLocker(database);
    }

    @Test
    void aLockHeldOnOneNodeIsRefusedOnTheOtherUntilReleased() {
        UploadId upload = UploadId.random();
        Optional<UploadLocker.Lock> held = first.tryLock(upload);
        assertTrue(held.isPresent());
        assertTrue(second.tryLock(upload).isEmpty(), "the other node gets no lock (423), at once");
        assertTrue(first.tryLock(upload).isEmpty(), "nor does a second request on the same node");
        try (UploadLocker.Lock other = second.tryLock(UploadId.random()).orElseThrow()) {
            assertTrue(other != null, "other uploads lock independently");
        }
        held.get().close();
        held.get().close();
        try (UploadLocker.Lock resumed = second.tryLock(upload).orElseThrow()) {
            assertTrue(first.tryLock(upload).isEmpty());
        }
    }

    @Test
    void aNodeThatDiesLeavesNoStaleLock() throws Exception {
        UploadId upload = UploadId.random();
        UploadLocker.Lock held = first.tryLock(upload).orElseThrow();
        assertTrue(second.tryLock(upload).isEmpty());
        // What kill -9 of the node holding it does to its session: the database ends it.
        try (Connection admin = database.connect(); Statement statement = admin.createStatement()) {
            statement.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                    + "AND pid <> pg_backend_pid()");
            admin.commit();
        }
        try (UploadLocker.Lock resumed = second.tryLock(upload).orElseThrow(() -> new AssertionError(
                "the dead holder's lock must be gone"))) {
            held.close();
            assertTrue(first.tryLock(upload).isEmpty(), "closing the dead lock does not release the new holder's");
        }
    }
}
