package dev.codebound.server.postgres;

import dev.codebound.server.objects.ObjectStore;
import dev.codebound.server.registry.AlreadyRecordedException;
import dev.codebound.server.registry.PhotoArchive;
import dev.codebound.server.registry.VersionTakenException;
import dev.codebound.server.upload.StoredObjectBytes;
import dev.codebound.server.upload.UploadBytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link PhotoArchive} shared by every registry node: records and their signed receipts in
 * PostgreSQL ({@code photos}), envelopes in an {@link ObjectStore} under
 * {@code photos/<envelope sha256>.cms}.
 *
 * <p><b>No copy through this process</b>: {@link #adopt} of bytes held in the same object store (the
 * shared upload store's) is a server-side {@link ObjectStore#copy}; anything else is streamed in.
 * The object is durable when adopt returns, before the record is written.
 *
 * <p><b>Records across nodes</b>: {@link #record} writes one record in one transaction that first
 * takes a transaction-scoped advisory lock on the code, so that the records of one code are
 * written one at a time whichever node writes them. Under it, a record of an envelope already
 * recorded fails with {@link AlreadyRecordedException} (two nodes accepted it at once; the first
 * record answers both), and one whose version is not the code's next fails with
 * {@link VersionTakenException} (another node gave it meanwhile). Versions are therefore dense and
 * unique per code, which the table's unique key checks again. The record is durable when its
 * future completes, which is before {@link #record} returns: the sequencer's next
 * {@link #nextVersion} of the same code sees it.
 */
public final class PostgresPhotoArchive implements PhotoArchive {
    private static final String COLUMNS = "envelope_sha256, envelope_length, code_id, version, station_id, "
            + "photo_sha256, media_type, capture_time, accepted_at, receipt";

    private final Database database;
    private final ObjectStore objects;

    /** The archive over a migrated {@code database} and {@code objects}. */
    public PostgresPhotoArchive(Database database, ObjectStore objects) {
        this.database = database;
        this.objects = objects;
    }

    @Override
    public Optional<AcceptedPhoto> find(String envelopeSha256) throws IOException {
        return database.transaction(connection -> find(connection, envelopeSha256));
    }

    private static Optional<AcceptedPhoto> find(Connection connection, String envelopeSha256) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM photos WHERE envelope_sha256 = ?")) {
            select.setString(1, envelopeSha256);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(parse(row)) : Optional.empty();
            }
        }
    }

    @Override
    public List<AcceptedPhoto> versions(String codeId) throws IOException {
        return database.transaction(connection -> {
            List<AcceptedPhoto> versions = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM photos WHERE code_id = ? ORDER BY version")) {
                select.setString(1, codeId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        versions.add(parse(rows));
                    }
                }
            }
            return versions;
        });
    }

    /**
     * The code's next version as the database has it now; another node may take it before this
     * node records it, which {@link #record} then refuses.
     *
     * @throws UncheckedIOException if the database cannot be asked (the sequencer fails the upload)
     */
    @Override
    public int nextVersion(String codeId) {
        try {
            return database.transaction(connection -> nextVersion(connection, codeId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int nextVersion(Connection connection, String codeId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT coalesce(max(version), 0) + 1 FROM photos WHERE code_id = ?")) {
            select.setString(1, codeId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    @Override
    public void adopt(String envelopeSha256, UploadBytes envelope) throws IOException {
        String key = envelopeKey(envelopeSha256);
        if (envelope instanceof StoredObjectBytes stored && stored.store() == objects) {
            objects.copy(stored.key(), key);
        } else {
            try (InputStream in = envelope.open()) {
                objects.put(key, in, envelope.length());
            }
        }
    }

    @Override
    public CompletableFuture<Void> record(AcceptedPhoto photo) {
        try {
            if (objects.length(envelopeKey(photo.envelopeSha256())).isEmpty()) {
                throw new IOException("no archived envelope for " + photo.envelopeSha256() + "; adopt it first");
            }
            database.transaction(connection -> {
                try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, codeLock(photo.codeId()));
                    lock.execute();
                }
                Optional<AcceptedPhoto> recorded = find(connection, photo.envelopeSha256());
                if (recorded.isPresent()) {
                    throw new AlreadyRecordedException(recorded.get());
                }
                if (nextVersion(connection, photo.codeId()) != photo.version()) {
                    throw new VersionTakenException(photo.codeId(), photo.version());
                }
                insert(connection, photo);
                return null;
            });
            return CompletableFuture.completedFuture(null);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void insert(Connection connection, AcceptedPhoto photo) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO photos (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, photo.envelopeSha256());
            insert.setLong(2, photo.envelopeLength());
            insert.setString(3, photo.codeId());
            insert.setInt(4, photo.version());
            insert.setString(5, photo.stationId());
            insert.setString(6, photo.photoSha256());
            insert.setString(7, photo.mediaType());
            Rows.setInstant(insert, 8, photo.captureTime());
            Rows.setInstant(insert, 9, photo.acceptedAt());
            insert.setString(10, photo.receipt());
            insert.executeUpdate();
        }
    }

    private static AcceptedPhoto parse(ResultSet row) throws SQLException {
        return new AcceptedPhoto(row.getString("envelope_sha256"), row.getLong("envelope_length"),
                row.getString("code_id"), row.getInt("version"), row.getString("station_id"),
                row.getString("photo_sha256"), row.getString("media_type"), Rows.instant(row, "capture_time"),
                Rows.instant(row, "accepted_at"), row.getString("receipt"));
    }

    @Override
    public InputStream openEnvelope(String envelopeSha256) throws IOException {
        return objects.open(envelopeKey(envelopeSha256));
    }

    /** The object key of an archived envelope. */
    static String envelopeKey(String envelopeSha256) {
        if (!envelopeSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("an envelope is named by 64 lower-case hex digits");
        }
        return "photos/" + envelopeSha256 + ".cms";
    }

    /** The advisory lock naming "the records of this code" (a different key space from uploads' by its prefix). */
    private static long codeLock(String codeId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("codebound photo records of " + codeId).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Nothing to release: every operation opened and closed its own connection. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "PostgresPhotoArchive[" + database.redactedUrl() + ", " + objects + "]";
    }
}
