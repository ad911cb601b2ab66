package dev.codebound.server.postgres;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.protocol.wire.WireFormatException;
import dev.codebound.server.objects.ObjectStore;
import dev.codebound.server.upload.CompletionOutcome;
import dev.codebound.server.upload.QuotaExceededException;
import dev.codebound.server.upload.StoredObjectBytes;
import dev.codebound.server.upload.UploadBytes;
import dev.codebound.server.upload.UploadId;
import dev.codebound.server.upload.UploadInfo;
import dev.codebound.server.upload.UploadLocker;
import dev.codebound.server.upload.UploadState;
import dev.codebound.server.upload.UnfinishedUploadQuota;
import dev.codebound.server.upload.UploadStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link UploadStore} shared by every registry node: records in PostgreSQL ({@code uploads},
 * {@code upload_parts}), bytes in an {@link ObjectStore}, the way tusd's s3store keeps them.
 *
 * <pre>
 * uploads/&lt;id&gt;/data                  the finished upload: one multipart upload, begun at creation
 * uploads/&lt;id&gt;/incomplete-&lt;random&gt;   bytes past the recorded parts, fewer than a part's minimum
 * </pre>
 *
 * <p><b>A chunk</b> is spooled to a local file while it arrives (a part's length must be known
 * before it is sent). At commit, the bytes waiting in the incomplete object, followed by the chunk,
 * become the next part when they reach {@link ObjectStore#minimumPartSize()} or end the upload;
 * otherwise they become a new incomplete object under a fresh name. Only then is the new offset
 * recorded, with the part or the incomplete object's name, in one transaction: the offset is never
 * ahead of durable bytes, and the answer waits for that commit. The last chunk's commit records
 * {@link UploadState#AWAITING_OUTCOME} first and completes the multipart upload after, so that a
 * holder that lost its lock never completes it; {@link #recover} completes it after a crash.
 *
 * <p><b>Fencing</b>: the offset is committed through the database session that holds the upload's
 * lock ({@link PostgresUploadLocker#session}), by an {@code UPDATE} that also requires the
 * session to still hold that advisory lock and the recorded offset to still be the one the chunk
 * began at. A holder whose session died fails the commit (the session is gone); one that lost the
 * race to another holder finds the offset moved. Either way its chunk counts for nothing and the
 * client resumes from the recorded offset. The same check runs before a part is uploaded, so that
 * a fenced holder does not overwrite the part number the next holder writes; completion checks
 * every part's etag, so a part overwritten in the remaining window is refused, never served.
 *
 * <p><b>Crash points</b>, each repaired by {@link #recover} (which takes each upload's lock and
 * leaves alone the ones another node holds): a creation whose row never committed leaves an empty
 * multipart upload, which holds no bytes; a part uploaded but not recorded is replaced by the next
 * chunk's part of the same number and is never listed at completion; an incomplete object written
 * but not recorded, or recorded and then superseded, is deleted; an upload recorded complete whose
 * multipart upload was not completed is completed; an expiry or a termination cut short has its
 * bytes deleted again (a termination marks the row {@code removing} first and deletes it last).
 *
 * <p><b>The quota of unfinished uploads</b> ({@link #createWithin}) is counted in the database, in
 * the creating transaction, under a transaction-scoped advisory lock on the station: one quota
 * across every node, which a station cannot pass by spreading creations over the nodes.
 *
 * <p>Readers ({@link #info}, {@link #outcome}, {@link #list}) ask the database every time, so every
 * node sees a change as soon as it is committed.
 */
public final class PostgresUploadStore implements UploadStore, UnfinishedUploadQuota {
    private static final System.Logger LOG = System.getLogger(PostgresUploadStore.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "upload_id, length, metadata, station_id, created_at, expires_at, "
            + "upload_offset, state";
    /** True when the statement's session holds the upload's advisory lock (see PostgresUploadLocker#key). */
    private static final String HOLDS_LOCK = "EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
            + "AND pid = pg_backend_pid() AND granted AND objsubid = 1 "
            + "AND ((classid::bigint << 32) | objid::bigint) = ?)";

    private final Database database;
    private final ObjectStore objects;
    private final PostgresUploadLocker locker;
    private final Path spool;

    /**
     * The store over a migrated {@code database} and {@code objects}, committing through the
     * sessions of {@code locker}'s locks (the locker every caller takes its locks from), spooling
     * chunks in {@code spool} (a local directory, created owner-only).
     */
    public PostgresUploadStore(Database database, ObjectStore objects, PostgresUploadLocker locker, Path spool)
            throws IOException {
        this.database = database;
        this.objects = objects;
        this.locker = locker;
        this.spool = DurableFiles.createPrivateDirectory(spool.toAbsolutePath());
        // Spooled chunks of a process that died were never committed.
        try (var leftovers = Files.newDirectoryStream(this.spool, "*.chunk")) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    /** What the database holds about one upload beyond its {@link UploadInfo}. */
    private record Row(UploadInfo info, String multipartId, String incompleteKey, byte[] outcome, boolean removing) {}

    @Override
    public UploadInfo create(long length, UploadMetadata metadata, String stationId, Instant created,
            Instant expires) throws IOException {
        UploadInfo info = newUpload(length, metadata, stationId, created, expires);
        String multipartId = objects.beginMultipart(dataKey(info.id()));
        database.transaction(connection -> insert(connection, info, multipartId));
        return info;
    }

    /**
     * Counts the station's unfinished uploads in the database and inserts the new one in the same
     * transaction, under a transaction-scoped advisory lock on the station, so that creations of one
     * station are counted one at a time whichever nodes they reach, and every node's count sees every
     * node's uploads.
     */
    @Override
    public UploadInfo createWithin(int limit, long length, UploadMetadata metadata, String stationId,
            Instant created, Instant expires) throws IOException, QuotaExceededException {
        UploadInfo info = newUpload(length, metadata, stationId, created, expires);
        String multipartId = objects.beginMultipart(dataKey(info.id()));
        int held;
        try {
            held = database.transaction(connection -> {
                try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, stationLock(stationId));
                    lock.execute();
                }
                int unfinished;
                try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM uploads "
                        + "WHERE station_id = ? AND state = 'RECEIVING' AND NOT removing AND expires_at > ?")) {
                    count.setString(1, stationId);
                    Rows.setInstant(count, 2, info.created());
                    try (ResultSet row = count.executeQuery()) {
                        row.next();
                        unfinished = row.getInt(1);
                    }
                }
                if (unfinished < limit) {
                    insert(connection, info, multipartId);
                }
                return unfinished;
            });
        } catch (IOException | RuntimeException e) {
            objects.abortMultipart(dataKey(info.id()), multipartId);
            throw e;
        }
        if (held >= limit) {
            // Nothing names the multipart upload begun for it; it holds no bytes either.
            objects.abortMultipart(dataKey(info.id()), multipartId);
            throw new QuotaExceededException(held, limit);
        }
        return info;
    }

    private static UploadInfo newUpload(long length, UploadMetadata metadata, String stationId, Instant created,
            Instant expires) {
        // The database keeps microseconds: the record handed back is the one every node reads.
        return new UploadInfo(UploadId.random(), length, metadata, stationId, created.truncatedTo(ChronoUnit.MICROS),
                expires.truncatedTo(ChronoUnit.MICROS), 0, UploadState.RECEIVING);
    }

    private static int insert(Connection connection, UploadInfo info, String multipartId)
            throws SQLException, IOException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO uploads (" + COLUMNS
                + ", multipart_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, info.id().value());
            insert.setLong(2, info.length());
            insert.setString(3, JSON.writeValueAsString(info.metadata().asMap()));
            insert.setString(4, info.stationId());
            Rows.setInstant(insert, 5, info.created());
            Rows.setInstant(insert, 6, info.expires());
            insert.setLong(7, 0);
            insert.setString(8, UploadState.RECEIVING.name());
            insert.setString(9, multipartId);
            return insert.executeUpdate();
        }
    }

    /** The advisory lock naming "the uploads of this station" (a key space of its own by its prefix). */
    private static long stationLock(String stationId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("codebound unfinished uploads of " + stationId).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<UploadInfo> info(UploadId id) throws IOException {
        return row(id).filter(row -> !row.removing()).map(Row::info);
    }

    private Optional<Row> row(UploadId id) throws IOException {
        return database.read(connection -> row(connection, id));
    }

    private static Optional<Row> row(Connection connection, UploadId id) throws SQLException, IOException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                + ", multipart_id, incomplete_key, outcome, removing FROM uploads WHERE upload_id = ?")) {
            select.setString(1, id.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(parse(row)) : Optional.empty();
            }
        }
    }

    private static Row parse(ResultSet row) throws SQLException, IOException {
        UploadMetadata metadata = UploadMetadata.empty();
        Map<String, String> pairs = JSON.readValue(row.getString("metadata"), new TypeReference<LinkedHashMap<String,
                String>>() {});
        for (Map.Entry<String, String> pair : pairs.entrySet()) {
            metadata = metadata.with(pair.getKey(), pair.getValue());
        }
        UploadInfo info = new UploadInfo(new UploadId(row.getString("upload_id")), row.getLong("length"), metadata,
                row.getString("station_id"), Rows.instant(row, "created_at"), Rows.instant(row, "expires_at"),
                row.getLong("upload_offset"), UploadState.valueOf(row.getString("state")));
        return new Row(info, row.getString("multipart_id"), row.getString("incomplete_key"), row.getBytes("outcome"),
                row.getBoolean("removing"));
    }

    private static List<ObjectStore.Part> parts(Connection connection, UploadId id) throws SQLException {
        List<ObjectStore.Part> parts = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT part_number, etag, length "
                + "FROM upload_parts WHERE upload_id = ? ORDER BY part_number")) {
            select.setString(1, id.value());
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    parts.add(new ObjectStore.Part(row.getInt(1), row.getString(2), row.getLong(3)));
                }
            }
        }
        return parts;
    }

    @Override
    public ChunkWriter beginChunk(UploadInfo upload) throws IOException {
        if (upload.state() != UploadState.RECEIVING) {
            throw new IllegalStateException("upload " + upload.id() + " is " + upload.state() + ", not receiving");
        }
        Path file = spool.resolve(upload.id().value() + "-" + randomSuffix() + ".chunk");
        DurableFiles.createPrivateFile(file);
        return new ObjectChunkWriter(upload, file, FileChannel.open(file, StandardOpenOption.WRITE,
                StandardOpenOption.READ));
    }

    @Override
    public UploadInfo recordOutcome(UploadId id, CompletionOutcome outcome) throws IOException {
        byte[] body = outcome instanceof CompletionOutcome.Accepted accepted ? accepted.receiptJson()
                : ((CompletionOutcome.Rejected) outcome).problem().toJson();
        UploadState decided = outcome instanceof CompletionOutcome.Accepted ? UploadState.ACCEPTED
                : UploadState.REJECTED;
        return underLock(id, connection -> {
            // One statement decides and records; only when it changes nothing is the row read, to say why.
            try (PreparedStatement update = connection.prepareStatement("UPDATE uploads SET state = ?, outcome = ? "
                    + "WHERE upload_id = ? AND NOT removing AND state IN ('AWAITING_OUTCOME', 'ACCEPTED', 'REJECTED') "
                    + "RETURNING " + COLUMNS + ", multipart_id, incomplete_key, outcome, removing")) {
                update.setString(1, decided.name());
                update.setBytes(2, body);
                update.setString(3, id.value());
                try (ResultSet row = update.executeQuery()) {
                    if (row.next()) {
                        return parse(row).info();
                    }
                }
            }
            row(connection, id).filter(row -> !row.removing()).orElseThrow(() -> new NoSuchFileException(id.value()));
            throw new IllegalStateException("upload " + id + " is not complete");
        });
    }

    @Override
    public Optional<CompletionOutcome> outcome(UploadId id) throws IOException {
        Optional<Row> row = row(id).filter(found -> !found.removing() && found.info().state().hasOutcome());
        if (row.isEmpty()) {
            return Optional.empty();
        }
        if (row.get().info().state() == UploadState.ACCEPTED) {
            return Optional.of(new CompletionOutcome.Accepted(row.get().outcome()));
        }
        try {
            return Optional.of(new CompletionOutcome.Rejected(Problem.fromJson(row.get().outcome())));
        } catch (WireFormatException e) {
            throw new IOException("stored outcome of " + id + " is corrupt: " + e.getMessage(), e);
        }
    }

    @Override
    public UploadBytes bytes(UploadInfo upload) {
        if (!upload.state().isComplete()) {
            throw new IllegalStateException("upload " + upload.id() + " is " + upload.state() + ", not complete");
        }
        return new StoredObjectBytes(objects, dataKey(upload.id()), upload.length());
    }

    @Override
    public UploadInfo expire(UploadId id) throws IOException {
        Row expired = underLock(id, connection -> {
            Row current = row(connection, id).filter(row -> !row.removing())
                    .orElseThrow(() -> new NoSuchFileException(id.value()));
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE uploads SET state = 'EXPIRED', incomplete_key = NULL WHERE upload_id = ?")) {
                update.setString(1, id.value());
                update.executeUpdate();
            }
            return current;
        });
        // After the record: a crash in between leaves an expired upload with bytes, which recover() deletes.
        deleteBytes(id, expired.multipartId());
        return expired.info().withState(UploadState.EXPIRED);
    }

    @Override
    public boolean terminate(UploadId id) throws IOException {
        Optional<String> multipartId = underLock(id, connection -> {
            try (PreparedStatement mark = connection.prepareStatement("UPDATE uploads SET removing = true "
                    + "WHERE upload_id = ? AND NOT removing RETURNING multipart_id")) {
                mark.setString(1, id.value());
                try (ResultSet row = mark.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.<String>empty();
                }
            }
        });
        if (multipartId.isEmpty()) {
            return false;
        }
        // Once marked the upload no longer exists for anyone; the row goes last, so a crash leaves it to recover().
        finishRemoval(id, multipartId.get());
        return true;
    }

    private void finishRemoval(UploadId id, String multipartId) throws IOException {
        deleteBytes(id, multipartId);
        database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM uploads WHERE upload_id = ? AND removing")) {
                delete.setString(1, id.value());
                return delete.executeUpdate();
            }
        });
    }

    private void deleteBytes(UploadId id, String multipartId) throws IOException {
        objects.abortMultipart(dataKey(id), multipartId);
        for (String key : objects.list(prefix(id))) {
            objects.delete(key);
        }
    }

    @Override
    public List<UploadInfo> list() throws IOException {
        return database.read(connection -> {
            List<UploadInfo> uploads = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                    + ", multipart_id, incomplete_key, outcome, removing FROM uploads WHERE NOT removing");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    uploads.add(parse(rows).info());
                }
            }
            return uploads;
        });
    }

    /**
     * Repairs every crash point (see the class comment) of the uploads no other holder has locked:
     * those another node is writing are its to finish, and a later recovery repairs them if it dies.
     */
    @Override
    public List<UploadInfo> recover() throws IOException {
        List<UploadInfo> awaiting = new ArrayList<>();
        Set<String> recorded = new HashSet<>();
        List<UploadId> ids = database.transaction(connection -> {
            List<UploadId> all = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT upload_id FROM uploads");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    all.add(new UploadId(rows.getString(1)));
                }
            }
            return all;
        });
        for (UploadId id : ids) {
            recorded.add(id.value());
            Optional<UploadLocker.Lock> lock = locker.tryLock(id);
            if (lock.isEmpty()) {
                continue;
            }
            try (UploadLocker.Lock held = lock.get()) {
                Optional<Row> row = row(id);
                if (row.isPresent() && repair(row.get()) == UploadState.AWAITING_OUTCOME) {
                    awaiting.add(row.get().info());
                }
            }
        }
        deleteBytesWithoutRecord(recorded);
        return awaiting;
    }

    /** Repairs one upload whose lock the caller holds; returns its state after. */
    private UploadState repair(Row row) throws IOException {
        UploadId id = row.info().id();
        if (row.removing()) {
            finishRemoval(id, row.multipartId());
            return UploadState.EXPIRED;
        }
        UploadState state = row.info().state();
        if (state == UploadState.EXPIRED) {
            deleteBytes(id, row.multipartId());
            return state;
        }
        if (state.isComplete() && objects.length(dataKey(id)).orElse(-1L) != row.info().length()) {
            List<ObjectStore.Part> parts = database.transaction(connection -> parts(connection, id));
            objects.completeMultipart(dataKey(id), row.multipartId(), parts);
            LOG.log(System.Logger.Level.INFO, "upload {0}: completed its bytes after a crash", id);
        }
        for (String key : objects.list(prefix(id))) {
            if (key.startsWith(prefix(id) + "incomplete-") && !key.equals(row.incompleteKey())) {
                objects.delete(key);
            }
        }
        return state;
    }

    /** Objects of uploads that have no row: a termination whose row is gone; nobody will read them. */
    private void deleteBytesWithoutRecord(Set<String> recorded) throws IOException {
        for (String key : objects.list("uploads/")) {
            String id = key.substring("uploads/".length()).split("/", 2)[0];
            if (!recorded.contains(id) && UploadId.parse(id).isPresent() && info(new UploadId(id)).isEmpty()) {
                objects.delete(key);
            }
        }
    }

    /** Nothing to release: every operation gave back its pooled connection and closed its files. */
    @Override
    public void close() {
    }

    /** Work on one upload's row, in one transaction. */
    @FunctionalInterface
    private interface RowWork<T> {
        T run(Connection connection) throws SQLException, IOException;
    }

    /**
     * Runs {@code work} in one transaction through the session holding this node's lock on
     * {@code id} when there is one (so that a lost lock fails it), else on a connection of its own.
     */
    private <T> T underLock(UploadId id, RowWork<T> work) throws IOException {
        Optional<Connection> session = locker.session(id);
        if (session.isEmpty()) {
            return database.transaction(work::run);
        }
        return inSession(session.get(), work);
    }

    private <T> T inSession(Connection session, RowWork<T> work) throws IOException {
        try {
            session.setAutoCommit(false);
            try {
                T result = work.run(session);
                session.commit();
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                session.rollback();
                throw e;
            } finally {
                session.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IOException("database " + database.redactedUrl() + ": " + e.getMessage(), e);
        }
    }

    static String dataKey(UploadId id) {
        return prefix(id) + "data";
    }

    private static String prefix(UploadId id) {
        return "uploads/" + id.value() + "/";
    }

    private static String randomSuffix() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return "PostgresUploadStore[" + database.redactedUrl() + ", " + objects + "]";
    }

    /** Spools one chunk, then stores and records it at commit; see the class comment. */
    private final class ObjectChunkWriter implements ChunkWriter {
        private final UploadInfo upload;
        private final Path file;
        private final FileChannel channel;
        private long written;

        ObjectChunkWriter(UploadInfo upload, Path file, FileChannel channel) {
            this.upload = upload;
            this.file = file;
            this.channel = channel;
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            if (upload.offset() + written + bytes.remaining() > upload.length()) {
                throw new IllegalArgumentException("chunk would pass the upload's length");
            }
            while (bytes.hasRemaining()) {
                written += channel.write(bytes, written);
            }
        }

        @Override
        public long written() {
            return written;
        }

        @Override
        public UploadInfo commit(Instant newExpires) throws IOException {
            UploadId id = upload.id();
            Connection session = locker.session(id).orElseThrow(() -> new IllegalStateException(
                    "a chunk of upload " + id + " is committed only by the holder of its lock"));
            Instant expires = newExpires.truncatedTo(ChronoUnit.MICROS);
            UploadInfo advanced = upload.advancedTo(upload.offset() + written, expires);
            // Fenced before any byte is stored, so that a holder that lost its lock overwrites nothing. Only
            // reads, in the session's auto-commit mode: the lock's holder is the only writer of these rows.
            Stored stored;
            try {
                stored = new Stored(fencedRow(session), parts(session, id));
            } catch (SQLException e) {
                throw new IOException("database " + database.redactedUrl() + ": " + e.getMessage(), e);
            }
            long partsLength = stored.parts().stream().mapToLong(ObjectStore.Part::length).sum();
            long waiting = upload.offset() - partsLength;
            long pending = waiting + written;
            boolean last = advanced.offset() == upload.length();
            if (written == 0 && !last) {
                return record(session, advanced, null, stored.row().incompleteKey(), stored.row());
            }
            if (last || pending >= objects.minimumPartSize()) {
                ObjectStore.Part part;
                try (InputStream bytes = pendingBytes(stored.row().incompleteKey(), waiting)) {
                    part = objects.uploadPart(dataKey(id), stored.row().multipartId(), stored.parts().size() + 1,
                            bytes, pending);
                }
                UploadInfo recorded = record(session, advanced, part, null, stored.row());
                if (last) {
                    List<ObjectStore.Part> all = new ArrayList<>(stored.parts());
                    all.add(part);
                    objects.completeMultipart(dataKey(id), stored.row().multipartId(), all);
                }
                return recorded;
            }
            String incomplete = prefix(id) + "incomplete-" + randomSuffix();
            try (InputStream bytes = pendingBytes(stored.row().incompleteKey(), waiting)) {
                objects.put(incomplete, bytes, pending);
            }
            try {
                return record(session, advanced, null, incomplete, stored.row());
            } catch (IOException | RuntimeException e) {
                objects.delete(incomplete);
                throw e;
            }
        }

        private record Stored(Row row, List<ObjectStore.Part> parts) {}

        /** The upload's row, if the session still holds the lock and the offset is the chunk's start. */
        private Row fencedRow(Connection connection) throws SQLException, IOException {
            Optional<Row> found;
            // The lock's check and the row in one statement: one round trip.
            try (PreparedStatement select = connection.prepareStatement("SELECT " + HOLDS_LOCK + " AS held, "
                    + COLUMNS + ", multipart_id, incomplete_key, outcome, removing FROM uploads "
                    + "RIGHT JOIN (SELECT 1) AS always ON upload_id = ?")) {
                select.setLong(1, PostgresUploadLocker.key(upload.id()));
                select.setString(2, upload.id().value());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    if (!row.getBoolean("held")) {
                        throw new IOException("the lock of upload " + upload.id() + " was lost; the chunk is not "
                                + "recorded and the client resumes from the recorded offset");
                    }
                    found = row.getString("upload_id") == null ? Optional.empty() : Optional.of(parse(row));
                }
            }
            Row row = found.filter(current -> !current.removing())
                    .orElseThrow(() -> new NoSuchFileException(upload.id().value()));
            if (row.info().offset() != upload.offset() || row.info().state() != UploadState.RECEIVING) {
                throw new IOException("upload " + upload.id() + " moved to offset " + row.info().offset()
                        + " since this chunk began at " + upload.offset() + "; the chunk is not recorded");
            }
            return row;
        }

        /** The bytes waiting in the incomplete object, then the spooled chunk. */
        private InputStream pendingBytes(String incompleteKey, long waiting) throws IOException {
            InputStream chunk = Files.newInputStream(file);
            if (waiting == 0) {
                return chunk;
            }
            return new SequenceInputStream(objects.open(incompleteKey), chunk);
        }

        /** Records the new offset through the lock's session, fenced; then drops the superseded incomplete object. */
        private UploadInfo record(Connection session, UploadInfo advanced, ObjectStore.Part part, String incomplete,
                Row before) throws IOException {
            inSession(session, connection -> {
                try (PreparedStatement update = connection.prepareStatement("UPDATE uploads SET upload_offset = ?, "
                        + "expires_at = ?, state = ?, incomplete_key = ? WHERE upload_id = ? AND upload_offset = ? "
                        + "AND state = 'RECEIVING' AND NOT removing AND " + HOLDS_LOCK)) {
                    update.setLong(1, advanced.offset());
                    Rows.setInstant(update, 2, advanced.expires());
                    update.setString(3, advanced.state().name());
                    update.setString(4, incomplete);
                    update.setString(5, upload.id().value());
                    update.setLong(6, upload.offset());
                    update.setLong(7, PostgresUploadLocker.key(upload.id()));
                    if (update.executeUpdate() != 1) {
                        throw new IOException("upload " + upload.id() + " moved on or its lock was lost while the "
                                + "chunk was stored; the chunk is not recorded");
                    }
                }
                if (part != null) {
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO upload_parts "
                            + "(upload_id, part_number, etag, length) VALUES (?, ?, ?, ?)")) {
                        insert.setString(1, upload.id().value());
                        insert.setInt(2, part.number());
                        insert.setString(3, part.etag());
                        insert.setLong(4, part.length());
                        insert.executeUpdate();
                    }
                }
                return null;
            });
            String superseded = before.incompleteKey();
            if (superseded != null && !superseded.equals(incomplete)) {
                // After the commit: a crash before this leaves an object no record names, which recover() deletes.
                objects.delete(superseded);
            }
            return advanced;
        }

        @Override
        public void close() throws IOException {
            try (channel) {
                Files.deleteIfExists(file);
            }
        }
    }
}
