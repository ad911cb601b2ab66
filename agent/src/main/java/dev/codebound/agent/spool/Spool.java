package dev.codebound.agent.spool;

import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.WireFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable queue of sealed envelopes (see the package documentation for the layout). One
 * process at a time may open a spool: {@link #open} takes an exclusive OS lock that a crash
 * releases.
 *
 * <p>Every state change is written atomically and durably <em>before</em> the caller takes the
 * network step that depends on it, so that whatever instant a crash strikes, the next
 * {@link #open} finds a state it can resume from. Methods are thread-safe; the uploader's workers
 * share one spool.
 */
public final class Spool implements Closeable {
    private static final String ENTRIES = "entries";
    private static final String INCOMING = "incoming";
    private static final String TRASH = "trash";
    private static final String QUARANTINE = "quarantine";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final Clock clock;
    private final EntryStore store;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final SpoolActivity activity;
    private final Map<String, SpoolEntry> entries = new HashMap<>();
    private RecoveryReport recoveryReport;

    private Spool(Path directory, Clock clock, FileChannel lockChannel, FileLock lock, SpoolActivity activity) {
        this.directory = directory;
        this.clock = clock;
        this.store = new EntryStore(directory.resolve(ENTRIES));
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.activity = activity;
    }

    /** {@link #open(Path, Clock, String)} by a holder that does not say which command it is. */
    public static Spool open(Path directory, Clock clock) throws IOException {
        return open(directory, clock, null);
    }

    /**
     * Opens (creating if needed) the spool in {@code directory}, takes its lock, and repairs what
     * an earlier crash left behind; see {@link #recoveryReport()}. Who holds it is published for
     * {@code status} (see {@link SpoolActivity}).
     *
     * @param holder the agent command opening it, e.g. {@code upload}; {@code null} if unnamed
     * @throws SpoolBusyException when another process holds the spool
     * @throws IOException         when the disk fails
     */
    public static Spool open(Path directory, Clock clock, String holder) throws IOException {
        Path root = directory.toAbsolutePath();
        for (String child : List.of(ENTRIES, INCOMING, TRASH, QUARANTINE)) {
            Files.createDirectories(root.resolve(child));
        }
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
            spool.recoveryReport = new SpoolRecovery(root, spool.store, clock.instant()).recover(spool.entries);
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    /** What opening the spool repaired. */
    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    /** The spool's directory. */
    public Path directory() {
        return directory;
    }

    /**
     * Copies a sealed envelope into the spool as a QUEUED entry. The copy is hashed as it is
     * written; the entry id is the envelope's SHA-256, so enqueueing the same envelope twice returns
     * the existing entry. The caller may delete its file once this returns. The same as
     * {@link #stage} then {@link #commit}.
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
     * An envelope copied into {@code incoming/} and fsynced, not yet an entry: the large write of
     * an enqueue, done first so that a full disk refuses it before anything is recorded about it.
     * Closing it deletes the copy unless it was {@linkplain #commit committed}; a crash leaves the
     * copy to the next {@link #open}, which discards it.
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
     * Copies a sealed envelope into {@code incoming/}, hashing it as it is written, and fsyncs it.
     *
     * @param sealedEnvelope an envelope already encrypted to the registry; never a plaintext photo
     * @throws IOException when the disk refuses the copy (nothing is left behind)
     */
    public Staged stage(Path sealedEnvelope) throws IOException {
        requireCmsStructure(sealedEnvelope);
        Path incoming = directory.resolve(INCOMING).resolve(HexFormat.of().formatHex(randomBytes()) + ".partial");
        try {
            MessageDigest digest = sha256();
            long length;
            try (InputStream in = Files.newInputStream(sealedEnvelope);
                    FileChannel out = FileChannel.open(incoming, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE);
                    DigestOutputStream hashing = new DigestOutputStream(
                            java.nio.channels.Channels.newOutputStream(out), digest)) {
                length = in.transferTo(hashing);
                hashing.flush();
                out.force(true);
            }
            return new Staged(incoming, HexFormat.of().formatHex(digest.digest()), length);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(incoming);
            throw e;
        }
    }

    /**
     * Makes a staged envelope a QUEUED entry (or returns the existing entry of the same envelope).
     *
     * <p>Order of durable writes: the entry's meta.json, the rename of the staged copy into the
     * entry directory, then state.json. A crash before the last step is repaired by {@link #open}.
     */
    public SpoolEntry commit(Staged staged, String codeId, String stationId, String filename) throws IOException {
        if (staged.committed) {
            throw new IllegalStateException("this envelope was committed already");
        }
        EnvelopeInfo info = new EnvelopeInfo(codeId, stationId, filename, staged.sha256(), staged.length(),
                clock.instant());
        synchronized (this) {
            SpoolEntry existing = entries.get(info.sha256());
            if (existing != null) {
                return existing;
            }
            Path entryDirectory = store.directory(info.sha256());
            Files.createDirectories(entryDirectory);
            DurableFiles.syncDirectory(entryDirectory.getParent());
            store.writeMeta(info);
            Files.move(staged.file, store.file(info.sha256(), EntryStore.ENVELOPE), StandardCopyOption.ATOMIC_MOVE);
            staged.committed = true;
            DurableFiles.syncDirectory(entryDirectory);
            DurableFiles.syncDirectory(staged.file.getParent());
            return persist(SpoolEntry.queued(info, clock.instant()));
        }
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

    /** Every entry, oldest first. */
    public synchronized List<SpoolEntry> entries() {
        List<SpoolEntry> list = new ArrayList<>(entries.values());
        list.sort(Comparator.comparing((SpoolEntry e) -> e.info().createdAt()).thenComparing(SpoolEntry::id));
        return list;
    }

    /** One entry by id. */
    public synchronized Optional<SpoolEntry> entry(String id) {
        return Optional.ofNullable(entries.get(id));
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
        List<SpoolEntry> matches = entries.values().stream().filter(entry -> entry.id().startsWith(wanted))
                .sorted(Comparator.comparing(SpoolEntry::id)).toList();
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
        return store.file(id, EntryStore.ENVELOPE);
    }

    /**
     * Checks the envelope's length and SHA-256 against the recorded values and marks the entry
     * CORRUPT (with the reason) when they differ. The uploader calls this before every upload so
     * that a truncated or altered file is never sent.
     *
     * @return the entry as it now stands
     */
    public SpoolEntry verify(String id) throws IOException {
        SpoolEntry entry = require(id);
        Path file = envelopeFile(id);
        if (!Files.exists(file)) {
            return markCorrupt(id, "envelope file is missing");
        }
        long length = Files.size(file);
        if (length != entry.info().length()) {
            return markCorrupt(id, "envelope file is " + length + " bytes, expected " + entry.info().length()
                    + " (truncated or altered)");
        }
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        if (!HexFormat.of().formatHex(digest.digest()).equals(entry.info().sha256())) {
            return markCorrupt(id, "envelope file's SHA-256 differs from the recorded value (altered)");
        }
        return entry;
    }

    /** Records the server's upload URL (CREATED). Called before the first PATCH is sent. */
    public synchronized SpoolEntry markCreated(String id, String uploadUrl) throws IOException {
        SpoolEntry entry = requireUploadable(id);
        return persist(new SpoolEntry(entry.info(), EntryState.CREATED, uploadUrl, 0, entry.transientErrors(),
                entry.lastError(), null, clock.instant()));
    }

    /**
     * Records the offset the server acknowledged (IN_FLIGHT), after each chunk and after a HEAD.
     * The server's word is final even when it is behind what was recorded before (it lost data).
     */
    public synchronized SpoolEntry recordAcknowledged(String id, long offset) throws IOException {
        SpoolEntry entry = requireUploadable(id);
        if (entry.uploadUrl() == null) {
            throw new IllegalStateException("entry " + shortId(id) + " has no upload to acknowledge");
        }
        return persist(new SpoolEntry(entry.info(), EntryState.IN_FLIGHT, entry.uploadUrl(), offset, 0, null, null,
                clock.instant()));
    }

    /**
     * The server no longer knows the upload (404/410, e.g. expired): forget its URL and start again
     * from QUEUED. The registry deduplicates by envelope hash, so a second upload is harmless.
     */
    public synchronized SpoolEntry markUploadGone(String id, String reason) throws IOException {
        SpoolEntry entry = requireUploadable(id);
        return persist(new SpoolEntry(entry.info(), EntryState.QUEUED, null, 0, entry.transientErrors(), reason,
                null, clock.instant()));
    }

    /** Stores the receipt, then marks the entry DELIVERED. */
    public synchronized SpoolEntry markDelivered(String id, byte[] receiptJson) throws IOException {
        SpoolEntry entry = requireUploadable(id);
        store.writeOutcome(id, EntryStore.RECEIPT, receiptJson);
        return persist(new SpoolEntry(entry.info(), EntryState.DELIVERED, entry.uploadUrl(), entry.info().length(),
                0, null, null, clock.instant()));
    }

    /** Stores the registry's problem, then marks the entry REJECTED with the problem's reason. */
    public synchronized SpoolEntry markRejected(String id, Problem problem) throws IOException {
        SpoolEntry entry = requireUploadable(id);
        store.writeOutcome(id, EntryStore.PROBLEM, problem.toJson());
        return persist(new SpoolEntry(entry.info(), EntryState.REJECTED, entry.uploadUrl(),
                entry.acknowledgedOffset(), entry.transientErrors(), describe(problem), null, clock.instant()));
    }

    /**
     * Records a transient failure (FAILED): the upload URL and offset are kept so that the next
     * attempt resumes; {@code nextAttemptAt} is when that may happen.
     */
    public synchronized SpoolEntry markFailed(String id, String error, Instant nextAttemptAt) throws IOException {
        SpoolEntry entry = requireUploadable(id);
        return persist(new SpoolEntry(entry.info(), EntryState.FAILED, entry.uploadUrl(), entry.acknowledgedOffset(),
                entry.transientErrors() + 1, error, nextAttemptAt, clock.instant()));
    }

    /** Marks the entry CORRUPT: its envelope will never be uploaded unless an operator retries it. */
    public synchronized SpoolEntry markCorrupt(String id, String reason) throws IOException {
        SpoolEntry entry = require(id);
        return persist(new SpoolEntry(entry.info(), EntryState.CORRUPT, entry.uploadUrl(),
                entry.acknowledgedOffset(), entry.transientErrors(), reason, null, clock.instant()));
    }

    /**
     * Operator action. A FAILED entry becomes due at once, keeping its upload for resuming. A
     * REJECTED or CORRUPT entry goes back in the queue as a fresh upload (the registry deduplicates
     * by envelope hash); a CORRUPT one is re-verified and stays CORRUPT if its envelope still does
     * not match. The stored problem is deleted before the state changes, so that a crash in between
     * cannot bring the rejection back.
     */
    public SpoolEntry retry(String id) throws IOException {
        SpoolEntry entry = require(id);
        if (entry.state() == EntryState.FAILED) {
            synchronized (this) {
                return persist(new SpoolEntry(entry.info(), EntryState.FAILED, entry.uploadUrl(),
                        entry.acknowledgedOffset(), entry.transientErrors(), entry.lastError(), null, clock.instant()));
            }
        }
        if (entry.state() != EntryState.REJECTED && entry.state() != EntryState.CORRUPT) {
            throw new IllegalStateException("entry " + shortId(id) + " is " + entry.state() + "; only REJECTED, "
                    + "CORRUPT or FAILED entries can be retried");
        }
        synchronized (this) {
            store.deleteOutcome(id, EntryStore.PROBLEM);
            persist(new SpoolEntry(entry.info(), EntryState.QUEUED, null, 0, 0, null, null, clock.instant()));
        }
        return verify(id);
    }

    /**
     * Deletes an entry and its envelope, whatever its state; operators go through {@link #discard}
     * and {@link #withdraw}, which say which entries they may delete. The directory is first renamed
     * out of {@code entries/} (atomic), so a crash mid-delete never leaves a half-removed entry.
     */
    public synchronized void remove(String id) throws IOException {
        require(id);
        Path trash = directory.resolve(TRASH).resolve(id + "." + HexFormat.of().formatHex(randomBytes()));
        Files.move(store.directory(id), trash, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.syncDirectory(store.directory(id).getParent());
        entries.remove(id);
        SpoolRecovery.deleteTree(trash);
    }

    /**
     * Operator action: deletes an entry that will not be delivered as it is: REJECTED, FAILED or
     * CORRUPT (e.g. after a retake was captured). Entries on their way or delivered are never
     * discarded; a QUEUED one can be {@linkplain #withdraw withdrawn}.
     *
     * @return the entry as it was
     * @throws IllegalStateException naming the entry's state and what to do instead
     */
    public synchronized SpoolEntry discard(String id) throws IOException {
        SpoolEntry entry = require(id);
        if (!entry.state().needsOperator() && entry.state() != EntryState.FAILED) {
            throw new IllegalStateException("entry " + shortId(id) + " is " + entry.state()
                    + "; only REJECTED, FAILED or CORRUPT entries can be removed"
                    + (entry.state() == EntryState.QUEUED ? " (to take it back before upload: 'withdraw')" : ""));
        }
        remove(id);
        return entry;
    }

    /**
     * Operator action: takes back an envelope the registry has not got, so that it is never
     * uploaded (e.g. a photo sealed for the wrong code). Only an entry without an upload at the
     * registry can be withdrawn: QUEUED, or FAILED before the registry created its upload. Once an
     * upload exists the registry may already hold every byte (its answer to the last chunk can be
     * lost), so the station cannot know that withdrawing it would keep the photo from the registry.
     * The entry is {@linkplain #remove removed} under the spool's lock, so no upload in this or
     * another process can pick it up afterwards.
     *
     * @throws IllegalStateException naming the entry's state and what to do instead
     */
    public synchronized SpoolEntry withdraw(String id) throws IOException {
        SpoolEntry entry = require(id);
        boolean neverCreated = entry.state() == EntryState.QUEUED
                || entry.state() == EntryState.FAILED && entry.uploadUrl() == null;
        if (!neverCreated) {
            throw new IllegalStateException("entry " + shortId(id) + " is " + entry.state()
                    + whyNotWithdrawable(entry));
        }
        remove(id);
        return entry;
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

    /** The stored receipt JSON of a DELIVERED entry. */
    public Optional<byte[]> receipt(String id) throws IOException {
        return store.readOutcome(id, EntryStore.RECEIPT);
    }

    /** The stored problem of a REJECTED entry. */
    public Optional<Problem> problem(String id) throws IOException {
        Optional<byte[]> json = store.readOutcome(id, EntryStore.PROBLEM);
        if (json.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Problem.fromJson(json.get()));
        } catch (WireFormatException e) {
            throw new IOException("stored problem of entry " + shortId(id) + " is unreadable", e);
        }
    }

    /** Counts per state, bytes pending and the last error, for the {@code status} command. */
    public synchronized SpoolStatus status() {
        return SpoolStatus.of(entries.values());
    }

    /**
     * A read-only look at the spool in {@code directory} without taking its lock, so that
     * {@code status} works while an upload runs. Nothing is repaired; an entry whose records are
     * being written or cannot be read is left out (the next {@link #open} deals with it). Every
     * record is replaced atomically, so what is read is a state that really was.
     *
     * @return the entries, oldest first; empty when there is no spool yet
     */
    public static List<SpoolEntry> peek(Path directory) throws IOException {
        Path entriesDirectory = directory.toAbsolutePath().resolve(ENTRIES);
        if (!Files.isDirectory(entriesDirectory)) {
            return List.of();
        }
        EntryStore store = new EntryStore(entriesDirectory);
        List<SpoolEntry> result = new ArrayList<>();
        try (java.util.stream.Stream<Path> list = Files.list(entriesDirectory)) {
            for (Path entryDirectory : list.filter(Files::isDirectory).toList()) {
                try {
                    store.readEntry(store.readMeta(entryDirectory.getFileName().toString())).ifPresent(result::add);
                } catch (IOException | RuntimeException e) {
                    // Mid-write or damaged: the owner of the lock repairs it; a snapshot only skips it.
                }
            }
        }
        result.sort(Comparator.comparing((SpoolEntry e) -> e.info().createdAt()).thenComparing(SpoolEntry::id));
        return result;
    }

    /** Releases the spool's lock. */
    @Override
    public void close() throws IOException {
        activity.withdraw();
        releaseLock();
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

    private SpoolEntry persist(SpoolEntry entry) throws IOException {
        store.writeState(entry);
        entries.put(entry.id(), entry);
        return entry;
    }

    private synchronized SpoolEntry require(String id) {
        SpoolEntry entry = entries.get(id);
        if (entry == null) {
            throw new IllegalArgumentException("no spool entry " + shortId(id));
        }
        return entry;
    }

    private SpoolEntry requireUploadable(String id) {
        SpoolEntry entry = require(id);
        if (!entry.state().isUploadable()) {
            throw new IllegalStateException("entry " + shortId(id) + " is " + entry.state() + " and cannot change "
                    + "by upload");
        }
        return entry;
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

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
