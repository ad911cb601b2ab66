package dev.codebound.server.upload;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.RequestHandler;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * {@code PATCH /files/{id}}: appends one chunk at {@code Upload-Offset}. The upload is locked for
 * the whole request (a second concurrent PATCH gets 423 at once). The 204 is sent only after the
 * chunk's bytes and the new offset are durable, and, when the chunk completes the upload, after the
 * completion outcome is durable too.
 *
 * <p>An empty PATCH at the full length of a complete upload answers 204 with the outcome: the
 * client's way to learn it after its last 204 was lost (and the way a failed completion is retried).
 */
final class PatchHandler implements RequestHandler {
    private final TusService tus;
    private BodyTransfer transfer;

    PatchHandler(TusService tus) {
        this.tus = tus;
    }

    @Override
    public void onStart(Exchange exchange) {
        try {
            TusHeaders.requireTusRequest(exchange.headers(), exchange.path());
            UploadId id = TusService.uploadId(exchange);
            BodyHeaders.requireOffsetContentType(exchange);
            long offset = TusHeaders.nonNegative(exchange.headers().get(Tus.UPLOAD_OFFSET), Tus.UPLOAD_OFFSET,
                    ProblemType.MISSING_UPLOAD_OFFSET, ProblemType.INVALID_UPLOAD_OFFSET, exchange.path());
            BodyTransfer chunk = new BodyTransfer(tus, exchange, BodyHeaders.checksum(exchange));
            UploadLocker.Lock lock = tus.locker().tryLock(id).orElseThrow(() -> Locked.refusal(exchange));
            chunk.hold(lock);
            transfer = chunk;
            boolean hasBody = BodyHeaders.hasBody(exchange.headers());
            chunk.submit(() -> prepare(exchange, id, offset, hasBody));
        } catch (Refusal refusal) {
            exchange.respond(TusHeaders.response(refusal));
        } catch (UncheckedIOException e) {
            // The shared locker could not ask its database, or had no session free for the lock.
            exchange.respond(TusHeaders.response(TusService.failure(exchange, e)));
        }
    }

    private void prepare(Exchange exchange, UploadId id, long offset, boolean hasBody) throws IOException, Refusal {
        UploadInfo upload = tus.lookup(exchange, id, false);
        if (upload.state().isComplete() && offset == upload.length() && !hasBody) {
            CompletionOutcome outcome = upload.state() == UploadState.AWAITING_OUTCOME ? tus.decide(upload)
                    : tus.store().outcome(id).orElseThrow(() -> TusService.storageFailure(exchange));
            transfer.conclude(tus.chunkStored(HttpResponseStatus.NO_CONTENT, upload.withState(outcome instanceof CompletionOutcome.Accepted
                    ? UploadState.ACCEPTED : UploadState.REJECTED), Optional.of(outcome)));
            return;
        }
        if (offset != upload.offset()) {
            throw new OffsetMismatch(offset, upload.offset(), exchange.path());
        }
        if (upload.state().isComplete()) {
            throw new Refusal(ProblemType.BODY_EXCEEDS_LENGTH,
                    "the upload already holds all " + upload.length() + " bytes", exchange.path());
        }
        transfer.open(upload);
    }

    @Override
    public void onContent(Exchange exchange, ByteBuf content, boolean last) {
        if (transfer == null) {
            content.release();
            return;
        }
        transfer.accept(content, last,
                (upload, outcome) -> tus.chunkStored(HttpResponseStatus.NO_CONTENT, upload, outcome));
    }

    @Override
    public void onTimedOut(Exchange exchange, FullHttpResponse answer) {
        if (transfer == null) {
            exchange.respond(answer);
        } else {
            transfer.timedOut(answer);
        }
    }

    @Override
    public void onAbort(Exchange exchange) {
        if (transfer != null) {
            transfer.abort();
        }
    }
}
