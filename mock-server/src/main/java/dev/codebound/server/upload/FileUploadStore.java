package dev.codebound.server.upload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.io.GroupCommitJournal;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.protocol.wire.WireFormatException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded {@link UploadStore}: every upload's record in one {@link GroupCommitJournal}, its
 * bytes in a file of their own.
 *
 * <pre>
 * uploads/uploads.journal   one record per change of an upload (created, new offset, outcome, expired, gone)
 * uploads/&lt;id&gt;.data        the upload's bytes
 * </pre>
 *
 * <p>Fsync policy, the reason a chunk's answer can be trusted: a chunk's bytes are written into
 * the upload's data file and forced ({@code fdatasync} of that file only, by the thread that wrote
 * them, so that different uploads' forces run in parallel); only then is the record with the new
 * offset appended to the journal, and the answer waits until the record is durable. Records of
 * concurrent requests share the journal's fsyncs (group commit). The offset in the journal is
 * therefore never ahead of the durable bytes. A crash before the record is durable leaves the old
 * offset; bytes past it are cut away by {@link #recover}.
 *
 * <p>A new data file's directory entry is synced (in the same batch as the record, before it) only
 * with the first record that needs the file after a crash: one naming bytes the upload will still
 * read (an offset past zero while receiving, or complete bytes awaiting their outcome). A record
 * that names no such bytes needs no entry: an empty upload's file is made again by
 * {@link #recover}, and a decided upload's bytes are never read again (an accepted envelope lives
 * on under the archive's own durable name, made durable before its outcome is recorded). So a small
 * envelope sent whole and decided in its creation request costs no directory sync here, and
 * {@link #recover} leaves a decided upload whose file a crash took back as it is. On every start,
 * {@link #recover} syncs the directory once, so every name it found is durable from then on.
 *
 * <p>A creation is recorded together with its first chunk: {@link #create} makes the data file and
 * keeps the new upload in memory, and the first change of that upload (its first chunk's commit,
 * or the writer closed without one, or an expiry or outcome) writes the creation's record with it.
 * When that first chunk completes the upload (a small envelope sent whole in its creation
 * request), its commit forces the bytes and records nothing yet: the creation, the offset and the
 * outcome become one record when {@link #recordOutcome} is called, or, if the outcome is never
 * recorded (the completion failed), the complete upload awaiting its outcome is recorded when the
 * writer is closed, for {@link #recover} to report. A
 * creation-with-upload of a whole envelope thus costs one journal sync instead of three, and every
 * creation is durable before it is answered, since the tus handler answers only after the outcome
 * is recorded or the chunk's writer is closed. A crash before that record leaves only a data file
 * no record names, which {@link #recover} deletes: that creation was never answered, and its
 * retry finds the envelope already accepted if it was.
 *
 * <p>Readers see a change only once it is durable: every change is applied to the journal-ordered
 * state (what a compaction writes) when its record is queued, and published to readers after the
 * record is durable. The journal is compacted (rewritten with one record per live upload) when it
 * has grown to four times the live records and at least a mebibyte.
 *
 * <p>The bytes of a complete upload are never written again (the photo archive links the same
 * file), and expiring or terminating an upload removes only its own name for them.
 *
 * <p>A data directory of the layout before issue 10 (one directory per upload with
 * {@code info.json}, {@code data} and {@code result.json}) is migrated on open: each upload's
 * record is appended to the journal, its data file moved beside it, and the old directory
 * removed once the record is durable. A crash during migration repeats it on the next open.
 */
public final class FileUploadStore implements UploadStore {
    private static final System.Logger LOG = System.getLogger(FileUploadStore.class.getName());
    static final String JOURNAL = "uploads.journal";
    private static final String DATA_SUFFIX = ".data";
    private static final long COMPACT_AT_LEAST = 1 << 20;
    private static final int COMPACT_RATIO = 4;
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path root;
    private final long compactAtLeast;
    /** Replaced only by {@link #reopenAfter}, with {@link #journalOrder} held. */
    private volatile GroupCommitJournal journal;
    /** What readers see: changes whose records are durable. */
    private final Map<UploadId, Stored> visible = new ConcurrentHashMap<>();
    /** Creations whose record waits for the upload's first change; see the class comment. */
    private final Map<UploadId, UploadInfo> unrecorded = new ConcurrentHashMap<>();
    /** Uploads whose data file's directory entry is not known to be durable; see the class comment. */
    private final Set<UploadId> unsyncedNames = ConcurrentHashMap.newKeySet();
    /** Guards {@link #latest}, {@link #liveBytes} and the order of appends. */
    private final Object journalOrder = new Object();
    /** The last record of every live upload in journal order: a compaction's snapshot. */
    private final Map<UploadId, byte[]> latest = new HashMap<>();
    private long liveBytes;

    /** An upload's published state: its record and, once decided, the outcome's body. */
    private record Stored(UploadInfo info, byte[] result) {}

    /**
     * Opens the store under {@code root}, created (owner-only) if missing: replays the journal
     * (cutting a torn tail) and migrates an old-layout directory. Everything it writes is owner-only.
     */
    public FileUploadStore(Path root) throws IOException {
        this(root, COMPACT_AT_LEAST);
    }

    /** As {@link #FileUploadStore(Path)}, compacting once the journal passes {@code compactAtLeast} bytes too. */
    FileUploadStore(Path root, long compactAtLeast) throws IOException {
        this.root = DurableFiles.createPrivateDirectory(root.toAbsolutePath());
        this.compactAtLeast = compactAtLeast;
        // A crash during a compaction leaves its temporary file; the journal it was to replace stands.
        DurableFiles.removeStaleTemporaries(this.root);
        this.journal = openJournal();
        synchronized (journalOrder) {
            if (journal.size() > compactAtLeast && journal.size() > 2 * liveBytes) {
                journal.rewrite(new ArrayList<>(latest.values()));
            }
        }
        try {
            new OldLayoutMigration().run();
        } catch (IOException | RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /**
     * One journal record: the whole state of an upload after a change, or its removal. Times are
     * ISO-8601 text so that a record reads well in a dump.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Entry(String id, long length, Map<String, String> metadata, String stationId,
            String created, String expires, long offset, String state, byte[] result, Boolean removed) {
        static Entry of(UploadInfo info, byte[] result) {
            return new Entry(info.id().value(), info.length(), info.metadata().asMap(), info.stationId(),
                    info.created().toString(), info.expires().toString(), info.offset(), info.state().name(),
                    result, null);
        }

        static Entry removal(UploadId id) {
            return new Entry(id.value(), 0, null, null, null, null, 0, null, null, true);
        }

        UploadInfo toInfo() {
            UploadMetadata parsed = UploadMetadata.empty();
            for (Map.Entry<String, String> pair : (metadata == null ? Map.<String, String>of() : metadata)
                    .entrySet()) {
                parsed = parsed.with(pair.getKey(), pair.getValue());
            }
            return new UploadInfo(new UploadId(id), length, parsed, stationId, Instant.parse(created),
                    Instant.parse(expires), offset, UploadState.valueOf(state));
        }
    }

    /** Opens the journal and rebuilds memory from it: what is durable, and nothing else. */
    private GroupCommitJournal openJournal() throws IOException {
        Map<UploadId, Stored> replayed = new HashMap<>();
        Map<UploadId, byte[]> records = new HashMap<>();
        GroupCommitJournal opened = GroupCommitJournal.open(root.resolve(JOURNAL), true,
                record -> replay(record, replayed, records));
        synchronized (journalOrder) {
            latest.clear();
            latest.putAll(records);
            liveBytes = records.values().stream().mapToLong(bytes -> bytes.length).sum();
        }
        visible.keySet().retainAll(replayed.keySet());
        visible.putAll(replayed);
        return opened;
    }

    private void replay(ByteBuffer record, Map<UploadId, Stored> replayed, Map<UploadId, byte[]> records) {
        byte[] bytes = new byte[record.remaining()];
        record.get(bytes);
        Entry entry;
        try {
            entry = JSON.readValue(bytes, Entry.class);
        } catch (IOException e) {
            // The record passed its CRC, so this is not a torn write: refuse rather than lose uploads.
            throw new UncheckedIOException(new IOException(root.resolve(JOURNAL) + " holds a record that is not "
                    + "an upload record (" + e.getMessage() + "); restore the uploads directory from backup", e));
        }
        UploadId id = new UploadId(entry.id());
        if (Boolean.TRUE.equals(entry.removed())) {
            records.remove(id);
            replayed.remove(id);
        } else {
            records.put(id, bytes);
            replayed.put(id, new Stored(entry.toInfo(), entry.result()));
        }
    }

    /**
     * After a failed journal write (a full or read-only disk), reopens the journal as a restart
     * would, so that the store serves again once the disk is repaired instead of failing until the
     * next restart: the failed journal's file state is unknown, and reopening keeps only its intact
     * records. Changes that were queued but never durable were never acknowledged. If the disk is
     * still unusable, the next failure tries again.
     */
    private void reopenAfter(GroupCommitJournal failed) {
        synchronized (journalOrder) {
            if (journal != failed) {
                return;
            }
            try {
                failed.close();
                journal = openJournal();
                LOG.log(System.Logger.Level.WARNING, "the upload journal failed a write and was reopened");
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the upload journal failed a write and cannot be reopened yet: "
                        + e.getMessage());
            }
        }
    }

    @Override
    public UploadInfo create(long length, UploadMetadata metadata, String stationId, Instant created,
            Instant expires) throws IOException {
        UploadId id = UploadId.random();
        DurableFiles.createPrivateFile(dataFile(id));
        unsyncedNames.add(id);
        UploadInfo info = new UploadInfo(id, length, metadata, stationId, created, expires, 0, UploadState.RECEIVING);
        // Recorded with the upload's first change, which the tus handler awaits before it answers.
        unrecorded.put(id, info);
        return info;
    }

    /**
     * The upload's record; a creation whose record waits for its first chunk is included, so that
     * the creating request's own steps (and the station's quota of unfinished uploads) see it. No
     * client knows its id before that record is durable.
     */
    @Override
    public Optional<UploadInfo> info(UploadId id) {
        Stored stored = visible.get(id);
        return stored != null ? Optional.of(stored.info()) : Optional.ofNullable(unrecorded.get(id));
    }

    @Override
    public ChunkWriter beginChunk(UploadInfo upload) throws IOException {
        if (upload.state() != UploadState.RECEIVING) {
            throw new IllegalStateException("upload " + upload.id() + " is " + upload.state() + ", not receiving");
        }
        FileChannel channel = FileChannel.open(dataFile(upload.id()), StandardOpenOption.WRITE);
        if (upload.offset() > 0) {
            // The writer appends at the channel's position (a new channel's is 0), so that pieces go in one writev.
            channel.position(upload.offset());
        }
        return new FileChunkWriter(upload, channel);
    }

    @Override
    public UploadInfo recordOutcome(UploadId id, CompletionOutcome outcome) throws IOException {
        UploadInfo current = info(id).orElseThrow(() -> new NoSuchFileException(id.value()));
        if (!current.state().isComplete()) {
            throw new IllegalStateException("upload " + id + " is not complete");
        }
        byte[] body = outcome instanceof CompletionOutcome.Accepted accepted ? accepted.receiptJson()
                : ((CompletionOutcome.Rejected) outcome).problem().toJson();
        UploadInfo decided = current.withState(outcome instanceof CompletionOutcome.Accepted
                ? UploadState.ACCEPTED : UploadState.REJECTED);
        publish(new Stored(decided, body));
        return decided;
    }

    @Override
    public Optional<CompletionOutcome> outcome(UploadId id) throws IOException {
        Stored stored = visible.get(id);
        if (stored == null || !stored.info().state().hasOutcome()) {
            return Optional.empty();
        }
        if (stored.info().state() == UploadState.ACCEPTED) {
            return Optional.of(new CompletionOutcome.Accepted(stored.result()));
        }
        try {
            return Optional.of(new CompletionOutcome.Rejected(Problem.fromJson(stored.result())));
        } catch (WireFormatException e) {
            throw new IOException("stored outcome of " + id + " is corrupt: " + e.getMessage(), e);
        }
    }

    @Override
    public UploadBytes bytes(UploadInfo upload) {
        if (!upload.state().isComplete()) {
            throw new IllegalStateException("upload " + upload.id() + " is " + upload.state() + ", not complete");
        }
        return new LocalFileBytes(dataFile(upload.id()), upload.length());
    }

    @Override
    public UploadInfo expire(UploadId id) throws IOException {
        UploadInfo current = info(id).orElseThrow(() -> new NoSuchFileException(id.value()));
        UploadInfo expired = current.withState(UploadState.EXPIRED);
        publish(new Stored(expired, null));
        // After the record: a crash in between leaves an expired upload with bytes, which recover() deletes.
        Files.deleteIfExists(dataFile(id));
        return expired;
    }

    @Override
    public boolean terminate(UploadId id) throws IOException {
        if (unrecorded.remove(id) != null) {
            // Nothing durable names it: deleting its bytes is all there is.
            unsyncedNames.remove(id);
            Files.deleteIfExists(dataFile(id));
            return true;
        }
        if (!visible.containsKey(id)) {
            return false;
        }
        CompletableFuture<Void> durable;
        GroupCommitJournal used;
        synchronized (journalOrder) {
            used = journal;
            forget(id);
            durable = used.append(encode(Entry.removal(id)));
            compactIfGrown();
        }
        awaitOrReopen(durable, used);
        visible.remove(id);
        unsyncedNames.remove(id);
        // The record goes first: once it is durable the upload no longer exists, whatever else a crash leaves.
        Files.deleteIfExists(dataFile(id));
        return true;
    }

    @Override
    public List<UploadInfo> list() {
        return visible.values().stream().map(Stored::info).toList();
    }

    @Override
    public List<UploadInfo> recover() throws IOException {
        deleteUnrecordedDataFiles();
        List<UploadInfo> awaiting = new ArrayList<>();
        for (Stored stored : List.copyOf(visible.values())) {
            UploadInfo reconciled = reconcile(stored.info());
            if (reconciled.state() == UploadState.AWAITING_OUTCOME) {
                awaiting.add(reconciled);
            }
        }
        // After a kill -9 the names of files created before it may still be in memory only; records written
        // from now on take every name found here as durable, so a later power loss must not take one back.
        DurableFiles.syncDirectory(root);
        return awaiting;
    }

    /** Data files of creations whose record never became durable: never acknowledged, so never needed. */
    private void deleteUnrecordedDataFiles() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, "*" + DATA_SUFFIX)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Optional<UploadId> id = UploadId.parse(name.substring(0, name.length() - DATA_SUFFIX.length()));
                if (id.isPresent() && !visible.containsKey(id.get())) {
                    Files.deleteIfExists(entry);
                }
            }
        }
    }

    /**
     * Cuts unacknowledged bytes; makes again the file of an empty upload whose name a crash took
     * back; lowers an offset whose bytes are missing (only possible if a disk lied about fsync).
     * A decided upload is left as it is, file or not: its bytes are never read again.
     */
    private UploadInfo reconcile(UploadInfo info) throws IOException {
        Path data = dataFile(info.id());
        if (info.state() == UploadState.EXPIRED) {
            Files.deleteIfExists(data);
            return info;
        }
        if (info.state().hasOutcome()) {
            return info;
        }
        long size = Files.exists(data) ? Files.size(data) : -1;
        if (size > info.offset() && info.state() == UploadState.RECEIVING) {
            try (FileChannel channel = FileChannel.open(data, StandardOpenOption.WRITE)) {
                channel.truncate(info.offset());
                channel.force(false);
            }
            return info;
        }
        if (size < 0 && info.offset() == 0) {
            DurableFiles.createPrivateFile(data);
            return info;
        }
        if (size < info.offset()) {
            LOG.log(System.Logger.Level.WARNING, "upload {0}: recorded offset {1} but only {2} bytes on disk;"
                    + " the client will resend from {2}", info.id(), info.offset(), Math.max(size, 0));
            if (size < 0) {
                DurableFiles.createPrivateFile(data);
            }
            UploadInfo lowered = new UploadInfo(info.id(), info.length(), info.metadata(), info.stationId(),
                    info.created(), info.expires(), Math.max(size, 0), UploadState.RECEIVING);
            publish(new Stored(lowered, null), root);
            return lowered;
        }
        return info;
    }

    /**
     * Appends the record of {@code stored} (after syncing {@code directories}, and the uploads
     * directory too when the record is the first to need its data file's new name), waits until
     * durable, publishes it.
     */
    private void publish(Stored stored, Path... directories) throws IOException {
        UploadId id = stored.info().id();
        boolean creation = unrecorded.containsKey(id);
        if (unsyncedNames.contains(id) && readsBytesAfterCrash(stored.info()) && directories.length == 0) {
            // The data file's directory entry becomes durable in the same batch as the first record that needs it.
            directories = new Path[] {root};
        }
        byte[] record = encode(Entry.of(stored.info(), stored.result()));
        CompletableFuture<Void> durable;
        GroupCommitJournal used;
        synchronized (journalOrder) {
            used = journal;
            remember(id, record);
            durable = used.append(record, directories);
            compactIfGrown();
        }
        awaitOrReopen(durable, used);
        visible.put(id, stored);
        if (creation) {
            unrecorded.remove(id);
        }
        UploadState state = stored.info().state();
        if (directories.length > 0 || state.hasOutcome() || state == UploadState.EXPIRED) {
            // Its name is durable now, or never needed again (a decided or expired upload's bytes are not read).
            unsyncedNames.remove(id);
        }
    }

    /** Whether an upload in this state reads its data file again: bytes past offset zero, not yet decided. */
    private static boolean readsBytesAfterCrash(UploadInfo info) {
        return info.state() == UploadState.AWAITING_OUTCOME
                || (info.state() == UploadState.RECEIVING && info.offset() > 0);
    }

    private void awaitOrReopen(CompletableFuture<Void> durable, GroupCommitJournal used) throws IOException {
        try {
            GroupCommitJournal.await(durable);
        } catch (IOException e) {
            if (!(e instanceof InterruptedIOException)) {
                reopenAfter(used);
            }
            throw e;
        }
    }

    /** Called with {@link #journalOrder} held. */
    private void remember(UploadId id, byte[] record) {
        byte[] previous = latest.put(id, record);
        liveBytes += record.length - (previous == null ? 0 : previous.length);
    }

    private void forget(UploadId id) {
        byte[] previous = latest.remove(id);
        if (previous != null) {
            liveBytes -= previous.length;
        }
    }

    /** Called with {@link #journalOrder} held, right after an append, so the snapshot includes it. */
    private void compactIfGrown() {
        if (journal.size() > compactAtLeast && journal.size() > COMPACT_RATIO * liveBytes) {
            journal.rewrite(new ArrayList<>(latest.values()));
        }
    }

    private static byte[] encode(Entry entry) {
        try {
            return JSON.writeValueAsBytes(entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The records of the store under {@code root} as a reader from outside sees them, without
     * touching the store (which may be running): replays a copy of the journal. For diagnostics
     * and tests that check a registry's state from its files.
     */
    public static List<UploadInfo> readRecords(Path root) throws IOException {
        Path copyDirectory = Files.createTempDirectory("codebound-uploads-read");
        Path copy = copyDirectory.resolve(JOURNAL);
        Map<UploadId, UploadInfo> records = new HashMap<>();
        try {
            Files.copy(root.resolve(JOURNAL), copy);
            GroupCommitJournal.open(copy, true, record -> {
                byte[] bytes = new byte[record.remaining()];
                record.get(bytes);
                try {
                    Entry entry = JSON.readValue(bytes, Entry.class);
                    if (Boolean.TRUE.equals(entry.removed())) {
                        records.remove(new UploadId(entry.id()));
                    } else {
                        records.put(new UploadId(entry.id()), entry.toInfo());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).close();
        } finally {
            Files.deleteIfExists(copy);
            Files.deleteIfExists(copyDirectory);
        }
        return List.copyOf(records.values());
    }

    Path dataFile(UploadId id) {
        return root.resolve(id.value() + DATA_SUFFIX);
    }

    /** fsyncs of the journal so far: with group commit, fewer than the records appended. */
    public long journalSyncs() {
        return journal.syncs();
    }

    /** fsyncs of the uploads directory made with the journal's records so far (since this store opened its journal). */
    long directorySyncs() {
        return journal.directorySyncs();
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }

    /** Writes one chunk at the upload's durable offset; see {@link ChunkWriter}. */
    private final class FileChunkWriter implements ChunkWriter {
        private final UploadInfo upload;
        private final FileChannel channel;
        private long written;
        private boolean committed;

        FileChunkWriter(UploadInfo upload, FileChannel channel) {
            this.upload = upload;
            this.channel = channel;
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            write(new ByteBuffer[] {bytes});
        }

        /** One gathered write ({@code writev}) for all the pieces, at the channel's position: the chunk's end. */
        @Override
        public void write(ByteBuffer... pieces) throws IOException {
            long size = 0;
            for (ByteBuffer piece : pieces) {
                size += piece.remaining();
            }
            if (upload.offset() + written + size > upload.length()) {
                throw new IllegalArgumentException("chunk would pass the upload's length");
            }
            for (long left = size; left > 0; ) {
                long wrote = channel.write(pieces);
                written += wrote;
                left -= wrote;
            }
        }

        @Override
        public long written() {
            return written;
        }

        @Override
        public UploadInfo commit(Instant newExpires) throws IOException {
            // fdatasync: the data and the file's new length, which is all a reader needs.
            channel.force(false);
            UploadInfo advanced = upload.advancedTo(upload.offset() + written, newExpires);
            if (advanced.state() == UploadState.AWAITING_OUTCOME && unrecorded.containsKey(upload.id())) {
                // Whole in its creation request: recorded with its outcome, or by close() if none comes.
                unrecorded.put(upload.id(), advanced);
            } else {
                publish(new Stored(advanced, null));
            }
            committed = true;
            return advanced;
        }

        @Override
        public void close() throws IOException {
            try (channel) {
                if (!committed && channel.size() > upload.offset()) {
                    channel.truncate(upload.offset());
                }
            }
            UploadInfo pending = unrecorded.get(upload.id());
            if (pending != null) {
                // A creation whose first chunk failed still exists, empty, as if it had been created alone; one
                // whose chunk completed it but whose outcome was not recorded awaits its outcome, as after a crash.
                publish(new Stored(pending, null));
            }
        }
    }

    /** Moves uploads of the one-directory-per-upload layout into the journal; see the class comment. */
    private final class OldLayoutMigration {
        private static final String OLD_INFO = "info.json";
        private static final String OLD_DATA = "data";
        private static final String OLD_RESULT = "result.json";

        void run() throws IOException {
            int migrated = 0;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
                for (Path entry : entries) {
                    Optional<UploadId> id = UploadId.parse(entry.getFileName().toString());
                    if (id.isPresent() && Files.isDirectory(entry)) {
                        migrate(id.get(), entry);
                        migrated++;
                    }
                }
            }
            if (migrated > 0) {
                DurableFiles.syncDirectory(root);
                LOG.log(System.Logger.Level.INFO, "migrated {0} uploads of the old layout into {1}", migrated,
                        root.resolve(JOURNAL));
            }
        }

        private void migrate(UploadId id, Path directory) throws IOException {
            Path info = directory.resolve(OLD_INFO);
            if (Files.exists(info) && !visible.containsKey(id)) {
                UploadInfo old = JSON.readValue(Files.readAllBytes(info), Entry.class).toInfo();
                Path data = directory.resolve(OLD_DATA);
                if (Files.exists(data)) {
                    Files.move(data, dataFile(id));
                }
                byte[] result = old.state().hasOutcome() ? Files.readAllBytes(directory.resolve(OLD_RESULT)) : null;
                publish(new Stored(old, result), root);
            }
            // Without info.json the creation never answered: nothing to keep.
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
                for (Path file : files) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(directory);
        }
    }

    @Override
    public String toString() {
        return "FileUploadStore[" + root + "]";
    }
}
