package dev.codebound.agent.upload;

import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.EnvelopeInfo;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.protocol.pki.Providers;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.Tus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import okhttp3.HttpUrl;

/**
 * Drives one spool entry through the tus exchange until it is delivered, rejected, corrupt, or out
 * of attempts for this run. Each step persists its result in the spool before the next request.
 *
 * <p>Network failures arrive as {@link UploadException}s; an {@link IOException} from here means
 * the spool itself cannot be written, which ends the run.
 */
final class EntryUpload {
    /** New uploads started in one run after the server lost ours; guards against a server that keeps forgetting. */
    private static final int MAX_RESTARTS = 3;

    /**
     * How one entry's attempt ended.
     *
     * @param stationRefusal set when the registry refused the station itself (401, 403): the entry is
     *                       then left exactly as it was, and {@code state} is its unchanged state
     * @param delivery       set when the entry was delivered: its DELIVERED record, queued for the
     *                       spool's journal and perhaps not yet durable; the caller awaits it before
     *                       anything that depends on the delivery
     */
    record Result(EntryState state, String reason, Problem stationRefusal, Spool.QueuedChange delivery) {
        Result(EntryState state, String reason) {
            this(state, reason, null, null);
        }
    }

    private final String id;
    private final EnvelopeInfo info;
    private final Spool spool;
    private final TusClient tus;
    private final UploadConfig config;
    private final RateLimiter limiter;
    private final ProgressTracker progress;
    private final RunCounters counters;
    private final Instant deadline;

    private boolean needsHead;
    private long highWater;
    /** The envelope as hashed at the start of this run when it fits in one chunk; else {@code null}. */
    private byte[] verified;
    /**
     * The envelope read with only its length checked, for a creation that carries it whole: that
     * request's checksum is the recorded SHA-256, which the registry checks the bytes against.
     * Anything else sent from it is hashed first ({@link #checkTheUnhashedBytes}).
     */
    private byte[] unhashed;

    EntryUpload(SpoolEntry entry, Spool spool, TusClient tus, UploadConfig config, RateLimiter limiter,
            ProgressTracker progress, RunCounters counters, Instant deadline) {
        this.id = entry.id();
        this.info = entry.info();
        this.spool = spool;
        this.tus = tus;
        this.config = config;
        this.limiter = limiter;
        this.progress = progress;
        this.counters = counters;
        this.deadline = deadline;
    }

    /**
     * Whether the entry's upload is one creation-with-upload request (the usual photo), as far as
     * can be told before it starts.
     */
    static boolean travelsInItsCreation(SpoolEntry entry, UploadConfig config) {
        long length = entry.info().length();
        return entry.uploadUrl() == null && length > 0 && length <= config.creationWithUploadLimit()
                && length <= config.chunkSize();
    }

    Result run() throws IOException, InterruptedException {
        SpoolEntry entry = spool.entry(id).orElseThrow();
        if (travelsInItsCreation(entry, config)) {
            // Hashed by the registry against the record, not twice; a 460 has the station hash it itself.
            Spool.ReadEnvelope read = spool.readForRegistryCheck(id);
            entry = read.entry();
            unhashed = read.content();
        } else if (info.length() <= config.chunkSize()) {
            // Read once: the bytes hashed for the check are the bytes sent, with no second open of the file.
            Spool.ReadEnvelope checked = spool.readVerified(id);
            entry = checked.entry();
            verified = checked.content();
        } else {
            entry = spool.verify(id);
        }
        if (entry.state() == EntryState.CORRUPT) {
            return new Result(EntryState.CORRUPT, entry.lastError());
        }
        progress.started(id, info.filename(), entry.acknowledgedOffset(), info.length());
        try {
            return attempt(entry);
        } finally {
            progress.finished(id);
        }
    }

