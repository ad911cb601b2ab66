package dev.codebound.server.upload;

import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.RequestHandler;
import dev.codebound.server.http.Responses;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code GET /files/{id}/result}: the stored outcome of a complete upload, 200 with the receipt
 * JSON when accepted, 422 with the stored problem when rejected, 409 while there is none yet
 * (the upload is incomplete, or a request is deciding it right now).
 */
final class ResultHandler implements RequestHandler {
    private final TusService tus;

    ResultHandler(TusService tus) {
        this.tus = tus;
    }

    @Override
    public void onStart(Exchange exchange) {
        try {
            UploadId id = TusService.uploadId(exchange);
            tus.answerAsync(exchange, () -> result(exchange, id));
        } catch (Refusal refusal) {
            exchange.respond(TusHeaders.response(refusal));
        }
    }

    private FullHttpResponse result(Exchange exchange, UploadId id) throws IOException, Refusal {
        UploadInfo upload = decideIfStalled(exchange, id, tus.lookup(exchange, id, true));
        if (!upload.state().hasOutcome()) {
            throw new Refusal(upload.state().isComplete() ? ProblemType.OUTCOME_PENDING : ProblemType.UPLOAD_INCOMPLETE,
                    upload.state().isComplete()
                            ? "the upload is complete and its outcome is being decided; retry shortly"
                            : "the upload holds " + upload.offset() + " of " + upload.length() + " bytes",
                    exchange.path());
        }
        CompletionOutcome outcome = tus.store().outcome(id).orElseThrow(() -> TusService.storageFailure(exchange));
        FullHttpResponse response = outcome instanceof CompletionOutcome.Accepted accepted
                ? Responses.json(HttpResponseStatus.OK, accepted.receiptJson())
                : Responses.problem(TusService.as422(((CompletionOutcome.Rejected) outcome).problem()));
        TusService.outcomeHeaders(response.headers(), id, outcome);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    /**
     * An upload whose bytes are all stored but whose outcome is not recorded, and which no request
     * is deciding (its lock is free), was left so by a failure after the last chunk (a full disk
     * while the outcome was written, a completion handler that threw). Decide it now rather than
     * answer 409 until the next restart: completion handlers are idempotent by contract, and the
     * lock keeps a PATCH from deciding it at the same time.
     */
    private UploadInfo decideIfStalled(Exchange exchange, UploadId id, UploadInfo upload)
            throws IOException, Refusal {
        if (upload.state() != UploadState.AWAITING_OUTCOME) {
            return upload;
        }
        Optional<UploadLocker.Lock> lock = tus.locker().tryLock(id);
        if (lock.isEmpty()) {
            return upload;
        }
        try {
            UploadInfo current = tus.lookup(exchange, id, true);
            if (current.state() == UploadState.AWAITING_OUTCOME) {
                tus.decide(current);
            }
            return tus.lookup(exchange, id, true);
        } finally {
            lock.get().close();
        }
    }
}
