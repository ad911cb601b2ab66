package dev.codebound.server.upload;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.RequestHandler;
import dev.codebound.server.http.Responses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code OPTIONS /files/}: what the server supports. Needs no {@code Tus-Resumable}, as tus specifies. */
final class OptionsHandler implements RequestHandler {
    private final TusService tus;

    OptionsHandler(TusService tus) {
        this.tus = tus;
    }

    @Override
    public void onStart(Exchange exchange) {
        FullHttpResponse response = TusHeaders.tus(Responses.empty(HttpResponseStatus.NO_CONTENT));
        response.headers().set(Tus.TUS_VERSION, Tus.VERSION);
        response.headers().set(Tus.TUS_EXTENSION, Tus.EXTENSIONS);
        response.headers().set(Tus.TUS_MAX_SIZE, tus.settings().maxSize());
        response.headers().set(Tus.TUS_CHECKSUM_ALGORITHM, Tus.CHECKSUM_ALGORITHMS);
        exchange.respond(response);
    }
}