    private Result attempt(SpoolEntry start) throws IOException, InterruptedException {
        // Bytes below the recorded offset were sent in an earlier run; sending them again counts as re-sent.
        highWater = start.acknowledgedOffset();
        needsHead = start.uploadUrl() != null;
        int failures = 0;
        int restarts = 0;
        while (true) {
            try {
                Result done = advance();
                if (done != null) {
                    return done;
                }
                // Progress was made: attempts and backoff count consecutive failures only.
                failures = 0;
            } catch (UploadException e) {
                switch (e.kind()) {
                    case REJECTED -> {
                        spool.markRejected(id, e.problem());
                        return new Result(EntryState.REJECTED, spool.entry(id).orElseThrow().lastError());
                    }
                    case UNAUTHORIZED -> {
                        // Not this envelope's fault, and no retry can help: leave it exactly as it was, for
                        // after the station is re-enrolled, and stop the run.
                        Problem refusal = e.problem() != null ? e.problem()
                                : Problem.of(e.status(), "HTTP_" + e.status(), e.getMessage(), null, null);
                        return new Result(spool.entry(id).orElseThrow().state(), e.getMessage(), refusal, null);
                    }
                    case GONE -> {
                        if (++restarts > MAX_RESTARTS) {
                            return fail(e.getMessage(), config.retryPolicy().maxDelay());
                        }
                        // The registry deduplicates by envelope hash, so a fresh upload cannot duplicate the photo.
                        spool.markUploadGone(id, e.getMessage());
                        progress.resynced(id, 0);
                        needsHead = false;
                    }
                    case OFFSET_MISMATCH -> {
                        failures++;
                        if (!config.retryPolicy().allowsAnotherAttempt(failures)) {
                            return fail(e.getMessage(), config.retryPolicy().delay(failures, null, config.random()));
                        }
                        adoptServerOffset(e.serverOffset());
                    }
                    case TRANSIENT -> {
                        if (Thread.currentThread().isInterrupted()) {
                            // The run is stopping (an operator, or another worker's disk error) and cut this
                            // request off: not the envelope's failure. It stays as it was, due for the next run.
                            throw new InterruptedException("upload stopped: " + e.getMessage());
                        }
                        if (e.status() == Tus.STATUS_CHECKSUM_MISMATCH && unhashed != null) {
                            // The registry found the bytes unlike the recorded SHA-256: is it the file?
                            Result corrupt = checkTheUnhashedBytes();
                            if (corrupt != null) {
                                return corrupt;
                            }
                        }
                        failures++;
                        Duration delay = config.retryPolicy().delay(failures, e.retryAfter(), config.random());
                        Instant next = now().plus(delay);
                        spool.markFailed(id, e.getMessage(), next);
                        if (!config.retryPolicy().allowsAnotherAttempt(failures)
                                || (deadline != null && next.isAfter(deadline))) {
                            return new Result(EntryState.FAILED, e.getMessage());
                        }
                        progress.retrying(id, info.filename(), e.getMessage(), failures,
                                config.retryPolicy().maxAttempts(), next);
                        config.sleeper().sleep(delay);
                        SpoolEntry entry = spool.entry(id).orElseThrow();
                        needsHead = entry.uploadUrl() != null;
                        progress.resynced(id, entry.acknowledgedOffset());
                    }
                }
            }
        }
    }

    /** One exchange; returns the result when the entry has reached its end, else {@code null}. */
    private Result advance() throws UploadException, IOException {
        SpoolEntry entry = spool.entry(id).orElseThrow();
        if (entry.uploadUrl() == null) {
            return create(entry);
        }
        if (unhashed != null) {
            // The creation did not take the whole envelope: chunks carry their own checksums, not the record's.
            Result corrupt = checkTheUnhashedBytes();
            if (corrupt != null) {
                return corrupt;
            }
        }
        HttpUrl upload = HttpUrl.get(entry.uploadUrl());
        if (needsHead) {
            long serverOffset = tus.head(upload);
            if (serverOffset > info.length()) {
                throw new UploadException(FailureKind.GONE, 0, "resume: server offset beyond the envelope's length",
                        null, null, -1, null);
            }
            // Ahead (an acknowledgement was lost) or behind (the server lost data): the server's word wins.
            if (serverOffset != entry.acknowledgedOffset()) {
                entry = spool.recordAcknowledged(id, serverOffset);
            }
            progress.resynced(id, serverOffset);
            needsHead = false;
        }
        long offset = entry.acknowledgedOffset();
        if (offset == info.length()) {
            return finish(upload, null);
        }
        byte[] chunk = read(offset, (int) Math.min(config.chunkSize(), info.length() - offset));
        TusClient.Patched patched = tus.patch(upload, offset, body(offset, chunk), sha256(chunk));
        if (patched.offset() <= offset || patched.offset() > offset + chunk.length) {
            needsHead = true;
            throw UploadException.transientError("upload: server acknowledged offset " + patched.offset()
                    + " for a chunk at " + offset, null);
        }
        spool.recordAcknowledged(id, patched.offset());
        return patched.offset() == info.length() ? finish(upload, patched.resultPath()) : null;
    }

