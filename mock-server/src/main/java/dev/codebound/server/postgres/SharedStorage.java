package dev.codebound.server.postgres;

import dev.codebound.protocol.pki.Certificates;
import dev.codebound.server.objects.ObjectStore;
import dev.codebound.server.registry.PhotoArchive;
import dev.codebound.server.registry.RegistryStores;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * One registry node's view of the storage it shares with the other nodes: the migrated database,
 * the object store, the upload locker and store, and the registry's stores over them. Opening it
 * also checks that this node holds the registry's keys: the first node to start records the
 * registry CA's fingerprint, and a node started with another CA is refused, since it would sign
 * receipts, checkpoints and trust bundles no station of this registry trusts.
 */
public final class SharedStorage implements Closeable {
    private final SharedStorageSettings settings;
    private final Database database;
    private final ObjectStore objects;
    private final PostgresUploadLocker locker;
    private final PostgresUploadStore uploads;

    private SharedStorage(SharedStorageSettings settings, Database database, ObjectStore objects,
            PostgresUploadLocker locker, PostgresUploadStore uploads) {
        this.settings = settings;
        this.database = database;
        this.objects = objects;
        this.locker = locker;
        this.uploads = uploads;
    }

    /**
     * Connects to the database of {@code settings}, brings its schema up to date and checks the
     * node's registry CA {@code ca} against the registry's; bytes go to {@code objects}, the store
     * opened from {@link SharedStorageSettings#objects()}, which the caller keeps and closes.
     * Chunks are spooled under {@code spool}, a directory of this node's own.
     */
    public static SharedStorage open(SharedStorageSettings settings, ObjectStore objects, X509Certificate ca,
            Path spool) throws IOException {
        Database database = Database.open(settings.jdbcUrl(), settings.user(), settings.password(),
                settings.pools());
        try {
            SchemaMigrations.apply(database);
            claimIdentity(database, Certificates.fingerprint(ca));
            PostgresUploadLocker locker = new PostgresUploadLocker(database);
            return new SharedStorage(settings, database, objects, locker,
                    new PostgresUploadStore(database, objects, locker, spool));
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private static void claimIdentity(Database database, String fingerprint) throws IOException {
        String registry = database.transaction(connection -> {
            try (PreparedStatement claim = connection.prepareStatement("INSERT INTO registry_identity "
                    + "(ca_fingerprint) VALUES (?) ON CONFLICT (singleton) DO NOTHING")) {
                claim.setString(1, fingerprint);
                claim.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT ca_fingerprint FROM registry_identity"); ResultSet row = select.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        });
        if (!registry.equals(fingerprint)) {
            throw new IOException("this node's registry CA (SHA-256 " + fingerprint + ") is not the CA of the registry "
                    + "in " + database.redactedUrl() + " (" + registry + "); start every node with the same shared "
                    + "keys directory (--keys)");
        }
    }

    /**
     * The registry's stores over the shared database and object store; views of revocations are
     * refreshed every {@link SharedStorageSettings#refreshInterval()}.
     */
    public RegistryStores registryStores() throws IOException {
        PhotoArchive photos = new PostgresPhotoArchive(database, objects);
        return new RegistryStores(new PostgresStationStore(database, settings.refreshInterval()),
                new PostgresEnrollmentTokenStore(database), new PostgresCodeStore(database,
                        settings.refreshInterval()), photos,
                PostgresLogStorage.open(database, settings.refreshInterval()),
                new PostgresTrustBundleStore(database, settings.refreshInterval()));
    }

    /** The upload locker every request of this node takes its locks from. */
    public PostgresUploadLocker locker() {
        return locker;
    }

    /** The upload store, committing through {@link #locker()}'s sessions. */
    public PostgresUploadStore uploads() {
        return uploads;
    }

    /**
     * Closes the database's pools, once the stores over them are closed; the upload locks still held
     * are dropped with their sessions.
     */
    @Override
    public void close() {
        database.close();
    }
}
