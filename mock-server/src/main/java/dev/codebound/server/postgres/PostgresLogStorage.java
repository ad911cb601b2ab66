package dev.codebound.server.postgres;

import dev.codebound.protocol.log.ConsistencyProof;
import dev.codebound.protocol.log.InclusionProof;
import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.log.MerkleTree;
import dev.codebound.server.transparency.AlreadyLoggedException;
import dev.codebound.server.transparency.LogStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The transparency log's {@link LogStorage} in PostgreSQL, one log for every registry node:
 *
 * <pre>
 * log_entries (leaf_index, entry, envelope_sha256)   one row per entry, indexes dense from 0
 * log_head    (size, checkpoint_size, checkpoint)     the log's size and its newest signed checkpoint
 * </pre>
 *
 * <p><b>Appends are serialized by the database</b>: an append locks the {@code log_head} row, so
 * the batches of several nodes follow one another; it first brings this node's tree up to the
 * size it finds there (entries other nodes appended), then inserts its whole batch in one
 * statement batch and one commit, and moves the head. The entries are durable when the commit
 * returns; only then do they enter the tree that answers roots and proofs. No envelope is logged
 * twice, whichever node tried: an entry whose envelope another node logged since this node looked
 * is not inserted ({@code ON CONFLICT DO NOTHING}), and then the whole batch is rolled back and
 * {@link AlreadyLoggedException} thrown, which leaves the storage usable (the database is as
 * before), so the log looks the envelopes up again.
 *
 * <p><b>Other nodes' entries</b> enter this node's tree at its next append, when {@link #indexOf}
 * finds an entry beyond it, when a root or a proof is asked for a tree larger than this node's (a
 * checkpoint another node signed), or in the background once a query finds the tree older than the
 * refresh interval ({@link LocalView}).
 *
 * <p><b>Checkpoints</b>: the note of the largest tree is kept; a slower node storing the note of a
 * smaller tree later does not replace it.
 *
 * <p>After a failed append this storage refuses further appends until it is reopened, as the
 * contract asks; the database itself is left consistent by the rollback.
 */
public final class PostgresLogStorage implements LogStorage {
    private final Database database;
    private final MerkleTree tree = new MerkleTree();
    /** Guards the tree's growth: appends and catch-ups add leaves in index order. */
    private final Object growth = new Object();
    private final LocalView view;
    private volatile IOException failure;

    private PostgresLogStorage(Database database, Duration refreshInterval) {
        this.database = database;
        this.view = new LocalView(refreshInterval, this::catchUp);
    }

    /** Opens the log over a migrated database, reading every entry's leaf hash into memory. */
    public static PostgresLogStorage open(Database database, Duration refreshInterval) throws IOException {
        PostgresLogStorage storage = new PostgresLogStorage(database, refreshInterval);
        storage.view.reloadNow();
        return storage;
    }