    private Result create(SpoolEntry entry) throws UploadException, IOException {
        boolean inline = travelsInItsCreation(entry, config);
        TusClient.Created created;
        if (inline) {
            byte[] whole = unhashed != null ? unhashed : read(0, (int) info.length());
            // The whole envelope's checksum is its recorded SHA-256: the registry refuses bytes that differ from the
            // record, whether they were hashed here (verified) or not (unhashed).
            created = tus.create(info, body(0, whole), HexFormat.of().parseHex(info.sha256()));
        } else {
            created = tus.create(info, null, null);
        }
        if (created.offset() > info.length()) {
            throw UploadException.transientError("create: server offset beyond the envelope's length", null);
        }
        needsHead = false;
        progress.resynced(id, created.offset());
        if (created.offset() == info.length() && created.outcome() != null) {
            // The verdict came with the answer: no request depends on the created state, so its one record
            // (the delivered or rejected entry) is all that must be durable before the entry counts as done.
            return settle(created.outcome());
        }
        // The URL and the acknowledged offset in one record, durable before the next request.
        spool.markCreated(id, created.url().toString(), created.offset());
        return created.offset() == info.length() ? finish(created.url(), created.resultPath()) : null;
    }

    /** Fetches the verdict and stores it with the state that announces it. */
    private Result finish(HttpUrl upload, String resultHint) throws UploadException, IOException {
        return settle(tus.result(tus.resultUrl(upload, resultHint)));
    }

    private Result settle(TusClient.Outcome outcome) throws IOException {
        if (outcome instanceof TusClient.Accepted accepted) {
            return new Result(EntryState.DELIVERED, null, null, spool.queueDelivered(id, accepted.receiptJson()));
        }
        Problem problem = ((TusClient.Refused) outcome).problem();
        spool.markRejected(id, problem);
        return new Result(EntryState.REJECTED, spool.entry(id).orElseThrow().lastError());
    }

    private void adoptServerOffset(long serverOffset) throws IOException {
        if (serverOffset >= 0 && serverOffset <= info.length() && spool.entry(id).orElseThrow().uploadUrl() != null) {
            spool.recordAcknowledged(id, serverOffset);
            progress.resynced(id, serverOffset);
            needsHead = false;
        } else {
            needsHead = true;
        }
    }

    /**
     * Hashes the envelope that was read unhashed, before anything but its creation request is sent
     * from it: returns the CORRUPT result when the file is not the recorded envelope; else keeps the
     * bytes as verified and returns {@code null}.
     */
    private Result checkTheUnhashedBytes() throws IOException {
        unhashed = null;
        Spool.ReadEnvelope checked = spool.readVerified(id);
        if (checked.entry().state() == EntryState.CORRUPT) {
            return new Result(EntryState.CORRUPT, checked.entry().lastError());
        }
        verified = checked.content();
        return null;
    }

    private Result fail(String reason, Duration wait) throws IOException {
        spool.markFailed(id, reason, now().plus(wait));
        return new Result(EntryState.FAILED, reason);
    }

    /** A request body for {@code chunk} at {@code offset} that counts sent and re-sent bytes. */
    private ChunkBody body(long offset, byte[] chunk) {
        long[] cursor = {offset};
        return new ChunkBody(chunk, limiter, count -> {
            long from = cursor[0];
            long to = from + count;
            cursor[0] = to;
            counters.bytesSent.addAndGet(count);
            counters.bytesResent.addAndGet(Math.max(0, Math.min(to, highWater) - from));
            highWater = Math.max(highWater, to);
            progress.sent(id, count);
        });
    }

    private byte[] read(long offset, int length) throws IOException {
        if (verified != null) {
            return offset == 0 && length == verified.length ? verified
                    : Arrays.copyOfRange(verified, (int) offset, (int) offset + length);
        }
        byte[] data = new byte[length];
        ByteBuffer buffer = ByteBuffer.wrap(data);
        try (FileChannel channel = FileChannel.open(spool.envelopeFile(id), StandardOpenOption.READ)) {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new IOException("envelope of entry " + Spool.shortId(id) + " ended early");
                }
            }
        }
        return data;
    }

    private Instant now() {
        return config.clock().instant();
    }

    private static byte[] sha256(byte[] data) {
        return Providers.bulkSha256().digest(data);
    }
}
