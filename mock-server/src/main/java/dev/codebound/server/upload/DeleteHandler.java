package dev.codebound.server.upload;

import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.RequestHandler;
import dev.codebound.server.http.Responses;
import dev.codebound.server.problem.Refusal;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.UncheckedIOException;
import java.util.Optional;

/** {@code DELETE /files/{id}} (termination): removes the upload; 423 while a PATCH holds it. */
final class DeleteHandler implements RequestHandler {
    private final TusService tus;

    DeleteHandler(TusService tus) {
        this.tus = tus;
    }

    @Override
    public void onStart(Exchange exchange) {
        try {
            TusHeaders.requireTusRequest(exchange.headers(), exchange.path());
            UploadId id = TusService.uploadId(exchange);
            Optional<UploadLocker.Lock> lock = tus.locker().tryLock(id);
            if (lock.isEmpty()) {
                throw Locked.refusal(exchange);
            }
            tus.storage().execute(() -> {
                FullHttpResponse answer;
                try {
                    answer = tus.answer(exchange, () -> {
                        tus.lookup(exchange, id, true);
                        tus.store().terminate(id);
                        return TusHeaders.tus(Responses.empty(HttpResponseStatus.NO_CONTENT));
                    });
                } finally {
                    lock.get().close();
                }
                exchange.respond(answer);
            });
        } catch (Refusal refusal) {
            exchange.respond(TusHeaders.response(refusal));
        } catch (UncheckedIOException e) {
            // The shared locker could not ask its database, or had no session free for the lock.
            exchange.respond(TusHeaders.response(TusService.failure(exchange, e)));
        }
    }
}