    @Override
    public long append(List<LogEntry> entries) throws IOException {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        synchronized (growth) {
            if (failure != null) {
                throw new IOException("an earlier append to the log failed; reopen the storage before appending",
                        failure);
            }
            try {
                long first = database.transaction(connection -> {
                    long start;
                    try (PreparedStatement head = connection.prepareStatement(
                            "SELECT size FROM log_head FOR UPDATE");
                            ResultSet row = head.executeQuery()) {
                        row.next();
                        start = row.getLong(1);
                    }
                    growTo(connection, start);
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO log_entries "
                            + "(leaf_index, entry, envelope_sha256) VALUES (?, ?, ?) "
                            + "ON CONFLICT (envelope_sha256) DO NOTHING")) {
                        for (int i = 0; i < entries.size(); i++) {
                            insert.setLong(1, start + i);
                            insert.setBytes(2, entries.get(i).encode());
                            insert.setBytes(3, entries.get(i).envelopeSha256());
                            insert.addBatch();
                        }
                        int logged = (int) Arrays.stream(insert.executeBatch()).filter(count -> count == 0).count();
                        if (logged > 0) {
                            // The transaction rolls back: the indexes stay dense.
                            throw new AlreadyLoggedException(logged);
                        }
                    }
                    try (PreparedStatement head = connection.prepareStatement("UPDATE log_head SET size = ?")) {
                        head.setLong(1, start + entries.size());
                        head.executeUpdate();
                    }
                    return start;
                });
                // Durable now: the entries may answer queries.
                entries.forEach(entry -> tree.append(entry.leafHash()));
                return first;
            } catch (AlreadyLoggedException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                failure = e instanceof IOException io ? io : new IOException(e);
                throw e;
            }
        }
    }

    @Override
    public OptionalLong indexOf(byte[] envelopeSha256) throws IOException {
        if (envelopeSha256.length != 32) {
            throw new IllegalArgumentException("an envelope SHA-256 is 32 bytes, got " + envelopeSha256.length);
        }
        OptionalLong index = database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT leaf_index FROM log_entries WHERE envelope_sha256 = ?")) {
                select.setBytes(1, envelopeSha256);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
                }
            }
        });
        if (index.isPresent() && index.getAsLong() >= tree.size()) {
            // Another node logged it since this node's tree last grew: proofs for it need the tree now.
            catchUp();
        }
        return index;
    }

    @Override
    public long size() {
        view.touch();
        return tree.size();
    }

    @Override
    public LogEntry entry(long index) throws IOException {
        if (index < 0 || index >= tree.size()) {
            throw new IllegalArgumentException("entry " + index + " is outside a log of " + tree.size());
        }
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT entry FROM log_entries WHERE leaf_index = ?")) {
                select.setLong(1, index);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw new IOException("log entry " + index + " is missing from the database");
                    }
                    return LogEntry.decode(row.getBytes(1));
                }
            }
        });
    }

    @Override
    public byte[] rootHash(long treeSize) {
        reach(treeSize);
        return tree.rootHash(treeSize);
    }

    @Override
    public InclusionProof inclusionProof(long leafIndex, long treeSize) {
        reach(treeSize);
        return tree.inclusionProof(leafIndex, treeSize);
    }

    @Override
    public ConsistencyProof consistencyProof(long oldSize, long newSize) {
        reach(newSize);
        return tree.consistencyProof(oldSize, newSize);
    }

    /**
     * Catches up now when asked about a tree larger than this node's: a client may hold a checkpoint
     * another node signed a moment ago and ask this node for a proof against it.
     */
    private void reach(long treeSize) {
        if (treeSize <= tree.size()) {
            return;
        }
        try {
            catchUp();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<String> checkpoint() throws IOException {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT checkpoint FROM log_head");
                    ResultSet row = select.executeQuery()) {
                row.next();
                return Optional.ofNullable(row.getString(1));
            }
        });
    }

    @Override
    public void storeCheckpoint(String note) throws IOException {
        long size = checkpointSize(note);
        database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE log_head SET checkpoint = ?, "
                    + "checkpoint_size = ? WHERE checkpoint_size IS NULL OR checkpoint_size <= ?")) {
                update.setString(1, note);
                update.setLong(2, size);
                update.setLong(3, size);
                return update.executeUpdate();
            }
        });
    }

    /** Nothing to release: every operation gave its pooled connection back. */
    @Override
    public void close() {
    }

    /** Brings the tree up to the entries committed by any node, now. */
    void refresh() throws IOException {
        view.reloadNow();
    }

    /** Brings the tree up to the entries committed by any node. */
    private void catchUp() throws IOException {
        synchronized (growth) {
            database.transaction(connection -> {
                long size;
                try (PreparedStatement head = connection.prepareStatement("SELECT size FROM log_head");
                        ResultSet row = head.executeQuery()) {
                    row.next();
                    size = row.getLong(1);
                }
                growTo(connection, size);
                return null;
            });
        }
    }

    /** Adds the leaves from the tree's size up to {@code size}; the caller holds {@link #growth}. */
    private void growTo(Connection connection, long size) throws SQLException {
        if (tree.size() >= size) {
            return;
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT leaf_index, entry FROM log_entries WHERE leaf_index >= ? AND leaf_index < ? ORDER BY 1")) {
            select.setLong(1, tree.size());
            select.setLong(2, size);
            select.setFetchSize(4096);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (rows.getLong(1) != tree.size()) {
                        throw new SQLException("log entry " + tree.size() + " is missing from the database");
                    }
                    tree.append(LogEntry.decode(rows.getBytes(2)).leafHash());
                }
            }
        }
        if (tree.size() != size) {
            throw new SQLException("the log head says " + size + " entries but the database holds " + tree.size());
        }
    }

    /** The tree size a C2SP checkpoint note states on its second line. */
    private static long checkpointSize(String note) {
        String[] lines = note.split("\n", 3);
        if (lines.length < 3) {
            throw new IllegalArgumentException("not a checkpoint note: fewer than three lines");
        }
        return Long.parseLong(lines[1]);
    }
}
