package dev.codebound.server.upload;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.protocol.wire.WireFormatException;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.RequestHandler;
import dev.codebound.server.http.StationIdentity;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code POST /files/} (creation, creation-with-upload): creates an upload owned by the
 * requesting station and, when the request carries a body, stores it as the first chunk. The 201
 * carries {@code Location}, {@code Upload-Offset} and {@code Upload-Expires}; it is sent only once
 * the upload (and its first chunk) are durable. When the body completed the upload, the 201 also
 * carries the outcome, in its headers and as its body (see {@link TusService#created}).
 */
final class CreateHandler implements RequestHandler {
    private final TusService tus;
    private BodyTransfer transfer;

    CreateHandler(TusService tus) {
        this.tus = tus;
    }

    @Override
    public void onStart(Exchange exchange) {
        try {
            TusHeaders.requireTusRequest(exchange.headers(), exchange.path());
            if (exchange.headers().contains(Tus.UPLOAD_DEFER_LENGTH)) {
                throw new Refusal(ProblemType.DEFER_LENGTH_UNSUPPORTED,
                        "this server needs Upload-Length at creation (creation-defer-length is not offered)",
                        exchange.path());
            }
            long length = TusHeaders.nonNegative(exchange.headers().get(Tus.UPLOAD_LENGTH), Tus.UPLOAD_LENGTH,
                    ProblemType.MISSING_UPLOAD_LENGTH, ProblemType.INVALID_UPLOAD_LENGTH, exchange.path());
            if (length > tus.settings().maxSize()) {
                throw new Refusal(ProblemType.UPLOAD_TOO_LARGE, "Upload-Length " + length
                        + " exceeds Tus-Max-Size " + tus.settings().maxSize(), exchange.path());
            }
            UploadMetadata metadata = metadata(exchange);
            String station = exchange.station().map(StationIdentity::stationId).orElseThrow();
            Optional<String> claimed = metadata.get(Tus.Metadata.STATION_ID);
            if (claimed.isPresent() && !claimed.get().equals(station)) {
                throw new Refusal(ProblemType.STATION_MISMATCH, "Upload-Metadata station-id '"
                        + claimed.get() + "' is not the authenticated station", exchange.path());
            }
            boolean hasBody = BodyHeaders.hasBody(exchange.headers());
            if (hasBody) {
                BodyHeaders.requireOffsetContentType(exchange);
            }
            BodyTransfer chunk = new BodyTransfer(tus, exchange,
                    hasBody ? BodyHeaders.checksum(exchange) : Optional.empty());
            transfer = chunk;
            // Created with the body's first bytes, in one storage task: a refusal (the station's quota) comes
            // after at most one batch of the body, which the dispatcher drains.
            chunk.submitWithBody(() -> create(exchange, chunk, length, metadata, station));
        } catch (Refusal refusal) {
            exchange.respond(TusHeaders.response(refusal));
        }
    }

    private static UploadMetadata metadata(Exchange exchange) throws Refusal {
        try {
            return UploadMetadata.parse(exchange.headers().get(Tus.UPLOAD_METADATA));
        } catch (WireFormatException e) {
            throw new Refusal(ProblemType.INVALID_UPLOAD_METADATA, e.getMessage(), exchange.path());
        }
    }

    private void create(Exchange exchange, BodyTransfer chunk, long length, UploadMetadata metadata, String station)
            throws IOException, Refusal {
        UploadInfo upload = tus.createWithinQuota(length, metadata, station, exchange.path());
        tus.events().uploadCreated();
        chunk.hold(tus.locker().tryLock(upload.id())
                .orElseThrow(() -> new IllegalStateException("a fresh upload id is already locked")));
        String location = TusService.uploadPath(upload.id());
        chunk.decorate(headers -> headers.set(HttpHeaderNames.LOCATION, location));
        chunk.open(upload);
    }

    @Override
    public void onContent(Exchange exchange, ByteBuf content, boolean last) {
        if (transfer == null) {
            content.release();
            return;
        }
        transfer.accept(content, last, tus::created);
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
