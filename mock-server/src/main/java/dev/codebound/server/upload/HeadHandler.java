package dev.codebound.server.upload;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.RequestHandler;
import dev.codebound.server.http.Responses;
import dev.codebound.server.problem.Refusal;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;

/**
 * {@code HEAD /files/{id}}: the durable offset, the length and the metadata, never cached. For a
 * decided upload it also carries the outcome headers, so a client whose last 204 was lost learns
 * the outcome.
 */
final class HeadHandler implements RequestHandler {
    private final TusService tus;

    HeadHandler(TusService tus) {
        this.tus = tus;
    }

    @Override
    public void onStart(Exchange exchange) {
        try {
            TusHeaders.requireTusRequest(exchange.headers(), exchange.path());
            UploadId id = TusService.uploadId(exchange);
            tus.answerAsync(exchange, () -> describe(exchange, id));
        } catch (Refusal refusal) {
            exchange.respond(TusHeaders.response(refusal));
        }
    }

    private FullHttpResponse describe(Exchange exchange, UploadId id) throws IOException, Refusal {
        UploadInfo upload = tus.lookup(exchange, id, false);
        FullHttpResponse response = TusHeaders.tus(Responses.empty(HttpResponseStatus.OK));
        tus.describe(response.headers(), upload);
        response.headers().set(Tus.UPLOAD_LENGTH, upload.length());
        if (!upload.metadata().asMap().isEmpty()) {
            response.headers().set(Tus.UPLOAD_METADATA, upload.metadata().encode());
        }
        if (upload.state().hasOutcome()) {
            tus.store().outcome(id).ifPresent(outcome -> TusService.outcomeHeaders(response.headers(), id, outcome));
        }
        return response;
    }
}
