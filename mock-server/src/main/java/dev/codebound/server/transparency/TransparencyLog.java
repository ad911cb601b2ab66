package dev.codebound.server.transparency;

import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.log.CheckpointException;
import dev.codebound.protocol.log.ConsistencyProof;
import dev.codebound.protocol.log.InclusionProof;
import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.log.LogOrigins;
import dev.codebound.protocol.log.NoteSigner;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.wire.LogInclusion;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The registry's append-only transparency log of accepted envelopes (RFC 9162 Merkle tree, see
 * docs/spec-log.md), with C2SP checkpoints signed by the receipt-signing key under the origin
 * {@link LogOrigins#forRegistry}, over a {@link LogStorage}.
 *
 * <p>Appends come in batches ({@link #appendAll}): the batch's new entries go to storage in one
 * durable write, then <b>one</b> checkpoint is signed and stored for the whole batch, and every
 * entry's inclusion proof is given against it. Appends are serialized with each other only;
 * queries never wait for an append's disk write.
 *
 * <p>On open, the log must still contain the tree of the last checkpoint it signed (same size or
 * larger, same root at that size): a log that lost acknowledged entries refuses to start rather
 * than sign a checkpoint inconsistent with one it already published.
 */
public final class TransparencyLog implements Closeable {
    /**
     * One entry of a batch as the log holds it, and its inclusion in the batch's checkpoint.
     *
     * @param logged    the entry as logged: an earlier entry for the same envelope (a retry after a
     *                  crash) keeps its original acceptance time
     * @param inclusion its index, the tree size, the audit path and the signed checkpoint
     */
    public record Appended(LogEntry logged, LogInclusion inclusion) {}

    /** The index placeholder of an entry this call appends, until the storage assigns its index. */
    private static final long NOT_YET_LOGGED = -1;

    private final LogStorage storage;
    private final NoteSigner signer;
    private final String origin;
    /** Serializes appends (the storage takes one writer at a time); never taken by a query. */
    private final Object appendOrder = new Object();
    /** The latest checkpoint this node signed and stored, with the tree size it covers. */
    private volatile Signed latest;
    /** The checkpoint being stored (appends and the checkpoint at open are serialized). */
    private Signed signing;

    private record Signed(String note, long size) {}

    private TransparencyLog(LogStorage storage, NoteSigner signer, String origin) {
        this.storage = storage;
        this.signer = signer;
        this.origin = origin;
    }

    /** Opens (creating if missing) the log in files under {@code directory} ({@link FileLogStorage}). */
    public static TransparencyLog open(Path directory, RegistryKeyring keyring) throws IOException {
        return open(FileLogStorage.open(directory), keyring);
    }

    /** Opens the log over {@code storage}, which it closes on failure and on {@link #close}. */
    public static TransparencyLog open(LogStorage storage, RegistryKeyring keyring) throws IOException {
        String origin = LogOrigins.forRegistry(keyring.registryName());
        RegistryKeyring.KeyedCertificate key = keyring.receiptSigning();
        NoteSigner signer = new NoteSigner(origin, key.privateKey(), key.certificate().getPublicKey());
        TransparencyLog log = new TransparencyLog(storage, signer, origin);
        try {
            log.checkAgainstLastCheckpoint();
            log.publishCheckpoint();
        } catch (IOException | RuntimeException e) {
            storage.close();
            throw e;
        }
        return log;
    }

    private void checkAgainstLastCheckpoint() throws IOException {
        Optional<String> note = storage.checkpoint();
        if (note.isEmpty()) {
            return;
        }
        Checkpoint last;
        try {
            last = Checkpoint.verify(note.get(), signer.verifier(), origin);
        } catch (CheckpointException e) {
            throw new IOException("the last checkpoint in " + storage + " does not verify: " + e.getMessage(), e);
        }
        if (storage.size() < last.size()
                || !MessageDigest.isEqual(storage.rootHash(last.size()), last.rootHash())) {
            throw new IOException("the transparency log holds " + storage.size() + " entries but its last signed "
                    + "checkpoint covers " + last.size() + " with another root: entries were lost or altered; "
                    + "restore " + storage + " from backup");
        }
    }

    /**
     * Appends the entries whose envelope is not in the log yet (an envelope already logged, by a
     * try that a crash cut short, keeps its entry), durably and in one write, signs one checkpoint
     * for the result, and returns, in order, each entry's inclusion against that checkpoint.
     */
    public List<Appended> appendAll(List<LogEntry> entries) throws IOException {
        synchronized (appendOrder) {
            Map<ByteBuffer, Long> indexes = new HashMap<>();
            Map<Long, LogEntry> earlier = new HashMap<>();
            while (true) {
                List<LogEntry> fresh = new ArrayList<>();
                indexes.clear();
                earlier.clear();
                for (LogEntry entry : entries) {
                    ByteBuffer key = ByteBuffer.wrap(entry.envelopeSha256());
                    if (indexes.containsKey(key)) {
                        continue;
                    }
                    OptionalLong existing = storage.indexOf(entry.envelopeSha256());
                    if (existing.isPresent()) {
                        indexes.put(key, existing.getAsLong());
                        earlier.put(existing.getAsLong(), storage.entry(existing.getAsLong()));
                    } else {
                        indexes.put(key, NOT_YET_LOGGED);
                        fresh.add(entry);
                    }
                }
                if (fresh.isEmpty()) {
                    break;
                }
                try {
                    // The storage assigns the indexes: over a shared database another node may have
                    // appended since this node last looked at the log's size.
                    // One durable write for the entries and their checkpoint where the storage can.
                    long first = storage.appendWithCheckpoint(fresh, this::signCheckpoint);
                    latest = signing;
                    for (int i = 0; i < fresh.size(); i++) {
                        indexes.put(ByteBuffer.wrap(fresh.get(i).envelopeSha256()), first + i);
                    }
                    break;
                } catch (AlreadyLoggedException e) {
                    // Another node logged one of these envelopes after the lookup: look again and reuse its
                    // entry, as a retry after a crash does. Each round finds more of the batch logged.
                }
            }
            // New entries, or one another node logged after this node's last checkpoint, need a newer one.
            if (indexes.values().stream().anyMatch(index -> index >= latest.size())) {
                publishCheckpoint();
            }
            Signed signed = latest;
            long size = signed.size();
            String checkpoint = signed.note();
            List<Appended> appended = new ArrayList<>(entries.size());
            for (LogEntry entry : entries) {
                long index = indexes.get(ByteBuffer.wrap(entry.envelopeSha256()));
                appended.add(new Appended(earlier.getOrDefault(index, entry), new LogInclusion(index, size,
                        storage.inclusionProof(index, size).hashes(), checkpoint)));
            }
            return appended;
        }
    }

    /** {@link #appendAll} of one entry. */
    public LogInclusion append(LogEntry entry) throws IOException {
        return appendAll(List.of(entry)).get(0).inclusion();
    }

    private void publishCheckpoint() throws IOException {
        // One size for the note and the proofs served with it, whatever entries arrive meanwhile.
        long size = storage.size();
        storage.storeCheckpoint(signCheckpoint(size, storage.rootHash(size)));
        latest = signing;
    }

    /**
     * Signs the checkpoint of the tree of {@code size} entries; it becomes {@link #latest} once the
     * storage call that stores it has returned.
     */
    private String signCheckpoint(long size, byte[] rootHash) {
        String note = new Checkpoint(origin, size, rootHash).sign(signer);
        signing = new Signed(note, size);
        return note;
    }

    /**
     * The latest signed checkpoint note: the storage's, which over a storage shared by several nodes
     * is the largest tree any node signed, so that a client gets the newest checkpoint whichever node
     * it asks (and that node's proofs reach it).
     */
    public String latestCheckpoint() throws IOException {
        return storage.checkpoint().orElse(latest.note());
    }

    public String origin() {
        return origin;
    }

    public long size() {
        return storage.size();
    }

    /** The inclusion proof of entry {@code index} in the tree of {@code size} entries. */
    public InclusionProof inclusionProof(long index, long size) {
        return storage.inclusionProof(index, size);
    }

    /** The consistency proof between the trees of {@code oldSize} and {@code newSize} entries. */
    public ConsistencyProof consistencyProof(long oldSize, long newSize) {
        return storage.consistencyProof(oldSize, newSize);
    }

    /** Entries {@code start} (inclusive) to {@code end} (exclusive). */
    public List<LogEntry> entries(long start, long end) throws IOException {
        List<LogEntry> result = new ArrayList<>();
        for (long index = start; index < end; index++) {
            result.add(storage.entry(index));
        }
        return result;
    }

    @Override
    public void close() throws IOException {
        synchronized (appendOrder) {
            storage.close();
        }
    }
}
