package dev.codebound.server.registry;

import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.io.GroupCommitJournal;
import dev.codebound.protocol.io.GroupCommitWriter;
import dev.codebound.server.upload.LocalFileBytes;
import dev.codebound.server.upload.UploadBytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded {@link PhotoArchive}: envelopes as files, records in a {@link GroupCommitJournal}.
 *
 * <pre>
 * registry/photos/&lt;envelope sha256&gt;.cms   the envelope, byte for byte as uploaded
 * registry/photos/archive.journal         one {@link AcceptedPhoto} record per accepted envelope
 * </pre>
 *
 * <p><b>No copy.</b> {@link #adopt} hard-links the upload's data file under the envelope's name (the
 * upload store never writes a complete upload's file again, and expiring or terminating the upload
 * removes only the upload's own name). The bytes were forced when the upload stored them. Where
 * the file system has no hard links, or the bytes are not a local file, the envelope is copied and
 * forced instead.
 *
 * <p><b>New names.</b> Each adoption queues a sync of the photos directory at once, on a writer of
 * its own that syncs the directory once for whatever adoptions are queued (group commit), and a
 * record is appended to the journal only once a directory sync begun after its envelope's adoption
 * is done: the name is durable before the record that makes it accepted. Since the sequencer
 * adopts a batch's envelopes before the log's write, the directory sync runs while the log syncs,
 * instead of before the record in the journal's own batch. A record with no adoption in this
 * process before it (an envelope adopted before a restart, a migration) has the directory synced
 * in its journal batch, before it, as a kill -9 may have left that name in memory only.
 *
 * <p>The archive only grows (every version is kept), so the journal holds exactly the live records
 * and is never compacted. A data directory of the layout before issue 10 (a JSON file per record
 * beside each envelope) is migrated on open: the records are appended to the journal, then the JSON
 * files removed; a crash in between repeats the migration, which is idempotent.
 */
public final class FilePhotoArchive implements PhotoArchive {
    private static final System.Logger LOG = System.getLogger(FilePhotoArchive.class.getName());
    static final String JOURNAL = "archive.journal";

    private final Path directory;
    /**
     * Replaced after a failed write (see {@link #reopenIfFailed}) with this held; read without it
     * only by a record's append once its name is durable (a record that meets a journal being
     * replaced fails, and its upload is decided again).
     */
    private volatile GroupCommitJournal journal;
    /** Syncs the directory for adopted envelopes' new names; replaced with the journal, guarded by this. */
    private GroupCommitWriter<Path> names;
    /**
     * The directory, open for {@link #names}' syncs as long as it runs (no open and close per sync);
     * null where a directory cannot be opened (not POSIX: each sync then goes through
     * {@link DurableFiles#syncDirectory}). Replaced and closed with {@link #names}.
     */
    private FileChannel namesDirectory;
    /** Completes when a directory sync queued by the latest adoption is done; null before any adoption. */
    private volatile CompletableFuture<Void> namesDurable;
    private volatile long directorySyncs;
    /**
     * Envelopes adopted by this process and not yet recorded: their files exist (the archive never
     * removes one), so their record needs no look at the directory.
     */
    private final Set<String> adoptedUnrecorded = ConcurrentHashMap.newKeySet();
    private volatile boolean journalFailed;
    private final Map<String, AcceptedPhoto> byEnvelope = new ConcurrentHashMap<>();
    /** Records queued but not yet durable, by envelope hash; readers wait for them. */
    private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
    /** Versions per code, counting records not yet durable: the sequencer's view. */
    private final Map<String, Integer> versionsByCode = new HashMap<>();

    /** Opens (creating, owner-only) the archive under {@code directory}, replaying and migrating its records. */
    public FilePhotoArchive(Path directory) throws IOException {
        this.directory = DurableFiles.createPrivateDirectory(directory.toAbsolutePath());
        DurableFiles.removeStaleTemporaries(this.directory);
        this.journal = openJournal();
        this.names = namesWriter();
        try {
            migrateOldRecords();
        } catch (IOException | RuntimeException e) {
            closeNames();
            journal.close();
            throw e;
        }
    }

    private GroupCommitWriter<Path> namesWriter() {
        FileChannel opened = openDirectory();
        namesDirectory = opened;
        return new GroupCommitWriter<>("names in " + directory, adopted -> {
            if (opened != null) {
                opened.force(true);
            } else {
                DurableFiles.syncDirectory(directory);
            }
            directorySyncs++;
        });
    }

    private FileChannel openDirectory() {
        try {
            return FileChannel.open(directory, StandardOpenOption.READ);
        } catch (IOException e) {
            return null;
        }
    }

    /** Stops the names writer, then closes the directory it synced. */
    private void closeNames() throws IOException {
        names.close();
        if (namesDirectory != null) {
            namesDirectory.close();
        }
    }

    /** Opens the journal and rebuilds memory from it: the durable records, and nothing else. */
    private synchronized GroupCommitJournal openJournal() throws IOException {
        List<AcceptedPhoto> replayed = new ArrayList<>();
        GroupCommitJournal opened = GroupCommitJournal.open(directory.resolve(JOURNAL), true,
                record -> replayed.add(parse(record)));
        byEnvelope.clear();
        versionsByCode.clear();
        replayed.forEach(this::remember);
        return opened;
    }

    private AcceptedPhoto parse(ByteBuffer record) {
        byte[] bytes = new byte[record.remaining()];
        record.get(bytes);
        try {
            return JsonRecordStore.JSON.readValue(bytes, AcceptedPhoto.class);
        } catch (IOException e) {
            // The record passed its CRC: not a torn write. Refuse rather than forget an acceptance.
            throw new UncheckedIOException(new IOException(directory.resolve(JOURNAL) + " holds a record that is "
                    + "not an accepted photo (" + e.getMessage() + "); restore the photos directory from backup", e));
        }
    }

    private synchronized void remember(AcceptedPhoto photo) {
        if (byEnvelope.put(photo.envelopeSha256(), photo) == null) {
            versionsByCode.merge(photo.codeId(), 1, Integer::sum);
        }
    }

    /**
     * After a failed write (a full or read-only disk) the journal's file state is unknown; it is
     * reopened, as a restart would, before the next lookup or adoption, so that acceptance works again once
     * the disk is repaired. Memory is rebuilt from the intact records: a record that failed was
     * never acknowledged, and its upload is decided again when its result is asked for.
     */
    private synchronized void reopenIfFailed() throws IOException {
        if (!journalFailed) {
            return;
        }
        journal.close();
        closeNames();
        pending.clear();
        namesDurable = null;
        journal = openJournal();
        names = namesWriter();
        journalFailed = false;
        LOG.log(System.Logger.Level.WARNING, "the archive journal failed a write and was reopened");
    }

    @Override
    public Optional<AcceptedPhoto> find(String envelopeSha256) throws IOException {
        reopenIfFailed();
        CompletableFuture<Void> writing = pending.get(envelopeSha256);
        if (writing != null) {
            GroupCommitJournal.await(writing);
        }
        return Optional.ofNullable(byEnvelope.get(envelopeSha256));
    }

    @Override
    public List<AcceptedPhoto> versions(String codeId) throws IOException {
        List<AcceptedPhoto> versions = new ArrayList<>();
        for (AcceptedPhoto photo : byEnvelope.values()) {
            if (photo.codeId().equals(codeId)) {
                find(photo.envelopeSha256()).ifPresent(versions::add);
            }
        }
        versions.sort(Comparator.comparingInt(AcceptedPhoto::version));
        return versions;
    }

    @Override
    public synchronized int nextVersion(String codeId) {
        return versionsByCode.getOrDefault(codeId, 0) + 1;
    }

    @Override
    public void adopt(String envelopeSha256, UploadBytes envelope) throws IOException {
        reopenIfFailed();
        Path target = envelopeFile(envelopeSha256);
        // The usual case, one link(2): the name appears atomically, over bytes the upload already forced.
        if (!(envelope instanceof LocalFileBytes local) || !linkedOrLeftover(local.file(), target)) {
            replace(envelopeSha256, target, envelope);
        }
        synchronized (this) {
            // Queued after the link (or rename): once this sync is done, the name is durable (see the class comment).
            namesDurable = names.submit(target);
        }
        adoptedUnrecorded.add(envelopeSha256);
    }

    /**
     * Links {@code source} under {@code target}; false when that cannot be done in one step: no hard
     * links here, or a leftover under {@code target} from an acceptance a crash cut short (replaced
     * then, see {@link #replace}).
     */
    private static boolean linkedOrLeftover(Path source, Path target) throws IOException {
        try {
            return linked(source, target);
        } catch (FileAlreadyExistsException leftover) {
            return false;
        }
    }

    /** Puts the envelope under {@code target} through a temporary name, over any leftover there. */
    private void replace(String envelopeSha256, Path target, UploadBytes envelope) throws IOException {
        Path temporary = directory.resolve("." + envelopeSha256 + ".tmp");
        Files.deleteIfExists(temporary);
        if (!(envelope instanceof LocalFileBytes local) || !linked(local.file(), temporary)) {
            copyForced(envelope, temporary);
        }
        // Over a leftover of an acceptance a crash cut short: the bytes under a hash are the same bytes.
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // When the leftover is a link to this very upload, rename(2) does nothing and the temporary
        // name stays: remove it (the crash torture found it).
        Files.deleteIfExists(temporary);
    }

    /** Links {@code source} under {@code link}; false where the file system has no hard links. */
    private static boolean linked(Path source, Path link) throws IOException {
        try {
            Files.createLink(link, source);
            return true;
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (e instanceof NoSuchFileException || e instanceof FileAlreadyExistsException) {
                throw (FileSystemException) e;
            }
            LOG.log(System.Logger.Level.DEBUG, "no hard link for the envelope; copying it: {0}", e.getMessage());
            return false;
        }
    }

    private static void copyForced(UploadBytes envelope, Path target) throws IOException {
        DurableFiles.createPrivateFile(target);
        try (InputStream in = envelope.open();
                FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE);
                OutputStream out = Channels.newOutputStream(channel)) {
            in.transferTo(out);
            channel.force(false);
        }
    }

    @Override
    public CompletableFuture<Void> record(AcceptedPhoto photo) {
        if (!adoptedUnrecorded.remove(photo.envelopeSha256()) && !Files.exists(envelopeFile(photo.envelopeSha256()))) {
            return CompletableFuture.failedFuture(new IOException("no archived envelope for "
                    + photo.envelopeSha256() + "; adopt it first"));
        }
        byte[] record;
        try {
            record = JsonRecordStore.JSON.writeValueAsBytes(photo);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> durable;
        synchronized (this) {
            try {
                reopenIfFailed();
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
            CompletableFuture<Void> named = namesDurable;
            // The envelope's directory entry is durable before the record: synced since its adoption, or in the
            // record's own batch when this process adopted nothing (see the class comment).
            durable = named == null ? journal.append(record, directory)
                    : named.thenCompose(synced -> journal.append(record));
            pending.put(photo.envelopeSha256(), durable);
            remember(photo);
        }
        durable.whenComplete((ok, failure) -> {
            // On the journal's writer thread: only note a failure, and keep the failed future pending so
            // that readers get the failure, never the record; the next adoption reopens the journal.
            if (failure != null) {
                journalFailed = true;
            } else {
                pending.remove(photo.envelopeSha256(), durable);
            }
        });
        return durable;
    }

    @Override
    public InputStream openEnvelope(String envelopeSha256) throws IOException {
        return Files.newInputStream(envelopeFile(envelopeSha256));
    }

    /** The archived envelope of an accepted photo. */
    Path envelopeFile(String envelopeSha256) {
        if (!envelopeSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("an envelope is named by 64 lower-case hex digits");
        }
        return directory.resolve(envelopeSha256 + ".cms");
    }

    /** fsyncs of the journal so far: with group commit, fewer than the records appended. */
    synchronized long journalSyncs() {
        return journal.syncs();
    }

    /** fsyncs of the directory for adopted envelopes' names so far, apart from those in the journal's batches. */
    long adoptionDirectorySyncs() {
        return directorySyncs;
    }

    /** fsyncs of the directory made in the journal's batches so far (records with no adoption before them). */
    synchronized long journalDirectorySyncs() {
        return journal.directorySyncs();
    }

    private void migrateOldRecords() throws IOException {
        List<Path> oldRecords = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            files.forEach(oldRecords::add);
        }
        if (oldRecords.isEmpty()) {
            return;
        }
        CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
        for (Path file : oldRecords) {
            AcceptedPhoto photo = JsonRecordStore.JSON.readValue(file.toFile(), AcceptedPhoto.class);
            if (!byEnvelope.containsKey(photo.envelopeSha256())) {
                last = record(photo);
            }
        }
        // Durable in queue order: the last record durable means all are.
        GroupCommitJournal.await(last);
        for (Path file : oldRecords) {
            Files.deleteIfExists(file);
        }
        DurableFiles.syncDirectory(directory);
        LOG.log(System.Logger.Level.INFO, "migrated {0} accepted-photo records into {1}", oldRecords.size(),
                directory.resolve(JOURNAL));
    }

    @Override
    public synchronized void close() throws IOException {
        closeNames();
        journal.close();
    }
}
