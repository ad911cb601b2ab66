package dev.codebound.agent.spool;

import dev.codebound.agent.spool.SpoolRecords.Slot;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.io.GroupCommitJournal;
import dev.codebound.protocol.pki.Providers;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.WireFormatException;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The durable queue of sealed envelopes (see the package documentation for the layout). One
 * process at a time may open a spool: {@link #open} takes an exclusive OS lock that a crash
 * releases.
 *
 * <p>The entries live in memory and every change is a record in the spool's
 * {@link GroupCommitJournal}: under the spool's lock a method changes memory and queues the record
 * (so that memory order is journal order); it then waits, outside the lock, until the record is
 * durable, and only then returns. So every change is durable <em>before</em> the caller takes the
 * network step that depends on it, no lock is ever held across an fsync, and the changes of
 * parallel upload workers share one fsync. Whatever instant a crash strikes, the next
 * {@link #open} replays a state it can resume from. Methods are thread-safe.
 */
public final class Spool implements Closeable {
    static final String JOURNAL = "journal";
    static final String ENVELOPES = "envelopes";
    static final String ENVELOPE_SUFFIX = ".cms";
    static final String PARTIAL_SUFFIX = ".partial";
    /** The journal is compacted when it is this many times the live entries' records, and above {@link #MIN_COMPACTION}. */
    private static final int COMPACTION_FACTOR = 4;
    private static final long MIN_COMPACTION = 256 << 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final Path envelopes;
    private final Clock clock;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final SpoolActivity activity;
    private final Map<String, Slot> entries = new HashMap<>();
    /** Bytes of each entry's last record: the size of the journal once compacted. */
    private final Map<String, Integer> liveRecordBytes = new HashMap<>();
    private long liveBytes;
    private long journalBytes;
    private GroupCommitJournal journal;
    private CompletableFuture<Void> lastQueued = CompletableFuture.completedFuture(null);
    /**
     * New entries whose record is queued and not durable yet: not listed by {@link #entries}, so
     * that no upload sends an envelope a crash could still take out of the spool (the registry
     * would then hold a delivery the station can never record).
     */
    private final Set<String> notYetDurable = new HashSet<>();
    private RecoveryReport recoveryReport;

    private Spool(Path directory, Clock clock, FileChannel lockChannel, FileLock lock, SpoolActivity activity) {
        this.directory = directory;
        this.envelopes = directory.resolve(ENVELOPES);
        this.clock = clock;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.activity = activity;
    }

    /** {@link #open(Path, Clock, String)} by a holder that does not say which command it is. */
    public static Spool open(Path directory, Clock clock) throws IOException {
        return open(directory, clock, null);
    }

    /**
     * Opens (creating if needed) the spool in {@code directory}, takes its lock, replays its
     * journal, repairs what an earlier crash left behind (see {@link #recoveryReport()}) and
     * migrates a spool of the layout before the journal; it compacts the journal when it repaired
     * or migrated anything or the journal has grown well past its entries. Who holds it is
     * published for {@code status} (see {@link SpoolActivity}).
     *
     * @param holder the agent command opening it, e.g. {@code upload}; {@code null} if unnamed
     * @throws SpoolBusyException when another process holds the spool
     * @throws IOException         when the disk fails or the journal holds a record this agent cannot read
     */
    public static Spool open(Path directory, Clock clock, String holder) throws IOException {
        Path root = directory.toAbsolutePath();
        Files.createDirectories(root.resolve(ENVELOPES));
        FileChannel channel = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new SpoolBusyException("spool " + root + " is in use by another agent process");
        }
        Spool spool = new Spool(root, clock, channel, lock, SpoolActivity.publish(root, holder, clock.instant()));
        try {
            spool.load();
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    private void load() throws IOException {
        DurableFiles.removeStaleTemporaries(directory);
        Path journalFile = directory.resolve(JOURNAL);
        Map<String, Replayed> replayed = new HashMap<>();
        try {
            journal = GroupCommitJournal.open(journalFile, false, record -> {
                int length = record.remaining();
                Slot slot = apply(entries, record, journalFile);
                if (slot != null) {
                    replayed.put(slot.entry().id(), new Replayed(slot, length));
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        SpoolRecovery recovery = new SpoolRecovery(directory, envelopes, clock.instant());
        recoveryReport = recovery.recover(entries);
        CompletableFuture<Void> compacted = null;
        synchronized (this) {
            for (Slot slot : entries.values()) {
                Replayed last = replayed.get(slot.entry().id());
                // An entry's live record is its last one, unless recovery changed the entry: only then encode it.
                int length = last != null && last.slot() == slot ? last.length() : SpoolRecords.put(slot).length;
                liveRecordBytes.put(slot.entry().id(), length);
                liveBytes += length;
            }
            journalBytes = journal.replay().bytes();
            // Repairs and a migration live only in memory until this rewrite. Otherwise an open writes nothing
            // unless the journal has grown well past its entries, so that status and remove work on a full disk.
            if (!recoveryReport.repairs().isEmpty() || recovery.migrated() || needsCompaction()) {
                compacted = compact();
            }
        }
        if (compacted != null) {
            GroupCommitJournal.await(compacted);
        }
        if (recovery.migrated()) {
            recovery.finishMigration();
        } else {
            recovery.deleteLegacyLeftovers();
        }
    }

    /** An entry's last record met in the journal, and its length, so that opening need not encode it again. */
    private record Replayed(Slot slot, int length) {}

    /** Applies one journal record to {@code entries}; returns the entry it put, or null if it removed one. */
    private static Slot apply(Map<String, Slot> entries, ByteBuffer record, Path journalFile) {
        try {
            Object decoded = SpoolRecords.decode(record);
            if (decoded instanceof Slot slot) {
                entries.put(slot.entry().id(), slot);
                return slot;
            }
            entries.remove((String) decoded);
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(journalFile + ": " + e.getMessage() + ". A crash "
                    + "cannot cause this (a torn record is cut, not read); keep the spool directory for the "
                    + "security team and run 'codebound-agent status' with the agent version that wrote it", e));
        }
    }

    /** What opening the spool repaired. */
    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    /** The spool's directory. */
    public Path directory() {
        return directory;
    }

    /** fsyncs of the spool's journal since it was opened: a figure for tests and benchmarks. */
    public long journalSyncs() {
        return journal.syncs();
    }

    /**
     * Copies a sealed envelope into the spool as a QUEUED entry. The copy is hashed as it is
     * written; the entry id is the envelope's SHA-256, so enqueueing the same envelope twice returns
     * the existing entry. The caller may delete its file once this returns. The same as
     * {@link #stage(Path)} then {@link #commit}.
     *
     * @param sealedEnvelope an envelope already encrypted to the registry; never a plaintext photo
     */
    public SpoolEntry enqueue(Path sealedEnvelope, String codeId, String stationId, String filename)
            throws IOException {
        try (Staged staged = stage(sealedEnvelope)) {
            return commit(staged, codeId, stationId, filename);
        }
    }

    /**
     * An envelope written into {@code envelopes/} under a temporary name and forced to disk, not yet
     * an entry: the large write of an enqueue, done first so that a full disk refuses it before
     * anything is recorded about it. Closing it deletes the file unless it was
     * {@linkplain #commit committed}; a crash leaves the file to the next {@link #open}, which
     * deletes it.
     */
    public static final class Staged implements Closeable {
        private final Path file;
        private final String sha256;
        private final long length;
        private boolean committed;

        private Staged(Path file, String sha256, long length) {
            this.file = file;
            this.sha256 = sha256;
            this.length = length;
        }

        /** The envelope's SHA-256, hex: the id its entry will have. */
        public String sha256() {
            return sha256;
        }

        /** The envelope's length in bytes. */
        public long length() {
            return length;
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * Copies a sealed envelope into the spool, hashing it as it is written, and forces it to disk.
     *
     * @param sealedEnvelope an envelope already encrypted to the registry; never a plaintext photo
     * @throws IOException when the disk refuses the copy (nothing is left behind)
     */
    public Staged stage(Path sealedEnvelope) throws IOException {
        requireCmsStructure(sealedEnvelope);
        return stage(out -> Files.copy(sealedEnvelope, out));
    }

    /**
     * Writes a sealed envelope straight into the spool as {@code sealer} produces it (so that its
     * bytes are written and forced once, with no copy), hashing it on the way.
     *
     * @param sealer writes the sealed envelope, already encrypted to the registry; never a plaintext photo
     * @throws IOException              when the disk refuses the write (nothing is left behind)
     * @throws IllegalArgumentException when what was written is not a CMS structure
     */
    public Staged stage(DurableFiles.ContentWriter sealer) throws IOException {
        Path partial = envelopes.resolve("." + HexFormat.of().formatHex(randomBytes()) + PARTIAL_SUFFIX);
        try {
            MessageDigest digest = Providers.bulkSha256();
            long length;
            try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.READ)) {
                CountingStream counting = new CountingStream(new DigestOutputStream(Channels.newOutputStream(out),
                        digest));
                try (OutputStream buffered = new BufferedOutputStream(counting, 64 * 1024)) {
                    sealer.writeTo(buffered);
                }
                length = counting.count;
                requireCmsStructure(out);
                // Data and length durable once; the name becomes durable with the entry's record (directory sync).
                out.force(false);
            }
            return new Staged(partial, HexFormat.of().formatHex(digest.digest()), length);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    /** Counts the bytes written through it; closing it leaves the channel below to its owner. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        private long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /**
     * Makes a staged envelope a QUEUED entry (or returns the existing entry of the same envelope).
     *
     * <p>The staged file is renamed to {@code envelopes/<id>.cms}, then the entry's record is
     * appended with a sync of that directory, so the rename is durable before the record is: a
     * crash before the record leaves an envelope without an entry, which {@link #open} deletes.
     */
    public SpoolEntry commit(Staged staged, String codeId, String stationId, String filename) throws IOException {
        if (staged.committed) {
            throw new IllegalStateException("this envelope was committed already");
        }
        EnvelopeInfo info = new EnvelopeInfo(codeId, stationId, filename, staged.sha256(), staged.length(),
                clock.instant());
        CompletableFuture<Void> durable;
        SpoolEntry entry;
        synchronized (this) {
            Slot existing = entries.get(info.sha256());
            if (existing != null) {
                entry = existing.entry();
                durable = lastQueued;
            } else {
                Files.move(staged.file, envelopeFile(info.sha256()), StandardCopyOption.ATOMIC_MOVE);
                staged.committed = true;
                entry = SpoolEntry.queued(info, clock.instant());
                notYetDurable.add(entry.id());
                durable = put(new Slot(entry, null), envelopes);
            }
        }
        GroupCommitJournal.await(durable);
        synchronized (this) {
            notYetDurable.remove(entry.id());
        }
        return entry;
    }

    /**
     * A cheap guard against spooling a plaintext photo by mistake: every CMS ContentInfo is an
     * ASN.1 SEQUENCE (first byte 0x30), while a JPEG starts with 0xFF. The envelope's real check
     * (signature, encryption) is the registry's; this only keeps the wrong kind of file out.
     */
    private static void requireCmsStructure(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            if (in.read() != 0x30) {
                throw new IllegalArgumentException(file.getFileName() + " is not a sealed CMS envelope; the spool "
                        + "never takes plaintext photos");
            }
        }
    }

    private static void requireCmsStructure(FileChannel written) throws IOException {
        ByteBuffer first = ByteBuffer.allocate(1);
        if (written.read(first, 0) != 1 || first.get(0) != 0x30) {
            throw new IllegalArgumentException("what was sealed is not a CMS envelope; the spool never takes "
                    + "plaintext photos");
        }
    }

    /** Every entry whose record is durable, oldest first. */
    public synchronized List<SpoolEntry> entries() {
        return sorted(entries.values().stream().map(Slot::entry).filter(entry -> !notYetDurable.contains(entry.id()))
                .toList());
    }

    private static List<SpoolEntry> sorted(List<SpoolEntry> unsorted) {
        List<SpoolEntry> list = new ArrayList<>(unsorted);
        list.sort(Comparator.comparing((SpoolEntry e) -> e.info().createdAt()).thenComparing(SpoolEntry::id));
        return list;
    }

    /** One entry by id. */
    public synchronized Optional<SpoolEntry> entry(String id) {
        Slot slot = entries.get(id);
        return slot == null ? Optional.empty() : Optional.of(slot.entry());
    }

    /**
     * The entry whose id starts with {@code prefix} (at least 4 hex digits, as {@code status}
     * shows them), for operator commands.
     *
     * @throws IllegalArgumentException when no entry or more than one matches
     */
    public synchronized SpoolEntry findByPrefix(String prefix) {
        String wanted = prefix.strip().toLowerCase(java.util.Locale.ROOT);
        if (!wanted.matches("[0-9a-f]{4,64}")) {
            throw new IllegalArgumentException("'" + prefix + "' is not an entry id: give at least 4 of its hex "
                    + "digits, as 'status' shows them");
        }
        List<SpoolEntry> matches = entries.values().stream().map(Slot::entry)
                .filter(entry -> entry.id().startsWith(wanted)).sorted(Comparator.comparing(SpoolEntry::id)).toList();
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no spool entry id starts with " + wanted);
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException(wanted + " matches " + matches.size() + " entries ("
                    + String.join(", ", matches.stream().map(entry -> shortId(entry.id())).toList())
                    + "); give more digits");
        }
        return matches.get(0);
    }

    /** The entry's envelope file, for reading. */
    public Path envelopeFile(String id) {
        return envelopes.resolve(id + ENVELOPE_SUFFIX);
    }

    /** Where the spool in {@code directory} keeps the envelope of entry {@code id}, for readers without the lock. */
    public static Path envelopeFile(Path directory, String id) {
        return directory.toAbsolutePath().resolve(ENVELOPES).resolve(id + ENVELOPE_SUFFIX);
    }

    /**
     * Deletes the envelope of a DELIVERED entry (retention: the registry holds it, and the entry
     * keeps its receipt and state). Under the spool's lock, so that no other change of the entry
     * interleaves; deleting a name is no fsync, and the caller syncs the directory afterwards.
     *
     * @return whether a file was deleted (false when it was gone already)
     * @throws IllegalStateException when the entry is not DELIVERED
     */
    public synchronized boolean deleteDeliveredEnvelope(String id) throws IOException {
        SpoolEntry entry = require(id);
        if (entry.state() != EntryState.DELIVERED) {
            throw new IllegalStateException("entry " + shortId(id) + " is " + entry.state() + ", not DELIVERED; "
                    + "only a delivered entry's envelope may be deleted");
        }
        return Files.deleteIfExists(envelopeFile(id));
    }

    /**
     * Checks the envelope's length and SHA-256 against the recorded values and marks the entry
     * CORRUPT (with the reason) when they differ. The uploader calls this (or {@link #readVerified})
     * before an upload whose bytes go out in chunks, so that a truncated or altered file is never sent
     * in them.
     *
     * @return the entry as it now stands
     */
    public SpoolEntry verify(String id) throws IOException {
        return check(id, false, true).entry();
    }

    /**
     * An envelope read whole: {@code content} holds exactly the bytes read, whose length matched the
     * entry's record (and their SHA-256 too, from {@link #readVerified}), or is {@code null} when the
     * entry is now CORRUPT.
     */
    public record ReadEnvelope(SpoolEntry entry, byte[] content) {}

    /**
     * {@link #verify} that keeps the bytes it checked, for an envelope small enough to send from
     * memory: the file is opened and read once, and what is sent is what was hashed.
     *
     * @throws IllegalArgumentException when the entry's envelope is too large to hold in one array
     */
    public ReadEnvelope readVerified(String id) throws IOException {
        return check(id, true, true);
    }

    /**
     * The envelope read whole with its length checked but not its SHA-256, for the one request
     * whose {@code Upload-Checksum} is the recorded SHA-256 (a creation that carries the whole
     * envelope): the registry checks the bytes against the record and discards any that differ
     * (460), and only then need the station hash the file itself ({@link #readVerified}). A missing
     * or shorter or longer file marks the entry CORRUPT, as {@link #verify} does.
     *
     * @throws IllegalArgumentException when the entry's envelope is too large to hold in one array
     */
    public ReadEnvelope readForRegistryCheck(String id) throws IOException {
        return check(id, true, false);
    }

    private ReadEnvelope check(String id, boolean keepContent, boolean hash) throws IOException {
        SpoolEntry entry = require(id);
        long expected = entry.info().length();
        if (keepContent && expected > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("envelope of entry " + shortId(id) + " is " + expected
                    + " bytes, too large to hold in memory");
        }
        byte[] content;
        MessageDigest digest = hash ? Providers.bulkSha256() : null;
        try (FileChannel channel = FileChannel.open(envelopeFile(id), StandardOpenOption.READ)) {
            long length = channel.size();
            if (length != expected) {
                return new ReadEnvelope(markCorrupt(id, "envelope file is " + length + " bytes, expected "
                        + expected + " (truncated or altered)"), null);
            }
            // One array for the whole envelope when it is kept; else a bounded buffer that streams it.
            ByteBuffer buffer = ByteBuffer.allocate((int) (keepContent ? expected : Math.min(expected, 64 * 1024)));
            content = keepContent ? buffer.array() : null;
            for (long read = 0; read < expected; ) {
                int n = channel.read(buffer);
                if (n < 0) {
                    return new ReadEnvelope(markCorrupt(id, "envelope file ended after " + read + " bytes, "
                            + "expected " + expected + " (truncated)"), null);
                }
                read += n;
                if (!keepContent && !buffer.hasRemaining()) {
                    digest.update(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
            }
            if (hash) {
                digest.update(buffer.array(), 0, buffer.position());
            }
        } catch (NoSuchFileException e) {
            return new ReadEnvelope(markCorrupt(id, "envelope file is missing"), null);
        }
        if (hash && !HexFormat.of().formatHex(digest.digest()).equals(entry.info().sha256())) {
            return new ReadEnvelope(markCorrupt(id, "envelope file's SHA-256 differs from the recorded value "
                    + "(altered)"), null);
        }
        return new ReadEnvelope(entry, content);
    }

    /**
     * Records the server's upload URL (CREATED), or, when the server already acknowledged bytes
     * (creation-with-upload), the URL and the offset in one record (IN_FLIGHT). Called before the
     * first PATCH is sent.
     */
    public SpoolEntry markCreated(String id, String uploadUrl, long acknowledgedOffset) throws IOException {
        return change(id, entry -> {
            requireUploadable(entry);
            return acknowledgedOffset == 0
                    ? new SpoolEntry(entry.info(), EntryState.CREATED, uploadUrl, 0, entry.transientErrors(),
                            entry.lastError(), null, clock.instant())
                    : new SpoolEntry(entry.info(), EntryState.IN_FLIGHT, uploadUrl, acknowledgedOffset, 0, null, null,
                            clock.instant());
        });
    }

    /**
     * Records the offset the server acknowledged (IN_FLIGHT), after each chunk and after a HEAD.
     * The server's word is final even when it is behind what was recorded before (it lost data).
     */
    public SpoolEntry recordAcknowledged(String id, long offset) throws IOException {
        return change(id, entry -> {
            requireUploadable(entry);
            if (entry.uploadUrl() == null) {
                throw new IllegalStateException("entry " + shortId(id) + " has no upload to acknowledge");
            }
            return new SpoolEntry(entry.info(), EntryState.IN_FLIGHT, entry.uploadUrl(), offset, 0, null, null,
                    clock.instant());
        });
    }

    /**
     * The server no longer knows the upload (404/410, e.g. expired): forget its URL and start again
     * from QUEUED. The registry deduplicates by envelope hash, so a second upload is harmless.
     */
    public SpoolEntry markUploadGone(String id, String reason) throws IOException {
        return change(id, entry -> {
            requireUploadable(entry);
            return new SpoolEntry(entry.info(), EntryState.QUEUED, null, 0, entry.transientErrors(), reason, null,
                    clock.instant());
        });
    }

    /** Marks the entry DELIVERED with its receipt, in one record, and waits until it is durable. */
    public SpoolEntry markDelivered(String id, byte[] receiptJson) throws IOException {
        return queueDelivered(id, receiptJson).await();
    }

    /**
     * Marks the entry DELIVERED with its receipt, in one record, without waiting for the record to
     * reach the disk, so that an upload worker can go on with its next envelope (which does not
     * depend on this one) while the journal syncs. Nothing that depends on the delivery (archiving
     * the receipt, logging or reporting it, deleting the envelope) may happen before
     * {@link QueuedChange#await} returns. A crash before that leaves the entry as it was before, and
     * its next upload is answered with the same receipt: the registry deduplicates by envelope hash.
     */
    public QueuedChange queueDelivered(String id, byte[] receiptJson) {
        byte[] receipt = receiptJson.clone();
        return queueChange(id, entry -> {
            requireUploadable(entry);
            return new SpoolEntry(entry.info(), EntryState.DELIVERED, entry.uploadUrl(), entry.info().length(), 0,
                    null, null, clock.instant());
        }, receipt);
    }

    /** A change in memory and queued for the journal, durable once {@link #await} returns. */
    public static final class QueuedChange {
        private final SpoolEntry entry;
        private final CompletableFuture<Void> durable;

        private QueuedChange(SpoolEntry entry, CompletableFuture<Void> durable) {
            this.entry = entry;
            this.durable = durable;
        }

        /** The entry as the change made it. */
        public SpoolEntry entry() {
            return entry;
        }

        /**
         * Waits until the change is on disk.
         *
         * @return the entry as the change made it
         * @throws IOException when the journal could not be written (the change may be lost)
         */
        public SpoolEntry await() throws IOException {
            GroupCommitJournal.await(durable);
            return entry;
        }
    }

    /** Marks the entry REJECTED with the registry's problem and its reason, in one record. */
    public SpoolEntry markRejected(String id, Problem problem) throws IOException {
        return change(id, entry -> {
            requireUploadable(entry);
            return new SpoolEntry(entry.info(), EntryState.REJECTED, entry.uploadUrl(), entry.acknowledgedOffset(),
                    entry.transientErrors(), describe(problem), null, clock.instant());
        }, problem.toJson());
    }

    /**
     * Records a transient failure (FAILED): the upload URL and offset are kept so that the next
     * attempt resumes; {@code nextAttemptAt} is when that may happen.
     */
    public SpoolEntry markFailed(String id, String error, Instant nextAttemptAt) throws IOException {
        return change(id, entry -> {
            requireUploadable(entry);
            return new SpoolEntry(entry.info(), EntryState.FAILED, entry.uploadUrl(), entry.acknowledgedOffset(),
                    entry.transientErrors() + 1, error, nextAttemptAt, clock.instant());
        });
    }

    /** Marks the entry CORRUPT: its envelope will never be uploaded unless an operator retries it. */
    public SpoolEntry markCorrupt(String id, String reason) throws IOException {
        return change(id, entry -> new SpoolEntry(entry.info(), EntryState.CORRUPT, entry.uploadUrl(),
                entry.acknowledgedOffset(), entry.transientErrors(), reason, null, clock.instant()));
    }

    /**
     * Operator action. A FAILED entry becomes due at once, keeping its upload for resuming. A
     * REJECTED or CORRUPT entry goes back in the queue as a fresh upload (the registry deduplicates
     * by envelope hash); a CORRUPT one is re-verified and stays CORRUPT if its envelope still does
     * not match. The stored problem goes in the same record that re-queues the entry.
     */
    public SpoolEntry retry(String id) throws IOException {
        SpoolEntry retried = change(id, entry -> {
            if (entry.state() == EntryState.FAILED) {
                return new SpoolEntry(entry.info(), EntryState.FAILED, entry.uploadUrl(), entry.acknowledgedOffset(),
                        entry.transientErrors(), entry.lastError(), null, clock.instant());
            }
            if (!entry.state().needsOperator()) {
                throw new IllegalStateException("entry " + shortId(id) + " is " + entry.state() + "; only REJECTED, "
                        + "CORRUPT or FAILED entries can be retried");
            }
            return new SpoolEntry(entry.info(), EntryState.QUEUED, null, 0, 0, null, null, clock.instant());
        });
        return retried.state() == EntryState.QUEUED ? verify(id) : retried;
    }

    /**
     * Deletes an entry and its envelope, whatever its state; operators go through {@link #discard}
     * and {@link #withdraw}, which say which entries they may delete. The envelope file is deleted
     * once the removal is durable, so a crash in between leaves only a file that {@link #open}
     * deletes.
     */
    public void remove(String id) throws IOException {
        removeIf(id, entry -> {});
    }

    /**
     * Operator action: deletes an entry that will not be delivered as it is: REJECTED, FAILED or
     * CORRUPT (e.g. after a retake was captured). Entries on their way or delivered are never
     * discarded; a QUEUED one can be {@linkplain #withdraw withdrawn}.
     *
     * @return the entry as it was
     * @throws IllegalStateException naming the entry's state and what to do instead
     */
    public SpoolEntry discard(String id) throws IOException {
        return removeIf(id, entry -> {
            if (!entry.state().needsOperator() && entry.state() != EntryState.FAILED) {
                throw new IllegalStateException("entry " + shortId(id) + " is " + entry.state()
                        + "; only REJECTED, FAILED or CORRUPT entries can be removed"
                        + (entry.state() == EntryState.QUEUED ? " (to take it back before upload: 'withdraw')" : ""));
            }
        });
    }

    /**
     * Operator action: takes back an envelope the registry has not got, so that it is never
     * uploaded (e.g. a photo sealed for the wrong code). Only an entry without an upload at the
     * registry can be withdrawn: QUEUED, or FAILED before the registry created its upload. Once an
     * upload exists the registry may already hold every byte (its answer to the last chunk can be
     * lost), so the station cannot know that withdrawing it would keep the photo from the registry.
     * The entry is checked and removed from memory under the spool's lock, so no upload in this or
     * another process can pick it up afterwards.
     *
     * @throws IllegalStateException naming the entry's state and what to do instead
     */
    public SpoolEntry withdraw(String id) throws IOException {
        return removeIf(id, entry -> {
            boolean neverCreated = entry.state() == EntryState.QUEUED
                    || entry.state() == EntryState.FAILED && entry.uploadUrl() == null;
            if (!neverCreated) {
                throw new IllegalStateException("entry " + shortId(id) + " is " + entry.state()
                        + whyNotWithdrawable(entry));
            }
        });
    }

    private static String whyNotWithdrawable(SpoolEntry entry) {
        return switch (entry.state()) {
            case DELIVERED -> ": the registry has accepted it, so the station cannot take it back; ask the registry's "
                    + "administrator to withdraw the photo of code " + entry.info().codeId();
            case REJECTED, CORRUPT -> ": it will not be uploaded as it is; delete it with 'remove'";
            default -> " and has an upload at the registry (" + entry.acknowledgedOffset() + " of "
                    + entry.info().length() + " bytes acknowledged), which may already hold all of it, so the "
                    + "station cannot take it back: let 'upload' finish it, then ask the registry's administrator to "
                    + "withdraw the photo of code " + entry.info().codeId();
        };
    }

    /**
     * Forgets delivered entries the spool has no more work for, so that it holds what is still on
     * its way and not the station's whole history (which the transfer log and the receipt archive
     * keep): the retention sweep calls this for entries whose envelope is deleted, whose receipt is
     * archived and whose delivery the log records ({@code RetentionSweep}). An entry that is not
     * DELIVERED, or whose envelope is still there, is kept. One {@code remove} record each, queued
     * together under the lock and awaited once outside it; a crash before they are durable leaves
     * the entries, which the next sweep forgets again.
     *
     * @return the ids forgotten
     */
    public List<String> forgetDelivered(Collection<String> ids) throws IOException {
        List<String> forgotten = new ArrayList<>();
        CompletableFuture<Void> durable = null;
        synchronized (this) {
            for (String id : ids) {
                Slot slot = entries.get(id);
                if (slot != null && slot.entry().state() == EntryState.DELIVERED && !Files.exists(envelopeFile(id))) {
                    durable = forget(id);
                    forgotten.add(id);
                }
            }
        }
        if (durable != null) {
            // The journal is durable in queue order: the last record covers those before it.
            GroupCommitJournal.await(durable);
        }
        return forgotten;
    }

    /** The stored receipt JSON of a DELIVERED entry. */
    public synchronized Optional<byte[]> receipt(String id) {
        Slot slot = entries.get(id);
        return slot == null || slot.entry().state() != EntryState.DELIVERED || slot.outcome() == null
                ? Optional.empty() : Optional.of(slot.outcome().clone());
    }

    /** The stored problem of a REJECTED entry. */
    public Optional<Problem> problem(String id) throws IOException {
        byte[] json;
        synchronized (this) {
            Slot slot = entries.get(id);
            if (slot == null || slot.entry().state() != EntryState.REJECTED || slot.outcome() == null) {
                return Optional.empty();
            }
            json = slot.outcome();
        }
        try {
            return Optional.of(Problem.fromJson(json));
        } catch (WireFormatException e) {
            throw new IOException("stored problem of entry " + shortId(id) + " is unreadable", e);
        }
    }

    /** Counts per state, bytes pending and the last error, for the {@code status} command. */
    public synchronized SpoolStatus status() {
        return SpoolStatus.of(entries.values().stream().map(Slot::entry).toList());
    }

    /**
     * A read-only look at the spool in {@code directory} without taking its lock, so that
     * {@code status} works while an upload runs: the entries its journal holds now. Nothing is
     * repaired or written; a record being appended is not seen yet. The entries of a spool of the
     * layout before the journal that no agent has migrated yet are read as they stand.
     *
     * @return the entries, oldest first; empty when there is no spool yet
     */
    public static List<SpoolEntry> peek(Path directory) throws IOException {
        return sorted(peekSlots(directory).values().stream().map(Slot::entry).toList());
    }

    /**
     * The receipts of the DELIVERED entries of the spool in {@code directory}, by entry id, read as
     * {@link #peek} reads: without the lock, for {@code audit verify}.
     */
    public static Map<String, byte[]> peekReceipts(Path directory) throws IOException {
        Map<String, byte[]> receipts = new HashMap<>();
        for (Slot slot : peekSlots(directory).values()) {
            if (slot.entry().state() == EntryState.DELIVERED && slot.outcome() != null) {
                receipts.put(slot.entry().id(), slot.outcome());
            }
        }
        return receipts;
    }

    /** The file of the journal of the spool in {@code directory}: what {@link #peek} reads. */
    public static Path journalFile(Path directory) {
        return directory.toAbsolutePath().resolve(JOURNAL);
    }

    private static Map<String, Slot> peekSlots(Path directory) throws IOException {
        Path journalFile = journalFile(directory);
        Map<String, Slot> seen = new HashMap<>();
        if (Files.exists(journalFile)) {
            try {
                GroupCommitJournal.read(journalFile, record -> apply(seen, record, journalFile));
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        // A spool of the layout before the journal that no agent has opened (and so migrated) yet.
        LegacySpoolReader.peek(directory.toAbsolutePath(), seen);
        return seen;
    }

    /** Waits until every change is durable, closes the journal and releases the spool's lock. */
    @Override
    public void close() throws IOException {
        try {
            if (journal != null) {
                journal.close();
            }
        } finally {
            activity.withdraw();
            releaseLock();
        }
    }

    /** What this holder is doing, published for {@code status}. */
    public SpoolActivity activity() {
        return activity;
    }

    private void releaseLock() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            lockChannel.close();
        }
    }

    /** The first 12 hex digits of an entry id: enough to name it in messages. */
    public static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** A change of one entry, decided from the entry as it stands under the spool's lock. */
    private interface Transition {
        /** The entry as it becomes; throws {@link IllegalStateException} when the change is not allowed. */
        SpoolEntry apply(SpoolEntry current);
    }

    /** An entry check before its removal; throws {@link IllegalStateException} when it may not be removed. */
    private interface RemovalCheck {
        void check(SpoolEntry current);
    }

    private SpoolEntry change(String id, Transition transition) throws IOException {
        return change(id, transition, null);
    }

    /** Applies and queues a change under the lock, then waits (outside it) until it is durable. */
    private SpoolEntry change(String id, Transition transition, byte[] outcome) throws IOException {
        return queueChange(id, transition, outcome).await();
    }

    /** Applies and queues a change under the lock, without waiting for it to be durable. */
    private synchronized QueuedChange queueChange(String id, Transition transition, byte[] outcome) {
        SpoolEntry changed = transition.apply(require(id));
        return new QueuedChange(changed, put(new Slot(changed, outcome)));
    }

    private SpoolEntry removeIf(String id, RemovalCheck check) throws IOException {
        SpoolEntry removed;
        CompletableFuture<Void> durable;
        synchronized (this) {
            removed = require(id);
            check.check(removed);
            durable = forget(id);
        }
        GroupCommitJournal.await(durable);
        synchronized (this) {
            // Under the lock: a commit of the same envelope in between would have made a new entry and file.
            if (!entries.containsKey(id)) {
                Files.deleteIfExists(envelopeFile(id));
            }
        }
        return removed;
    }

    /** Drops an entry from memory and queues its {@code remove} record; call under the lock. */
    private CompletableFuture<Void> forget(String id) {
        entries.remove(id);
        liveBytes -= liveRecordBytes.getOrDefault(id, 0);
        liveRecordBytes.remove(id);
        return queue(SpoolRecords.remove(id));
    }

    /** Sets an entry in memory and queues its record; call under the lock. */
    private CompletableFuture<Void> put(Slot slot, Path... directoriesToSync) {
        byte[] record = SpoolRecords.put(slot);
        entries.put(slot.entry().id(), slot);
        Integer previous = liveRecordBytes.put(slot.entry().id(), record.length);
        liveBytes += record.length - (previous == null ? 0 : previous);
        return queue(record, directoriesToSync);
    }

    private CompletableFuture<Void> queue(byte[] record, Path... directoriesToSync) {
        journalBytes += record.length;
        lastQueued = journal.append(record, directoriesToSync);
        if (needsCompaction()) {
            lastQueued = compact();
        }
        return lastQueued;
    }

    private boolean needsCompaction() {
        return journalBytes > MIN_COMPACTION && journalBytes > COMPACTION_FACTOR * liveBytes;
    }

    /** Replaces the journal with one record per live entry; call under the lock. */
    private CompletableFuture<Void> compact() {
        List<byte[]> snapshot = new ArrayList<>(entries.size());
        for (Slot slot : entries.values()) {
            snapshot.add(SpoolRecords.put(slot));
        }
        journalBytes = liveBytes;
        lastQueued = journal.rewrite(snapshot);
        return lastQueued;
    }

    private synchronized SpoolEntry require(String id) {
        Slot slot = entries.get(id);
        if (slot == null) {
            throw new IllegalArgumentException("no spool entry " + shortId(id));
        }
        return slot.entry();
    }

    private static void requireUploadable(SpoolEntry entry) {
        if (!entry.state().isUploadable()) {
            throw new IllegalStateException("entry " + shortId(entry.id()) + " is " + entry.state()
                    + " and cannot change by upload");
        }
    }

    private static String describe(Problem problem) {
        String reason = problem.reason() != null ? problem.reason() : "HTTP " + problem.status();
        return problem.detail() != null ? reason + ": " + problem.detail()
                : problem.title() != null ? reason + ": " + problem.title() : reason;
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
