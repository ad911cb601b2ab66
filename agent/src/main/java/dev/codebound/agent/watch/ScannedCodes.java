package dev.codebound.agent.watch;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.io.GroupCommitJournal;
import dev.codebound.protocol.json.UtcInstantDeserializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Collection codes scanned at the station and not yet paired with a photo, for the hot folder:
 * a small durable map from code id to code text, in scan order. {@code code verify --remember}
 * and {@code watch --code-stdin} add to it; {@code watch} looks codes up by the id in a photo's
 * file name. ({@code watch --pair-with-last-code} neither reads nor adds to it: a pairing is opened
 * only by a scan that watch itself read, and lives in memory, see {@link PhotoPairing}.)
 *
 * <p>It stores what the QR code shows (the code text, whose identity part is sealed to the
 * registry) and nothing else: no photo, no name in clear. Codes are re-verified when a photo is
 * sealed, so an entry that expired or was revoked since it was scanned is refused then.
 *
 * <p><b>File.</b> An append-only journal in {@link GroupCommitJournal}'s format (header, then
 * records framed with a length and a CRC32C), one record per scan, its payload
 * {@code {"codeId":..,"text":..,"scannedAt":..}}; the last record of a code id wins. A batch of
 * scans is one write and one {@code fdatasync}, whatever the number of codes remembered, so a
 * scan costs the same at the end of a day as at its start. Several processes append to it: each
 * takes the journal lock ({@link ScannedCodesLock}) for the write only, never across the sync.
 *
 * <p><b>Retention.</b> The journal is compacted (rewritten with the live codes only) when a
 * process first uses it (which also carries over an older agent's {@code scanned-codes.json},
 * see {@link LegacyScannedCodes}), before an append would pass {@link #CAPACITY} records (down to
 * the newest {@link #COMPACTED_CAPACITY} codes), and when its oldest record is older than
 * {@link #RETENTION} (dropping the codes older than {@code RETENTION - EXPIRY_BATCH}); a running
 * watch checks the last at every poll ({@link #dropExpired}). Compaction writes a new file
 * beside the journal and syncs it without the journal lock, then, under it, copies in what was
 * appended meanwhile and renames it into place: a crash leaves the old journal or the new one.
 *
 * <p><b>Crashes.</b> An append that a crash cut short leaves a torn last record, never
 * acknowledged (the writer had not synced it); the next user of the file cuts it, under the
 * journal lock, where no append is half done. A record after it is impossible: every writer reads
 * (and so cuts) under the lock before appending.
 *
 * <p>The parsed codes are kept in memory and the file read again only when it changed (another
 * inode, size or modification time), and then only what was appended: a lookup per photo costs a
 * {@code stat}.
 */
public final class ScannedCodes {
    /** How long a scanned code stays remembered: a shoot day, with margin for a late upload of the photos. */
    public static final Duration RETENTION = Duration.ofDays(3);
    /** Most codes (records) the file ever holds: far more than a station photographs in a day. */
    public static final int CAPACITY = 2000;
    /**
     * The newest codes a compaction keeps: below {@link #CAPACITY}, so that a station scanning more
     * than that compacts once every {@code CAPACITY - COMPACTED_CAPACITY} scans, not at every scan.
     */
    public static final int COMPACTED_CAPACITY = CAPACITY * 3 / 4;
    /**
     * How much sooner than {@link #RETENTION} a compaction drops a code: a watch running for more
     * than three days then compacts about once an hour for expiry, not at every scan.
     */
    public static final Duration EXPIRY_BATCH = Duration.ofHours(1);

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .registerModule(UtcInstantDeserializer.module())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final byte[] HEADER = GroupCommitJournal.header();

    /** One remembered code. */
    public record Scanned(String codeId, String text, Instant scannedAt) {}

    /** The codes of one version of the file, as read so far. */
    private static final class Live {
        /** By code id, in scan order: scanning a code again moves it to the end. */
        final Map<String, Scanned> codes = new LinkedHashMap<>();
        /** Records in the file, superseded ones included. */
        int records;
        /** The earliest scan of any record in the file, superseded ones included; null when none. */
        Instant oldest;

        void add(Scanned scanned) {
            codes.remove(scanned.codeId());
            codes.put(scanned.codeId(), scanned);
            records++;
            if (oldest == null || scanned.scannedAt().isBefore(oldest)) {
                oldest = scanned.scannedAt();
            }
        }
    }

    private final Path file;
    private final Path legacy;
    private final Path compacting;
    private final Path lockFile;
    private final Clock clock;

    // All below guarded by the journal lock's in-process half.
    private Live live = new Live();
    /** The file read into {@link #live} (its {@code fileKey}), or null when none was. */
    private Object readKey;
    /** Where the intact records read end: where this process's next append goes. */
    private long readUpTo;
    /** The size and modification time when last read, to skip reading an unchanged file. */
    private long seenSize = -1;
    private FileTime seenModified;
    /** The file whose name this process made durable (a directory sync after the rename that created it). */
    private volatile Object durablyNamed;
    private boolean opened;

    /** The scanned codes kept in {@code file} ({@code scanned-codes.journal} in the station home). */
    public ScannedCodes(Path file) {
        this(file, Clock.systemUTC());
    }

    /** As {@link #ScannedCodes(Path)}, with the clock that decides what expired when the file is first used. */
    public ScannedCodes(Path file, Clock clock) {
        this.file = file.toAbsolutePath();
        String name = this.file.getFileName().toString();
        String stem = name.endsWith(".journal") ? name.substring(0, name.length() - ".journal".length()) : name;
        this.legacy = this.file.resolveSibling(stem + ".json");
        this.compacting = this.file.resolveSibling(name + ".compacting");
        // The lock file of the JSON layout: an older agent still running during an upgrade is excluded too.
        this.lockFile = this.file.resolveSibling(stem + ".json.lock");
        this.clock = clock;
    }

    /** Remembers {@code code} as the most recently scanned (scanning it again moves it to the end). */
    public void remember(VerifiedCode code, Instant now) throws IOException {
        remember(List.of(code), now);
    }

    /**
     * Remembers {@code codes}, in scan order, scanned at {@code now}, with one write and one sync
     * for all of them; returns once they are durable.
     */
    public void remember(List<VerifiedCode> codes, Instant now) throws IOException {
        List<Scanned> scans = new ArrayList<>(codes.size());
        for (VerifiedCode code : codes) {
            scans.add(new Scanned(code.codeId(), code.text(), now));
        }
        rememberScans(scans, now);
    }

    /** The code scanned with id {@code codeId}, if remembered. */
    public Optional<Scanned> find(String codeId) throws IOException {
        ScannedCodesLock lock = ScannedCodesLock.of(lockFile);
        openOnce(lock, clock.instant());
        return lock.underJournalLock(() -> {
            readChanges();
            return Optional.ofNullable(live.codes.get(codeId));
        });
    }

    /**
     * Compacts the file if its oldest record is older than {@link #RETENTION} at {@code now}: for a
     * process that runs for days, such as {@code watch}. Costs a comparison in memory otherwise.
     */
    public void dropExpired(Instant now) throws IOException {
        ScannedCodesLock lock = ScannedCodesLock.of(lockFile);
        openOnce(lock, now);
        if (lock.underJournalLock(() -> hasExpired(now))) {
            compact(lock, List.of(), now);
        }
    }

    /** Remembers {@code scans} (in scan order); the appends' one sync happens after the journal lock is released. */
    void rememberScans(List<Scanned> scans, Instant now) throws IOException {
        if (scans.isEmpty()) {
            return;
        }
        ScannedCodesLock lock = ScannedCodesLock.of(lockFile);
        openOnce(lock, now);
        byte[] framed = GroupCommitJournal.frame(scans.stream().map(ScannedCodes::encode).toList());
        Optional<Appended> appended = lock.underJournalLock(() -> append(scans, framed, now));
        if (appended.isEmpty()) {
            compact(lock, scans, now);
            return;
        }
        try (FileChannel channel = appended.get().channel()) {
            channel.force(false);
        }
        if (!appended.get().fileKey().equals(durablyNamed)) {
            // Renamed into place by another process's compaction, whose directory sync may not be done yet.
            DurableFiles.syncDirectory(file.getParent());
            durablyNamed = appended.get().fileKey();
        }
    }

    /** Bytes written to the journal, not yet synced: the channel to sync, and the file it wrote to. */
    private record Appended(FileChannel channel, Object fileKey) {}

    /**
     * Under the journal lock: writes {@code framed} at the journal's end, or nothing when the
     * journal must be compacted first (absent, expired records, or full).
     */
    private Optional<Appended> append(List<Scanned> scans, byte[] framed, Instant now) throws IOException {
        readChanges();
        if (readKey == null || hasExpired(now) || live.records + scans.size() > CAPACITY) {
            return Optional.empty();
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        try {
            writeFully(channel, framed);
        } catch (IOException | RuntimeException e) {
            // A partial write is a torn tail, never acknowledged: the next reader under the lock cuts it.
            channel.close();
            throw e;
        }
        scans.forEach(live::add);
        readUpTo += framed.length;
        noteSeen();
        return Optional.of(new Appended(channel, readKey));
    }

    /** The first use by this process: compacts if there is anything to drop or to carry over. */
    private void openOnce(ScannedCodesLock lock, Instant now) throws IOException {
        boolean compact = lock.underJournalLock(() -> {
            if (opened) {
                return false;
            }
            readChanges();
            boolean due = readKey == null ? LegacyScannedCodes.pending(legacy) : hasExpired(now)
                    || live.records > live.codes.size() || live.records > CAPACITY
                    || LegacyScannedCodes.pending(legacy) || Files.exists(compacting);
            opened = !due;
            return due;
        });
        if (compact) {
            compact(lock, List.of(), now);
            lock.underJournalLock(() -> opened = true);
        }
    }

    private boolean hasExpired(Instant now) {
        return live.oldest != null && live.oldest.isBefore(now.minus(RETENTION));
    }

    /** What a compaction writes first: the codes it keeps, from which file, and whether an older agent's file held some. */
    private record Snapshot(List<Scanned> kept, Object fileKey, boolean migrating) {}

    /**
     * Rewrites the journal with its live codes and {@code adding}, and carries over an older agent's
     * file; see the class comment. Holds the compaction lock throughout, the journal lock only to
     * read and to rename, never across a sync.
     */
    private void compact(ScannedCodesLock lock, List<Scanned> adding, Instant now) throws IOException {
        lock.underCompactionLock(() -> {
            Snapshot snapshot = lock.underJournalLock(() -> snapshot(adding, now));
            // A crashed compaction's leftover, if any: this process holds the compaction lock, so nobody writes it.
            Files.deleteIfExists(compacting);
            DurableFiles.createPrivateFile(compacting);
            try (FileChannel out = FileChannel.open(compacting, StandardOpenOption.WRITE)) {
                writeFully(out, HEADER);
                writeFully(out, GroupCommitJournal.frame(snapshot.kept().stream().map(ScannedCodes::encode).toList()));
                out.force(true);
                List<Scanned> carried = new ArrayList<>();
                for (List<Scanned> arrived = lock.underJournalLock(() -> renameIfCaughtUp(out, snapshot, carried));
                        !arrived.isEmpty(); arrived = lock.underJournalLock(() -> renameIfCaughtUp(out, snapshot, carried))) {
                    // Appended by others since the snapshot: into the new file too, synced without the journal lock.
                    writeFully(out, GroupCommitJournal.frame(arrived.stream().map(ScannedCodes::encode).toList()));
                    out.force(false);
                    carried.addAll(arrived);
                }
            } finally {
                Files.deleteIfExists(compacting);
            }
            DurableFiles.syncDirectory(file.getParent());
            durablyNamed = lock.underJournalLock(() -> readKey);
            if (snapshot.migrating()) {
                LegacyScannedCodes.markMoved(legacy);
            }
            return null;
        });
    }

    /** Under the journal lock: what a compaction keeps, the live codes, an older agent's and {@code adding}. */
    private Snapshot snapshot(List<Scanned> adding, Instant now) throws IOException {
        readChanges();
        boolean migrating = LegacyScannedCodes.pending(legacy);
        List<Scanned> all = new ArrayList<>(LegacyScannedCodes.read(legacy));
        all.addAll(live.codes.values());
        all.addAll(adding);
        return new Snapshot(keep(all, adding.size(), now), readKey, migrating);
    }

    /**
     * Under the journal lock: renames the compacted file {@code out} into place if nothing was
     * appended since it was written, and returns nothing; else returns what was appended, for the
     * caller to copy into it and sync first.
     */
    private List<Scanned> renameIfCaughtUp(FileChannel out, Snapshot snapshot, List<Scanned> carried)
            throws IOException {
        List<Scanned> arrived = readChanges();
        if (!Objects.equals(readKey, snapshot.fileKey())) {
            // Only a compaction replaces the file, and this process holds the compaction lock.
            throw new IOException(file + " was replaced by hand while it was being compacted; try again");
        }
        if (!arrived.isEmpty()) {
            return arrived;
        }
        Files.move(compacting, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        live = new Live();
        snapshot.kept().forEach(live::add);
        carried.forEach(live::add);
        readKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        readUpTo = out.size();
        noteSeen();
        return List.of();
    }

    /**
     * The codes a compaction keeps of {@code codes}: the last scan of each, unexpired, the newest
     * {@link #COMPACTED_CAPACITY}, or more when the scans being added are more (up to
     * {@link #CAPACITY}): a batch of scans is never cut by the compaction it triggered, so that
     * {@code watch --once --code-stdin} with 2000 codes remembers all of them, as it always did.
     */
    private static List<Scanned> keep(List<Scanned> codes, int adding, Instant now) {
        List<Scanned> byScan = new ArrayList<>(codes);
        // Stable: codes scanned at the same instant keep their order.
        byScan.sort(Comparator.comparing(Scanned::scannedAt));
        Map<String, Scanned> latest = new LinkedHashMap<>();
        Instant keptFrom = now.minus(RETENTION).plus(EXPIRY_BATCH);
        for (Scanned scanned : byScan) {
            latest.remove(scanned.codeId());
            if (!scanned.scannedAt().isBefore(keptFrom)) {
                latest.put(scanned.codeId(), scanned);
            }
        }
        List<Scanned> kept = new ArrayList<>(latest.values());
        int most = Math.max(COMPACTED_CAPACITY, Math.min(CAPACITY, adding));
        return List.copyOf(kept.subList(Math.max(0, kept.size() - most), kept.size()));
    }

    /**
     * Brings {@link #live} up to the file under the journal lock: nothing when unchanged, the
     * records appended since the last read, or the whole file when it was replaced; cuts a torn
     * tail (left by a crashed append, never acknowledged). Returns the records read.
     */
    private List<Scanned> readChanges() throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            forget();
            return List.of();
        }
        if (Objects.equals(readKey, attributes.fileKey()) && attributes.size() == seenSize
                && attributes.lastModifiedTime().equals(seenModified)) {
            return List.of();
        }
        boolean replaced = !Objects.equals(readKey, attributes.fileKey()) || attributes.size() < readUpTo;
        List<Scanned> read = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (replaced) {
                forget();
                checkHeader(channel);
            }
            long[] at = {replaced ? HEADER.length : readUpTo};
            Live into = replaced ? new Live() : live;
            long end;
            try {
                end = GroupCommitJournal.replayFrom(channel, at[0], payload -> {
                    Scanned scanned = decode(payload, at[0]);
                    into.add(scanned);
                    read.add(scanned);
                    at[0] += 8 + payload.capacity();
                });
            } catch (UncheckedIOException e) {
                forget();
                throw e.getCause();
            }
            if (end < channel.size()) {
                channel.truncate(end);
            }
            live = into;
            readKey = attributes.fileKey();
            readUpTo = end;
        }
        noteSeen();
        return read;
    }

    private void forget() {
        live = new Live();
        readKey = null;
        readUpTo = 0;
        seenSize = -1;
        seenModified = null;
    }

    private void noteSeen() throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        seenSize = attributes.size();
        seenModified = attributes.lastModifiedTime();
    }

    private void checkHeader(FileChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER.length);
        while (header.hasRemaining() && channel.read(header, header.position()) >= 0) {
            // read until full or the end of the file
        }
        if (header.hasRemaining() || !Arrays.equals(header.array(), HEADER)) {
            throw new IOException(file + " is not a scanned-codes journal (it does not start with "
                    + new String(HEADER, StandardCharsets.US_ASCII) + "); delete it and scan the codes again");
        }
    }

    private static byte[] encode(Scanned scanned) {
        try {
            return JSON.writeValueAsBytes(scanned);
        } catch (JacksonException e) {
            throw new IllegalStateException("a scanned code cannot be written as JSON", e);
        }
    }

    private Scanned decode(ByteBuffer payload, long at) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        Scanned scanned;
        try {
            scanned = JSON.readValue(bytes, Scanned.class);
        } catch (JacksonException e) {
            throw damaged(at, "is not a scanned code (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            // Not JSON's syntax but its encoding (bytes that are no UTF-8, -16 or -32): as damaged.
            throw damaged(at, "is not a scanned code (" + e.getMessage() + ")");
        }
        if (scanned == null || scanned.codeId() == null || scanned.text() == null || scanned.scannedAt() == null) {
            // Every lookup and every compaction compares these fields: a gap must be reported, not crash watch.
            throw damaged(at, "lacks codeId, text or scannedAt");
        }
        return scanned;
    }

    private UncheckedIOException damaged(long at, String reason) {
        return new UncheckedIOException(new IOException(file + " is damaged: its record at byte " + at + " "
                + reason + "; delete it and scan the codes again"));
    }

    private static void writeFully(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
