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
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Streams one request body into an upload as a single chunk, shared by PATCH and
 * creation-with-upload. Body pieces arrive on the event loop and are queued, in order, on a serial
 * chain of storage tasks that write them, hash them and finally verify and commit the chunk; the
 * event loop never touches the disk. When more than {@link TusService.Settings#bufferedBytes} are
 * queued, reading pauses until the disk catches up, so a fast client cannot fill memory.
 *
 * <p>A chunk counts only when the whole body arrived, its checksum (if given) matched, and its
 * bytes and new offset are durable; otherwise it is discarded and the offset stays where it was.
 */
final class BodyTransfer {
    private static final System.Logger LOG = System.getLogger(BodyTransfer.class.getName());

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
    private Consumer<HttpHeaders> decoration = headers -> {};

    /** Set when the answer is decided or the connection is gone: later tasks only release buffers. */
    private volatile boolean over;

    // Touched only on the event loop.
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
        if (contentLength != null && Long.parseLong(contentLength.strip()) > target.length() - target.offset()) {
            throw exceeds(target);
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
        tasks.execute(() -> {
            try {
                if (!over && size > 0) {
                    write(content);
                }
            } catch (Refusal refusal) {
                conclude(TusHeaders.response(refusal));
            } catch (IOException | RuntimeException e) {
                conclude(TusHeaders.response(TusService.failure(exchange, e)));
            } finally {
                content.release();
                exchange.eventLoop().execute(() -> drained(size));
            }
        });
        if (last) {
            lastReceived = true;
            submit(() -> finish(committed));
        }
    }

    private void write(ByteBuf content) throws IOException, Refusal {
        if (upload.offset() + writer.written() + content.readableBytes() > upload.length()) {
            throw exceeds(upload);
        }
        ByteBuffer bytes = content.nioBuffer();
        if (digest != null) {
            digest.update(bytes.duplicate());
        }
        writer.write(bytes);
    }

    private void drained(int size) {
        queuedBytes -= size;
        if (paused && queuedBytes <= tus.settings().bufferedBytes() / 2) {
            paused = false;
            exchange.resumeReading();
        }
    }

    private void finish(Committed committed) throws IOException, Refusal {
        if (digest != null && !checksum.get().matches(digest.digest())) {
            throw new Refusal(ProblemType.CHECKSUM_MISMATCH,
                    "the body's " + checksum.get().algorithm() + " digest does not match Upload-Checksum; the chunk"
                            + " was discarded and the offset is still " + upload.offset(), exchange.path());
        }
        long written = writer.written();
        UploadInfo stored = writer.commit(tus.newExpiry());
        tus.events().bytesStored(written);
        Optional<CompletionOutcome> outcome = stored.state() == UploadState.AWAITING_OUTCOME
                ? Optional.of(tus.decide(stored)) : Optional.empty();
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
        tasks.execute(() -> conclude(answer));
    }

    /** From the event loop: the connection broke. A fully received body is still committed. */
    void abort() {
        if (!lastReceived) {
            over = true;
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
