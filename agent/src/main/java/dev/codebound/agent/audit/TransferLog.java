package dev.codebound.agent.audit;

import dev.codebound.agent.station.StationHome;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.StationCredentials;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The station's append-only, hash-chained transfer log (docs/audit.md): what the station verified,
 * captured, sent and was told, as JSON Lines under {@link StationHome#log()}.
 *
 * <pre>{@code
 * try (TransferLog log = TransferLog.open(home, Clock.systemUTC(), credentials)) {
 *     log.captured(entryId, codeId, envelopeLength, photoSha256);
 * }   // closing appends a signed checkpoint because records were appended
 * }</pre>
 *
 * <p>Every record is on disk before its method returns. One process at a time may append (an OS
 * lock on {@code transfer-log.lock}); within it, methods are thread-safe, so parallel upload
 * workers share one log, and with group commit ({@link GroupCommitAppender}): a method chains and
 * queues its record under the log's lock and waits outside it, so records appended at the same
 * time share one fsync and no lock is held across one. Opening repairs a torn final line left by a crash by truncating it and
 * appending a {@code log-repaired} record that says how many bytes went and their hash; the repair
 * is never silent. Only whitelisted fields with well-shaped values are accepted ({@link Field}).
 */
public final class TransferLog implements Closeable {
    /** The events that record a retention deletion. */
    private static final Set<EventType> DELETIONS = Set.of(EventType.RETENTION_DELETED, EventType.PHOTO_DELETED);
    /** Finds the entry a {@code delivered} line names without parsing it. */
    private static final EntryRecordProbe DELIVERED_PROBE = new EntryRecordProbe(EventType.DELIVERED);

    /** Records between automatic checkpoints when the log is opened with the station's credentials. */
    public static final int DEFAULT_CHECKPOINT_INTERVAL = 100;

    private final StationHome home;
    private final Path file;
    private final Clock clock;
    private final StationCredentials signer;
    private final int checkpointInterval;
    private final FileChannel lockChannel;
    private GroupCommitAppender appender;
    private long lastSeq;
    private String head;
    private int sinceCheckpoint;
    private IOException failure;
    /**
     * The entries known to have a {@code delivered} record: those this log chained since it was
     * opened, and those found in the file by an earlier question ({@link #entriesWithoutDelivery}).
     * So a process that delivered an entry never reads the file to learn it, and one that holds the
     * log all day ({@code serve}) never reads the same part twice. Exact because one process at a
     * time has the log open.
     */
    private final Set<String> knownDelivered = new HashSet<>();

    private TransferLog(StationHome home, Clock clock, StationCredentials signer, int checkpointInterval,
            FileChannel lockChannel) {
        this.home = home;
        this.file = LogFiles.file(home);
        this.clock = clock;
        this.signer = signer;
        this.checkpointInterval = checkpointInterval;
        this.lockChannel = lockChannel;
    }

    /**
     * Opens the log for appending without automatic checkpoints: for commands that run before the
     * station has a certificate ({@code init}, {@code enroll}) or without its key.
     *
     * @throws IOException when another process holds the log, the disk fails, or the last complete
     *                     record is damaged (which a crash cannot cause; run {@code audit verify})
     */
    public static TransferLog open(StationHome home, Clock clock) throws IOException {
        return open(home, clock, null, DEFAULT_CHECKPOINT_INTERVAL);
    }

    /**
     * Opens the log for appending with automatic checkpoints signed by {@code station}: after every
     * {@value #DEFAULT_CHECKPOINT_INTERVAL} records, and at {@link #close()} when anything was
     * appended since the last one.
     */
    public static TransferLog open(StationHome home, Clock clock, StationCredentials station) throws IOException {
        return open(home, clock, Objects.requireNonNull(station, "station"), DEFAULT_CHECKPOINT_INTERVAL);
    }

    static TransferLog open(StationHome home, Clock clock, StationCredentials station, int checkpointInterval)
            throws IOException {
        if (checkpointInterval < 1) {
            throw new IllegalArgumentException("checkpoint interval must be at least 1");
        }
        Files.createDirectories(home.log());
        FileChannel channel = FileChannel.open(LogFiles.lock(home), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("the transfer log in " + home.log() + " is in use by another agent process");
            }
            TransferLog log = new TransferLog(home, clock, station, checkpointInterval, channel);
            try {
                if (station != null) {
                    // Kept once here, so that the automatic checkpoints need no file write under the log's lock.
                    log.keepCertificate(station.certificate());
                }
                log.load();
            } catch (IOException | RuntimeException e) {
                if (log.appender != null) {
                    log.appender.close();
                }
                throw e;
            }
            return log;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void load() throws IOException {
        head = Sha256.ZERO;
        if (!Files.exists(file)) {
            Files.createFile(file);
            DurableFiles.syncDirectory(home.log());
            appender = new GroupCommitAppender(file);
            return;
        }
        // Only the end of the file: appending needs the last record, and the log grows with the station's history.
        LogFiles.Tail tail = LogFiles.readTail(file);
        if (tail.lastLine().isPresent()) {
            String last = tail.lastLine().get();
            try {
                lastSeq = RecordParser.parse(last).seq();
            } catch (RecordParser.MalformedRecordException e) {
                throw new IOException("the last record of " + file + " (at byte " + tail.lastLineStart()
                        + ") is damaged: " + e.getMessage() + "; a crash cannot cause this. Run 'codebound-agent "
                        + "audit verify' and keep the file for the security team; move it aside to start a new log");
            }
            head = Sha256.hex(last.getBytes(StandardCharsets.UTF_8));
        }
        boolean torn = tail.torn().length > 0;
        if (torn) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(Files.size(file) - tail.torn().length);
                channel.force(true);
            }
        }
        appender = new GroupCommitAppender(file);
        if (torn) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put(Field.DISCARDED_BYTES.jsonName(), (long) tail.torn().length);
            fields.put(Field.DISCARDED_SHA256.jsonName(), Sha256.hex(tail.torn()));
            append(EventType.LOG_REPAIRED, fields);
        }
    }

    /**
     * The entries among {@code entryIds} that no {@code delivered} record names, as the log holds
     * them now, records chained and not yet written included. Records this log chained are known
     * without reading; for the others the file is read from its end backwards, only until each has
     * been found, so the cost follows how long ago the entries were delivered, not the station's
     * history. Only an entry whose record is really missing (a crash lost it) costs a read of the
     * whole file. Lines are not parsed ({@link EntryRecordProbe}): a damaged line that still spells a
     * delivery canonically counts as the delivery it names, since its damage is {@code audit verify}'s
     * to report and a second record of the same delivery would not repair it.
     */
    public synchronized Set<String> entriesWithoutDelivery(Collection<String> entryIds) throws IOException {
        Set<String> missing = new HashSet<>(entryIds);
        missing.removeAll(knownDelivered);
        if (missing.isEmpty()) {
            return missing;
        }
        LogFiles.readBackwards(file, line -> {
            DELIVERED_PROBE.entryId(line).ifPresent(id -> {
                knownDelivered.add(id);
                missing.remove(id);
            });
            return !missing.isEmpty();
        });
        return missing;
    }

    /**
     * The record a line of the log holds, if it is a well-formed record of one of {@code events}
     * (a damaged line is reported by {@code audit verify}, not here). Only a line that names one of
     * them is parsed: a well-formed record is its canonical rendering, so it holds
     * {@code "event":"<name>"} verbatim, and parsing (JSON, then the record rebuilt and hashed) is
     * what costs.
     */
    private static Optional<TransferRecord> recordOf(String line, Set<EventType> events) {
        if (events.stream().noneMatch(event -> line.contains("\"event\":\"" + event.wireName() + "\""))) {
            return Optional.empty();
        }
        try {
            TransferRecord record = RecordParser.parse(line);
            return events.contains(record.event()) ? Optional.of(record) : Optional.empty();
        } catch (RecordParser.MalformedRecordException e) {
            return Optional.empty();
        }
    }

    /** A collection code was verified; {@code codeId} is the registry's code id, never the code text. */
    public void codeVerified(String codeId) throws IOException {
        append(EventType.CODE_VERIFIED, Map.of(Field.CODE_ID.jsonName(), codeId));
    }

    /**
     * {@link #codeVerified}, returning once the record is chained, without writing it: it is held in
     * memory and written with the next record, in the same write and sync, or when the log is closed.
     * For a verification followed by the record of what was done with the code (a capture), so that
     * the two share one sync instead of costing two; a crash before either loses it, so nothing may
     * depend on this record alone being durable.
     *
     * @throws IOException when the log is closed or an earlier write failed
     */
    public void codeVerifiedWithNextRecord(String codeId) throws IOException {
        holdForNextRecord(EventType.CODE_VERIFIED, Map.of(Field.CODE_ID.jsonName(), codeId));
    }

    /** Chains a record and holds it in memory, to be written with the next record or when the log is closed. */
    private synchronized void holdForNextRecord(EventType event, Map<String, ?> fields) throws IOException {
        requireUsable();
        appender.hold(chain(event, fields, clock.instant()).line());
        sinceCheckpoint++;
        if (signer != null && sinceCheckpoint >= checkpointInterval) {
            // Nobody waits for this checkpoint: should its write fail, the next record is refused, as after a
            // failed append.
            queueCheckpoint(signer).durable().whenComplete((done, error) -> {
                if (error != null) {
                    recordFailure(error);
                }
            });
        }
    }

    private void recordFailure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        refuseFurtherRecords(cause instanceof IOException io ? io : new IOException("writing " + file + " failed",
                cause));
    }

    /**
     * After a failed write a partial batch may be on disk; the next open repairs it, and appending
     * after it would bury it.
     */
    private synchronized void refuseFurtherRecords(IOException writeFailure) {
        if (failure == null) {
            failure = writeFailure;
        }
    }

    /**
     * Writes the records held back (see {@link #delivered}) and waits until they, and every record
     * before them, are on disk.
     *
     * @throws IOException when the log is closed or a write failed
     */
    public void flush() throws IOException {
        CompletableFuture<Void> durable;
        synchronized (this) {
            requireUsable();
            durable = appender.flush();
        }
        settle(new Queued(null, durable));
    }

    /** A photo was sealed and spooled as entry {@code entryId} (the envelope's SHA-256, hex). */
    public void captured(String entryId, String codeId, long envelopeLength, String photoSha256) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Field.ENTRY_ID.jsonName(), entryId);
        fields.put(Field.CODE_ID.jsonName(), codeId);
        fields.put(Field.PHOTO_SHA256.jsonName(), photoSha256);
        fields.put(Field.ENVELOPE_LENGTH.jsonName(), envelopeLength);
        append(EventType.CAPTURED, fields);
    }

    /**
     * The first upload of an entry began. Returns once the record is chained, without writing it: it
     * goes out with the next record (the attempt's {@code delivered} or {@code rejected}, or another
     * worker's record), in the same write and sync, or when the log is closed. An upload's start needs
     * no sync of its own: a crash that loses it leaves the entry {@code captured} in the log, and the
     * next attempt's start, or the delivery recorded from the spool's stored receipt, follows from there
     * as it would have anyway (see {@link EntryLifecycle}).
     *
     * @throws IOException when the log is closed or an earlier write failed
     */
    public void uploadStarted(String entryId) throws IOException {
        holdForNextRecord(EventType.UPLOAD_STARTED, Map.of(Field.ENTRY_ID.jsonName(), entryId));
    }

    /**
     * An interrupted upload resumed at {@code offset}, the registry's acknowledged offset; held for the
     * next record as {@link #uploadStarted} is.
     *
     * @throws IOException when the log is closed or an earlier write failed
     */
    public void uploadResumed(String entryId, long offset) throws IOException {
        holdForNextRecord(EventType.UPLOAD_RESUMED, Map.of(Field.ENTRY_ID.jsonName(), entryId,
                Field.OFFSET.jsonName(), offset));
    }

    /**
     * The registry accepted an entry. {@code receiptSha256} is the SHA-256 of the receipt file's
     * bytes as stored; {@code logIndex} is the receipt's transparency-log leaf index.
     *
     * <p>Returns once the record is chained, without writing it: it goes out with the next record
     * written (at the latest the automatic checkpoint, every {@link #DEFAULT_CHECKPOINT_INTERVAL}
     * records), at {@link #flush}, which an upload calls when it ends, or when the log is closed.
     * The delivery itself is durable already, with its receipt, in the spool's journal, and nothing
     * depends on this record alone being durable: a crash that loses it leaves a delivered entry
     * the log does not know, and the next upload appends the record from the spool's receipt
     * ({@link MissedDeliveries}) before anything else, and so does a retention sweep before it deletes
     * the entry's envelope.
     *
     * @throws IOException when the log is closed or an earlier write failed
     */
    public void delivered(String entryId, String receiptSha256, long logIndex) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Field.ENTRY_ID.jsonName(), entryId);
        fields.put(Field.RECEIPT_SHA256.jsonName(), receiptSha256);
        fields.put(Field.LOG_INDEX.jsonName(), logIndex);
        holdForNextRecord(EventType.DELIVERED, fields);
    }

    /** The registry refused an entry; {@code reason} is its reason code (e.g. {@code CODE_REVOKED}). */
    public void rejected(String entryId, String reason) throws IOException {
        append(EventType.REJECTED, Map.of(Field.ENTRY_ID.jsonName(), entryId, Field.REASON.jsonName(), reason));
    }

    /** An operator removed an entry from the spool. */
    public void spoolEntryRemoved(String entryId) throws IOException {
        append(EventType.SPOOL_ENTRY_REMOVED, Map.of(Field.ENTRY_ID.jsonName(), entryId));
    }

    /** An operator withdrew an entry before the registry accepted it. */
    public void entryWithdrawn(String entryId) throws IOException {
        append(EventType.ENTRY_WITHDRAWN, Map.of(Field.ENTRY_ID.jsonName(), entryId));
    }

    /**
     * Data of entry {@code entryId} is about to be deleted under retention rule {@code rule}; see
     * {@link EventType#RETENTION_DELETED}. {@code kind} and {@code rule} are reason codes.
     */
    public void retentionDeleted(String entryId, String kind, String rule) throws IOException {
        deletionsIntended(List.of(DeletionIntent.ofEntry(entryId, kind, rule)));
    }

    /** The photo with SHA-256 {@code photoSha256} is about to be deleted; see {@link EventType#PHOTO_DELETED}. */
    public void photoDeleted(String photoSha256, String kind, String rule) throws IOException {
        deletionsIntended(List.of(DeletionIntent.ofPhoto(photoSha256, kind, rule)));
    }

    /**
     * A deletion about to happen, as {@link #deletionsIntended} records it: a
     * {@link EventType#RETENTION_DELETED} record when it names an entry, else a
     * {@link EventType#PHOTO_DELETED} record naming the photo's SHA-256. {@code kind} and
     * {@code rule} are reason codes.
     */
    public record DeletionIntent(EventType event, String subject, String kind, String rule) {
        /** Data of entry {@code entryId}. */
        public static DeletionIntent ofEntry(String entryId, String kind, String rule) {
            return new DeletionIntent(EventType.RETENTION_DELETED, entryId, kind, rule);
        }

        /** The photo with SHA-256 {@code photoSha256}. */
        public static DeletionIntent ofPhoto(String photoSha256, String kind, String rule) {
            return new DeletionIntent(EventType.PHOTO_DELETED, photoSha256, kind, rule);
        }

        private Map<String, Object> fields() {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put((event == EventType.RETENTION_DELETED ? Field.ENTRY_ID : Field.PHOTO_SHA256).jsonName(),
                    subject);
            fields.put(Field.KIND.jsonName(), kind);
            fields.put(Field.RULE.jsonName(), rule);
            return fields;
        }
    }

    /**
     * Records {@code intents}, in order, and returns once every one of them is on disk: a sweep's
     * records share one wait (and, queued together, usually one sync) instead of one each, and still
     * all precede the deletions they announce.
     */
    public void deletionsIntended(List<DeletionIntent> intents) throws IOException {
        Queued last = null;
        for (DeletionIntent intent : intents) {
            last = queue(intent.event(), intent.fields());
        }
        if (last != null) {
            // Durable in queue order: the last record's durability covers the ones before it.
            settle(last);
        }
    }

    /** A place in the log: a record's seq and the SHA-256 of its line, which no other log shares. */
    public record Position(long seq, String hash) {}

    /** Where the log stands: its last record, as chained (written or about to be). */
    public synchronized Position position() {
        return new Position(lastSeq, head);
    }

    /**
     * The deletions the log records after {@code since}, each as {@link #deletionKey}: what a
     * retention sweep that a crash interrupted has already recorded, so that the next one finishes
     * it without a second record. The file is read from its end backwards as far as {@code since}
     * (a sweep that finished everything it recorded), so the cost follows what happened since then;
     * with no {@code since}, or one this log does not hold (a log moved aside and started again),
     * the whole file is read.
     */
    public Set<String> deletionsRecordedAfter(Optional<Position> since) throws IOException {
        Set<String> keys = new HashSet<>();
        LogFiles.readBackwards(file, line -> {
            if (since.isPresent() && Sha256.hex(line.getBytes(StandardCharsets.UTF_8)).equals(since.get().hash())) {
                return false;
            }
            recordOf(line, DELETIONS).map(TransferLog::deletionKey).ifPresent(keys::add);
            return true;
        });
        return keys;
    }

    private static String deletionKey(TransferRecord deletion) {
        return deletionKey(deletion.text(Field.KIND).orElseThrow(), deletion.event() == EventType.RETENTION_DELETED
                ? deletion.entryId().orElseThrow() : deletion.text(Field.PHOTO_SHA256).orElseThrow());
    }

    /** How {@link #deletionsRecorded} names the deletion of {@code kind} of {@code subject} (an entry id or photo hash). */
    public static String deletionKey(String kind, String subject) {
        return kind + "/" + subject;
    }

    /** A scan opened a pairing for the next photo with code {@code codeId}. */
    public void pairingOpened(String codeId) throws IOException {
        append(EventType.PAIRING_OPENED, Map.of(Field.CODE_ID.jsonName(), codeId));
    }

    /** The pairing with code {@code codeId} closed; {@code reason} is a reason code such as {@code PHOTO_PAIRED}. */
    public void pairingClosed(String codeId, String reason) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Field.CODE_ID.jsonName(), codeId);
        fields.put(Field.REASON.jsonName(), reason);
        append(EventType.PAIRING_CLOSED, fields);
    }

    /** A photo arrived with no pairing to bind it to; {@code reason} is a reason code ({@code NO_OPEN_PAIRING}...). */
    public void photoUnpaired(String reason) throws IOException {
        append(EventType.PHOTO_UNPAIRED, Map.of(Field.REASON.jsonName(), reason));
    }

    /** The station key was created; {@code keyFingerprint} is hex SHA-256 of its DER SubjectPublicKeyInfo. */
    public void keyCreated(String keyFingerprint) throws IOException {
        append(EventType.KEY_CREATED, Map.of(Field.KEY_FINGERPRINT.jsonName(), keyFingerprint));
    }

    /**
     * Hands the station's checkpoints over from its current key to a new one: appends a
     * {@code key-renewed} record naming the new key and a checkpoint signed by {@code current}, the
     * old key's signature over the hand-over. Checkpoints signed by the new key are trusted only
     * through this record (docs/audit.md §3.1). Call it while the old key is still at hand, before
     * it is replaced.
     */
    public void keyRenewed(String newKeyFingerprint, StationCredentials current) throws IOException {
        keepCertificate(current.certificate());
        Queued checkpoint;
        synchronized (this) {
            requireUsable();
            // Not append(): its automatic checkpoint could come first, signed by whichever key the log was opened with.
            write(EventType.KEY_RENEWED, Map.of(Field.KEY_FINGERPRINT.jsonName(), newKeyFingerprint), clock.instant());
            checkpoint = queueCheckpoint(current);
        }
        settle(checkpoint);
    }

    /** The fingerprint {@link #keyCreated} expects for a public key. */
    public static String keyFingerprint(PublicKey publicKey) {
        return Sha256.hex(publicKey.getEncoded());
    }

    /** The registry enrolled the station; {@code certFingerprint} is {@link Certificates#fingerprint}. */
    public void enrolled(String stationId, String certFingerprint) throws IOException {
        append(EventType.ENROLLED, Map.of(Field.STATION_ID.jsonName(), stationId,
                Field.CERT_FINGERPRINT.jsonName(), certFingerprint));
    }

    /** A newer trust bundle was installed. */
    public void trustUpdated(long sequence) throws IOException {
        append(EventType.TRUST_UPDATED, Map.of(Field.SEQUENCE.jsonName(), sequence));
    }

    /**
     * Appends a checkpoint signed by {@code station} over every record before it, and keeps a copy
     * of the station certificate under {@code log/certificates/} so that checkpoints stay
     * verifiable after the station re-enrolls with a new certificate.
     */
    public TransferRecord checkpoint(StationCredentials station) throws IOException {
        keepCertificate(station.certificate());
        Queued checkpoint;
        synchronized (this) {
            requireUsable();
            checkpoint = queueCheckpoint(station);
        }
        return settle(checkpoint);
    }

    /** Chains and queues a checkpoint; call under the lock, with the certificate kept. */
    private Queued queueCheckpoint(StationCredentials station) throws IOException {
        // The signature covers the record's own time, so both must be the same instant.
        Instant now = clock.instant();
        requireClockWithinValidity(station.certificate(), now);
        Queued queued = write(EventType.CHECKPOINT, StationCheckpoint.sign(station, lastSeq, head, now), now);
        sinceCheckpoint = 0;
        return queued;
    }

    /**
     * Appends a record of any event type. The typed methods are the normal way in; this one exists
     * so that the whitelist is enforced at one place whatever the caller.
     *
     * @throws IllegalArgumentException when a field is not allowed for the event or its value has
     *                                  the wrong shape; nothing is written
     */
    public TransferRecord append(EventType event, Map<String, ?> fields) throws IOException {
        if (event == EventType.CHECKPOINT) {
            throw new IllegalArgumentException("checkpoints are appended by checkpoint(), which signs them");
        }
        return settle(queue(event, fields));
    }

    /** Chains and queues a record (and the automatic checkpoint it may call for) without waiting. */
    private synchronized Queued queue(EventType event, Map<String, ?> fields) throws IOException {
        requireUsable();
        Queued queued = write(event, fields, clock.instant());
        sinceCheckpoint++;
        if (signer != null && sinceCheckpoint >= checkpointInterval) {
            // Durable in queue order: the checkpoint's durability covers the record's.
            return new Queued(queued.record(), queueCheckpoint(signer).durable());
        }
        return queued;
    }

    /** A record chained into the log and queued for the disk. */
    private record Queued(TransferRecord record, CompletableFuture<Void> durable) {}

    /** Waits (outside the lock) until the record is on disk; a failure makes the log refuse further records. */
    private TransferRecord settle(Queued queued) throws IOException {
        try {
            GroupCommitAppender.await(queued.durable());
        } catch (IOException e) {
            refuseFurtherRecords(e);
            throw e;
        }
        return queued.record();
    }

    /** The seq of the last record, 0 for an empty log. */
    public synchronized long size() {
        return lastSeq;
    }

    /** Appends the closing checkpoint (when opened with credentials and anything was appended), then unlocks. */
    @Override
    public void close() throws IOException {
        try {
            boolean closingCheckpoint;
            synchronized (this) {
                closingCheckpoint = signer != null && sinceCheckpoint > 0 && failure == null
                        && lockChannel.isOpen();
            }
            if (closingCheckpoint) {
                checkpoint(signer);
            }
        } finally {
            try {
                if (appender != null) {
                    appender.close();
                }
            } finally {
                lockChannel.close();
            }
        }
    }

    /** Chains a record to the head and queues it; call under the lock. */
    private Queued write(EventType event, Map<String, ?> fields, Instant time) {
        Chained chained = chain(event, fields, time);
        return new Queued(chained.record(), appender.append(chained.line()));
    }

    /** A record chained to the head, and its line as written (with its newline). */
    private record Chained(TransferRecord record, byte[] line) {}

    /** Chains a record to the head (which moves on to it); call under the lock, then write its line. */
    private Chained chain(EventType event, Map<String, ?> fields, Instant time) {
        TransferRecord record = TransferRecord.create(lastSeq + 1, time, event, fields, head);
        byte[] line = record.line().getBytes(StandardCharsets.UTF_8);
        byte[] withNewline = java.util.Arrays.copyOf(line, line.length + 1);
        withNewline[line.length] = '\n';
        lastSeq = record.seq();
        head = Sha256.hex(line);
        if (event == EventType.DELIVERED) {
            record.entryId().ifPresent(knownDelivered::add);
        }
        return new Chained(record, withNewline);
    }

    private void requireUsable() throws IOException {
        if (!lockChannel.isOpen()) {
            throw new IOException("the transfer log is closed");
        }
        if (failure != null) {
            throw new IOException("an earlier write to " + file + " failed; reopen the log to repair it", failure);
        }
    }

    /**
     * A checkpoint is checked against its certificate's validity at the checkpoint's own time. One
     * signed while the clock is outside it would never verify, and, since every later checkpoint
     * covers it, would leave the log failing verification for ever: refuse to sign instead.
     */
    private static void requireClockWithinValidity(X509Certificate certificate, Instant now)
            throws ClockOutsideCertificateException {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (now.isBefore(notBefore) || now.isAfter(notAfter)) {
            throw new ClockOutsideCertificateException("refusing to sign a checkpoint: this computer's clock says "
                    + now + ", outside the station certificate's validity (" + notBefore + " to " + notAfter + "). "
                    + (now.isBefore(notBefore)
                            ? "The clock is behind: set it to the correct date and time (enable NTP, e.g. "
                                    + "'timedatectl set-ntp true') and run the command again."
                            : "Either the clock is ahead (set it to the correct date and time, e.g. enable NTP with "
                                    + "'timedatectl set-ntp true') or the certificate has expired (enroll again "
                                    + "with a new token)."));
        }
    }

    private void keepCertificate(X509Certificate certificate) throws IOException {
        Path kept = LogFiles.certificates(home).resolve(Certificates.fingerprint(certificate) + ".pem");
        if (!Files.exists(kept)) {
            DurableFiles.write(kept, PemFiles.certificatesToPem(List.of(certificate)).getBytes(StandardCharsets.UTF_8));
        }
    }
}
