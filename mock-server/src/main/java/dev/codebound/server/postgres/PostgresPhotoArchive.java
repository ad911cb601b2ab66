package dev.codebound.server.postgres;

import dev.codebound.server.objects.ObjectStore;
import dev.codebound.server.registry.AlreadyRecordedException;
import dev.codebound.server.registry.PhotoArchive;
import dev.codebound.server.registry.VersionTakenException;
import dev.codebound.server.upload.StoredObjectBytes;
import dev.codebound.server.upload.UploadBytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The {@link PhotoArchive} shared by every registry node: records and their signed receipts in
 * PostgreSQL ({@code photos}), envelopes in an {@link ObjectStore} under
 * {@code photos/<envelope sha256>.cms}.
 *
 * <p><b>No copy through this process</b>: {@link #adopt} of bytes held in the same object store (the
 * shared upload store's) is a server-side {@link ObjectStore#copy}; anything else is streamed in.
 * The object is durable when adopt returns, before the record is written.
 *
 * <p><b>Group commit</b>: {@link #record} queues the record; one writer thread writes whatever is
 * queued in <b>one</b> transaction, so the records the sequencer queues for one acceptance batch
 * (while the previous write commits) cost one commit together, as the embedded archive's journal
 * does. Each record's future completes when that transaction has committed, never before; a
 * transaction that fails fails every record in it, and none of them is recorded.
 *
 * <p><b>Records across nodes</b>: the transaction first takes a transaction-scoped advisory lock on
 * each code it records (in one order on every node, so that two nodes' batches cannot deadlock), so
 * that the records of one code are written one at a time whichever node writes them. Under them, a
 * record of an envelope already recorded fails with {@link AlreadyRecordedException} (two nodes
 * accepted it at once; the first record answers both), and one whose version is not the code's next
 * fails with {@link VersionTakenException} (another node gave it meanwhile); the batch's other
 * records are written. Versions are therefore dense and unique per code, which the table's unique
 * key checks again. {@link #nextVersion} counts the records this node has queued and not yet
 * written, so two retakes of one code in one batch get consecutive versions; {@link #find} and
 * {@link #versions} wait for the queued records they would show.
 */
public final class PostgresPhotoArchive implements PhotoArchive {
    private static final String COLUMNS = "envelope_sha256, envelope_length, code_id, version, station_id, "
            + "photo_sha256, media_type, capture_time, accepted_at, receipt";

    private final Database database;
    private final ObjectStore objects;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "codebound-archive-writer");
        thread.setDaemon(true);
        return thread;
    });
    /** Guards {@link #queue}, {@link #writing}, {@link #queued} and {@link #highestQueued}. */
    private final Object lock = new Object();
    private final List<Queued> queue = new ArrayList<>();
    private boolean writing;
    /** Records queued or being written, by envelope: what find and versions wait for. */
    private final Map<String, Queued> queued = new HashMap<>();
    /** The highest version queued or being written per code: what nextVersion counts. */
    private final Map<String, Integer> highestQueued = new HashMap<>();

    /** The archive over a migrated {@code database} and {@code objects}. */
    public PostgresPhotoArchive(Database database, ObjectStore objects) {
        this.database = database;
        this.objects = objects;
    }

    /** A record waiting for its transaction; {@code durable} completes when it commits. */
    private record Queued(AcceptedPhoto photo, CompletableFuture<Void> durable) {}

    @Override
    public Optional<AcceptedPhoto> find(String envelopeSha256) throws IOException {
        Queued pending;
        synchronized (lock) {
            pending = queued.get(envelopeSha256);
        }
        if (pending != null) {
            awaitQuietly(pending.durable());
        }
        return database.read(connection -> find(connection, envelopeSha256));
    }

    /** Waits for a queued record to be written or to fail: either way the database then has the answer. */
    private static void awaitQuietly(CompletableFuture<Void> durable) throws IOException {
        try {
            durable.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while a record was being written");
        } catch (ExecutionException e) {
            // The record was not written: what the database holds is the answer.
        }
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
        List<CompletableFuture<Void>> pending;
        synchronized (lock) {
            pending = queued.values().stream().filter(record -> record.photo().codeId().equals(codeId))
                    .map(Queued::durable).toList();
        }
        for (CompletableFuture<Void> durable : pending) {
            awaitQuietly(durable);
        }
        return database.read(connection -> {
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
     * The version after the highest this node has queued for the code, or else the code's next version
     * as the database has it now; another node may take it before this node records it, which
     * {@link #record} then refuses.
     *
     * @throws UncheckedIOException if the database cannot be asked (the sequencer fails the upload)
     */
    @Override
    public int nextVersion(String codeId) {
        synchronized (lock) {
            Integer highest = highestQueued.get(codeId);
            if (highest != null) {
                return highest + 1;
            }
        }
        try {
            return database.read(connection -> nextVersion(connection, codeId));
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
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Queued record = new Queued(photo, new CompletableFuture<>());
        synchronized (lock) {
            queue.add(record);
            queued.put(photo.envelopeSha256(), record);
            highestQueued.merge(photo.codeId(), photo.version(), Math::max);
            if (!writing) {
                writing = true;
                try {
                    writer.execute(this::writeQueued);
                } catch (RejectedExecutionException e) {
                    writing = false;
                    forget(List.of(record));
                    return CompletableFuture.failedFuture(new IOException("the archive is closed", e));
                }
            }
        }
        return record.durable();
    }

    /** On the writer thread: writes what is queued, one transaction per turn, until nothing is. */
    private void writeQueued() {
        while (true) {
            List<Queued> batch;
            synchronized (lock) {
                if (queue.isEmpty()) {
                    writing = false;
                    return;
                }
                batch = new ArrayList<>(queue);
                queue.clear();
            }
            Map<Queued, IOException> refused = new HashMap<>();
            Throwable failure = null;
            try {
                database.transaction(connection -> {
                    refused.clear();
                    write(connection, batch, refused);
                    return null;
                });
            } catch (IOException | RuntimeException e) {
                failure = e;
            } catch (Error e) {
                // The JVM is in trouble and this writer stops: no record may wait for it.
                List<Queued> stranded;
                synchronized (lock) {
                    stranded = new ArrayList<>(queue);
                    queue.clear();
                    writing = false;
                }
                stranded.addAll(batch);
                forget(stranded);
                stranded.forEach(record -> record.durable().completeExceptionally(e));
                throw e;
            }
            forget(batch);
            // After forgetting them, so that the sequencer's next nextVersion of a refused record's code asks again.
            for (Queued record : batch) {
                if (failure != null) {
                    record.durable().completeExceptionally(failure);
                } else if (refused.containsKey(record)) {
                    record.durable().completeExceptionally(refused.get(record));
                } else {
                    record.durable().complete(null);
                }
            }
        }
    }

    /**
     * Writes {@code batch} in the caller's transaction, under the advisory locks of its codes, and
     * puts each record it refuses into {@code refused} with the reason.
     */
    private static void write(Connection connection, List<Queued> batch, Map<Queued, IOException> refused)
            throws SQLException {
        SortedSet<Long> locks = new TreeSet<>();
        Set<String> codes = new LinkedHashSet<>();
        Set<String> envelopes = new LinkedHashSet<>();
        for (Queued record : batch) {
            locks.add(codeLock(record.photo().codeId()));
            codes.add(record.photo().codeId());
            envelopes.add(record.photo().envelopeSha256());
        }
        // Every node locks the codes in ascending key order, so that two batches never wait on each other.
        try (PreparedStatement lock = connection.prepareStatement("SELECT count(*) FROM (SELECT "
                + "pg_advisory_xact_lock(key) FROM (SELECT unnest(?::bigint[]) AS key ORDER BY 1) AS sorted) AS locked")) {
            lock.setArray(1, connection.createArrayOf("bigint", locks.toArray()));
            lock.execute();
        }
        Map<String, AcceptedPhoto> recorded = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM photos WHERE envelope_sha256 = ANY(?)")) {
            select.setArray(1, connection.createArrayOf("text", envelopes.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    AcceptedPhoto photo = parse(rows);
                    recorded.put(photo.envelopeSha256(), photo);
                }
            }
        }
        Map<String, Integer> next = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT code_id, max(version) + 1 "
                + "FROM photos WHERE code_id = ANY(?) GROUP BY code_id")) {
            select.setArray(1, connection.createArrayOf("text", codes.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    next.put(rows.getString(1), rows.getInt(2));
                }
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO photos (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Queued record : batch) {
                AcceptedPhoto photo = record.photo();
                AcceptedPhoto earlier = recorded.get(photo.envelopeSha256());
                if (earlier != null) {
                    refused.put(record, new AlreadyRecordedException(earlier));
                } else if (next.getOrDefault(photo.codeId(), 1) != photo.version()) {
                    refused.put(record, new VersionTakenException(photo.codeId(), photo.version()));
                } else {
                    bind(insert, photo);
                    insert.addBatch();
                    recorded.put(photo.envelopeSha256(), photo);
                    next.put(photo.codeId(), photo.version() + 1);
                }
            }
            if (refused.size() < batch.size()) {
                insert.executeBatch();
            }
        }
    }

    /** Drops written or failed records from what find, versions and nextVersion count. */
    private void forget(List<Queued> records) {
        synchronized (lock) {
            for (Queued record : records) {
                queued.remove(record.photo().envelopeSha256(), record);
                highestQueued.remove(record.photo().codeId(), record.photo().version());
            }
        }
    }

    private static void bind(PreparedStatement insert, AcceptedPhoto photo) throws SQLException {
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
    static long codeLock(String codeId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("codebound photo records of " + codeId).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops the writer once the records already queued are written (their futures complete); a
     * record queued after this fails.
     */
    @Override
    public void close() throws IOException {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(1, TimeUnit.MINUTES)) {
                throw new IOException("the archive's writer did not finish its queued records within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the archive's queued records were written");
        }
    }

    @Override
    public String toString() {
        return "PostgresPhotoArchive[" + database.redactedUrl() + ", " + objects + "]";
    }
}
