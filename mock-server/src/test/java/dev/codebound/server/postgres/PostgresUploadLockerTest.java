package dev.codebound.server.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.server.problem.StorageBusyException;
import dev.codebound.server.upload.UploadId;
import dev.codebound.server.upload.UploadLocker;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
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
        // What kill -9 of the node holding it does to its session: the database ends it. The timeout makes
        // the call wait until the backend is gone (and its locks with it), not only signalled, which a loaded
        // machine showed is not the same moment.
        try (Connection admin = database.connect(); Statement statement = admin.createStatement()) {
            statement.execute("SELECT pg_terminate_backend(pid, 10000) FROM pg_locks WHERE locktype = 'advisory' "
                    + "AND pid <> pg_backend_pid()");
            admin.commit();
        }
        try (UploadLocker.Lock resumed = second.tryLock(upload).orElseThrow(() -> new AssertionError(
                "the dead holder's lock must be gone"))) {
            held.close();
            assertTrue(first.tryLock(upload).isEmpty(), "closing the dead lock does not release the new holder's");
        }
    }

    @Test
    void aReleasedLockLeavesNothingOnTheSessionThePoolLendsNext() throws Exception {
        String url = POSTGRES.newDatabaseUrl();
        try (Database oneSession = Database.open(url, POSTGRES.user(), null,
                new DatabasePools(2, 1, Duration.ofSeconds(1)));
                Database otherNode = Database.open(url, POSTGRES.user(), null)) {
            UploadLocker node = new PostgresUploadLocker(oneSession);
            UploadLocker other = new PostgresUploadLocker(otherNode);
            UploadId upload = UploadId.random();
            node.tryLock(upload).orElseThrow().close();
            assertEquals(0, advisoryLocks(oneSession), "the pooled session holds no lock once released");
            // The same pooled session (the only one) now takes another upload's lock: the first must stay free.
            try (UploadLocker.Lock next = node.tryLock(UploadId.random()).orElseThrow()) {
                try (UploadLocker.Lock elsewhere = other.tryLock(upload).orElseThrow(() -> new AssertionError(
                        "a released lock must not travel with its pooled session"))) {
                    assertEquals(2, advisoryLocks(oneSession));
                }
            }
        }
    }

    @Test
    void whenEveryLockSessionIsTakenTheNextLockIsBusyAtOnceAndFreedByARelease() throws Exception {
        try (Database oneSession = POSTGRES.newDatabase(new DatabasePools(1, 1, Duration.ofSeconds(30)))) {
            UploadLocker node = new PostgresUploadLocker(oneSession);
            UploadLocker.Lock held = node.tryLock(UploadId.random()).orElseThrow();
            long started = System.nanoTime();
            UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                    () -> node.tryLock(UploadId.random()));
            assertTrue(StorageBusyException.in(refused).isPresent(), "a busy storage, answered 503, not a failure");
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(30)) < 0,
                    "no wait for a lock session to come back");
            held.close();
            node.tryLock(UploadId.random()).orElseThrow().close();
        }
    }

    @Test
    void aTransactionThatFindsNoFreeConnectionWithinTheWaitIsBusy() throws Exception {
        try (Database oneConnection = POSTGRES.newDatabase(new DatabasePools(1, 1, Duration.ofMillis(250)));
                Connection taken = oneConnection.connect()) {
            StorageBusyException busy = assertThrows(StorageBusyException.class,
                    () -> oneConnection.transaction(connection -> null));
            assertTrue(busy.getMessage().contains("transactions"), busy.getMessage());
        }
    }

    /** Advisory locks held by any session in {@code on}'s database, as the database sees them. */
    private long advisoryLocks(Database on) throws Exception {
        try (Connection admin = on.connect(); Statement statement = admin.createStatement();
                ResultSet count = statement.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            count.next();
            return count.getLong(1);
        }
    }
}
