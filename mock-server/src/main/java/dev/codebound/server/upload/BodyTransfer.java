package dev.codebound.server.upload;

import dev.codebound.protocol.wire.UploadChecksum;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Streams one request body into an upload as a single chunk, shared by PATCH and
 * creation-with-upload. Body pieces arrive on the event loop and are queued, in order, on a serial
 * chain of storage tasks that write them, hash them and finally verify and commit the chunk; the
 * event loop never touches the disk. Pieces are handed to the chain in batches of up to
 * {@link #WRITE_BATCH} bytes (a small body in one task with its commit), each batch in one gathered
 * write, so that a body's pieces do not each wake a storage thread and then the event loop again;
 * a creation's step rides with the first batch ({@link #submitWithBody}). When more than
 * {@link TusService.Settings#bufferedBytes} are queued, reading pauses until the disk catches up,
 * so a fast client cannot fill memory.
 *
 * <p>A body that is a whole upload of at most {@link #KEPT_AT_MOST} bytes and
 * {@link TusService.Settings#bufferedBytes} (a small envelope sent in its creation request) is also kept in memory as it is written, so that the
 * completion handler gets it as {@link ReceivedBytes}: the same bytes, once durable, without
 * reading the file back, and with the SHA-256 already computed for {@code Upload-Checksum}.
 *
 * <p>A chunk counts only when the whole body arrived, its checksum (if given) matched, and its
 * bytes and new offset are durable; otherwise it is discarded and the offset stays where it was.
 */
final class BodyTransfer {
    private static final System.Logger LOG = System.getLogger(BodyTransfer.class.getName());
    /** {@link UploadChecksum#algorithm()} of SHA-256, the digest an envelope is known by. */
    private static final String SHA256 = "sha256";
    /** Body bytes the event loop gathers before it hands them to the chain (all of a small envelope's). */
    static final int WRITE_BATCH = 64 * 1024;
    /**
     * The largest whole body kept in memory for its completion: more than any envelope the registry
     * opens (it refuses larger ones unread), so that a large upload costs no second copy in memory.
     */
    static final int KEPT_AT_MOST = 256 * 1024;

    /** Builds the success answer once the chunk is committed (and, if it completed the upload, decided). */
    @FunctionalInterface
    interface Committed {
        FullHttpResponse answer(UploadInfo upload, Optional<CompletionOutcome> outcome);
    }

    private final TusService tus;
    private final Exchange exchange;
    private final SerialExecutor tasks;
    private final Optional<UploadChecksum> checksum;

    // Touched only by tasks on the serial chain.
    private UploadLocker.Lock lock;
    private UploadInfo upload;
    private UploadStore.ChunkWriter writer;
    private MessageDigest digest;
    /** The body as received, when it is a whole upload small enough to keep; see the class comment. */
    private byte[] received;
    private Consumer<HttpHeaders> decoration = headers -> {};

    /** Set when the answer is decided or the connection is gone: later tasks only release buffers. */
    private volatile boolean over;

    // Touched only on the event loop.
    /** The step {@link #submitWithBody} holds until the body's first hand-over; null once handed over. */
    private Step heldForBody;
    /** Pieces not yet handed to the chain, in order; see the class comment. */
    private List<ByteBuf> gathered = new ArrayList<>();
    private int gatheredBytes;
    private long queuedBytes;
    private boolean paused;
    private boolean lastReceived;

    BodyTransfer(TusService tus, Exchange exchange, Optional<UploadChecksum> checksum) {
        this.tus = tus;
        this.exchange = exchange;
        this.tasks = new SerialExecutor(tus.storage());
        this.checksum = checksum;
    }

    /** Runs {@code step} on this request's chain; a refusal or failure ends the transfer with a problem. */
    void submit(Step step) {
        tasks.execute(() -> {
            if (over) {
                return;
            }
            try {
                step.run();
            } catch (Refusal refusal) {
                conclude(TusHeaders.response(refusal));
            } catch (IOException | RuntimeException e) {
                conclude(TusHeaders.response(TusService.failure(exchange, e)));
            }
        });
    }

    /**
     * From the event loop: runs {@code step} on this request's chain in the same task as the body's
     * first hand-over (its first gathered pieces, or its end), not in a task of its own: a small
     * body then wakes a storage thread once, not once for the step and again for its bytes. For a
     * step whose refusal may come as late as the first {@link #WRITE_BATCH} bytes of the body.
     */
    void submitWithBody(Step step) {
        this.heldForBody = step;
    }

    /** From the event loop: the step {@link #submitWithBody} holds, now handed to the chain; null if none. */
    private Step takeHeld() {
        Step held = heldForBody;
        heldForBody = null;
        return held;
    }

    /** A unit of this transfer's storage work. */
    @FunctionalInterface
    interface Step {
        void run() throws IOException, Refusal;
    }

    /** Makes this transfer release {@code held} when it ends. Call from the event loop before any submit, or from a task. */
    void hold(UploadLocker.Lock held) {
        this.lock = held;
    }

    /** Adds headers to every answer from now on (creation adds {@code Location}). Call from a task. */
    void decorate(Consumer<HttpHeaders> headers) {
        this.decoration = headers;
    }

    /**
     * From a task: starts the chunk at {@code target}'s durable offset. Refuses a body whose
     * declared length would pass the upload's length before reading any of it.
     */
    void open(UploadInfo target) throws IOException, Refusal {
        this.upload = target;
        // Begun before any refusal, so that the refusal's release closes the writer: a store may
        // record a creation only then (see UploadStore#create).
        this.writer = tus.store().beginChunk(target);
        this.digest = checksum.map(UploadChecksum::newDigest).orElse(null);
        // The HTTP decoder has already rejected malformed or conflicting Content-Length values.
        String contentLength = exchange.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        long declared = contentLength == null ? -1 : Long.parseLong(contentLength.strip());
        if (declared > target.length() - target.offset()) {
            throw exceeds(target);
        }
        if (target.offset() == 0 && declared == target.length()
                && declared <= Math.min(KEPT_AT_MOST, tus.settings().bufferedBytes())) {
            received = new byte[(int) declared];
        }
    }

    private Refusal exceeds(UploadInfo target) {
        return new Refusal(ProblemType.BODY_EXCEEDS_LENGTH,
                "the upload has " + (target.length() - target.offset()) + " bytes left from offset "
                        + target.offset() + "; this body is longer", exchange.path());
    }

    /** From the event loop: queues a body piece for disk (taking ownership of it). */
    void accept(ByteBuf content, boolean last, Committed committed) {
        int size = content.readableBytes();
        queuedBytes += size;
        if (!paused && queuedBytes > tus.settings().bufferedBytes()) {
            paused = true;
            exchange.pauseReading();
        }
        if (size > 0) {
            gathered.add(content);
            gatheredBytes += size;
        } else {
            content.release();
        }
        // Paused, the gathered bytes must reach the disk for reading to resume.
        if (last || paused || gatheredBytes >= Math.min(WRITE_BATCH, tus.settings().bufferedBytes())) {
            handOver(last);
        }
        if (last) {
            lastReceived = true;
            Step held = takeHeld();
            submit(held == null ? () -> finish(committed) : () -> {
                held.run();
                if (!over) {
                    finish(committed);
                }
            });
        }
    }

    /**
     * From the event loop: queues the gathered pieces' write on the chain. The batch that ends the
     * body does not report back to the event loop when written: with the whole body read, nothing
     * is left to resume reading for, and the answer ends any pause of this request anyway; so a
     * small body costs the event loop no wake-up before its answer.
     */
    private void handOver(boolean endsBody) {
        if (gathered.isEmpty()) {
            return;
        }
        List<ByteBuf> pieces = gathered;
        int size = gatheredBytes;
        gathered = new ArrayList<>();
        gatheredBytes = 0;
        Step held = takeHeld();
        tasks.execute(() -> {
            try {
                if (held != null && !over) {
                    held.run();
                }
                if (!over) {
                    write(pieces, size);
                }
            } catch (Refusal refusal) {
                conclude(TusHeaders.response(refusal));
            } catch (IOException | RuntimeException e) {
                conclude(TusHeaders.response(TusService.failure(exchange, e)));
            } finally {
                pieces.forEach(ByteBuf::release);
                if (!endsBody) {
                    exchange.eventLoop().execute(() -> drained(size));
                }
            }
        });
    }

    /** From the event loop: releases pieces never handed to the chain (the request ended without its body). */
    private void dropGathered() {
        gathered.forEach(ByteBuf::release);
        gathered.clear();
        gatheredBytes = 0;
    }

    /** Writes the gathered {@code pieces} ({@code size} bytes in all) in one gathered write. */
    private void write(List<ByteBuf> pieces, int size) throws IOException, Refusal {
        if (upload.offset() + writer.written() + size > upload.length()) {
            throw exceeds(upload);
        }
        List<ByteBuffer> buffers = new ArrayList<>(pieces.size());
        int at = (int) writer.written();
        for (ByteBuf piece : pieces) {
            for (ByteBuffer bytes : piece.nioBuffers()) {
                if (digest != null) {
                    digest.update(bytes.duplicate());
                }
                buffers.add(bytes);
            }
            if (received != null) {
                // Within bounds: the check above keeps what was written within the upload's length.
                piece.getBytes(piece.readerIndex(), received, at, piece.readableBytes());
                at += piece.readableBytes();
            }
        }
        writer.write(buffers.toArray(ByteBuffer[]::new));
    }

    private void drained(int size) {
        queuedBytes -= size;
        if (paused && queuedBytes <= tus.settings().bufferedBytes() / 2) {
            paused = false;
            exchange.resumeReading();
        }
    }

    private void finish(Committed committed) throws IOException, Refusal {
        byte[] bodyDigest = digest == null ? null : digest.digest();
        if (bodyDigest != null && !checksum.get().matches(bodyDigest)) {
            throw new Refusal(ProblemType.CHECKSUM_MISMATCH,
                    "the body's " + checksum.get().algorithm() + " digest does not match Upload-Checksum; the chunk"
                            + " was discarded and the offset is still " + upload.offset(), exchange.path());
        }
        long written = writer.written();
        UploadInfo stored = writer.commit(tus.newExpiry());
        tus.events().bytesStored(written);
        Optional<CompletionOutcome> outcome = stored.state() == UploadState.AWAITING_OUTCOME
                ? Optional.of(tus.decide(stored, completeBytes(stored, written, bodyDigest))) : Optional.empty();
        // Closed after the outcome: a store may record a creation whose one chunk completed it together with
        // its outcome, or at this close when no outcome was recorded (see UploadStore.ChunkWriter#commit).
        writer.close();
        writer = null;
        release();
        over = true;
        FullHttpResponse answer = committed.answer(stored, outcome);
        decoration.accept(answer.headers());
        exchange.respond(answer);
    }

    /**
     * The complete upload's bytes for its completion: from memory when this body was all of them,
     * else the store's. Called after the commit, so the store's copy is durable.
     */
    private UploadBytes completeBytes(UploadInfo complete, long written, byte[] bodyDigest) {
        UploadBytes stored = tus.store().bytes(complete);
        if (received == null || written != received.length) {
            return stored;
        }
        boolean sha256 = bodyDigest != null && checksum.get().algorithm().equals(SHA256);
        return new ReceivedBytes(stored, received, sha256 ? bodyDigest : null);
    }

    /** From a task: ends the transfer with {@code answer}, discarding any uncommitted chunk. */
    void conclude(FullHttpResponse answer) {
        over = true;
        release();
        decoration.accept(answer.headers());
        exchange.respond(answer);
    }

    /**
     * From the event loop: the body arrived too slowly. Discards the chunk and releases the lock
     * on the chain, then sends {@code answer}, so that the client's next request finds the upload free.
     */
    void timedOut(FullHttpResponse answer) {
        over = true;
        dropGathered();
        tasks.execute(() -> conclude(answer));
    }

    /** From the event loop: the connection broke. A fully received body is still committed. */
    void abort() {
        if (!lastReceived) {
            over = true;
            dropGathered();
        }
        tasks.execute(this::release);
    }

    /** Discards an uncommitted chunk and releases the lock; safe to call more than once. */
    private void release() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING,
                        "could not cut back an unfinished chunk of " + exchange.path()
                                + "; restart recovery will", e);
            }
            writer = null;
        }
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }
}
