package dev.codebound.server.upload;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadChecksum;
import dev.codebound.protocol.wire.WireFormatException;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;
import java.util.Optional;

/** Checks on the headers of a request that carries upload bytes (PATCH, creation-with-upload). */
final class BodyHeaders {
    private BodyHeaders() {}

    /** Whether the request has a body at all (a non-zero Content-Length, or chunked encoding). */
    static boolean hasBody(HttpHeaders headers) {
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            return !length.strip().equals("0");
        }
        return headers.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true);
    }

    /** 415 unless the body is declared {@code application/offset+octet-stream}. */
    static void requireOffsetContentType(Exchange exchange) throws Refusal {
        String type = exchange.headers().get(HttpHeaderNames.CONTENT_TYPE);
        String mediaType = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals(Tus.OFFSET_CONTENT_TYPE)) {
            throw new Refusal(ProblemType.WRONG_CONTENT_TYPE,
                    "upload bytes must be sent as Content-Type: " + Tus.OFFSET_CONTENT_TYPE
                            + (type == null ? "" : ", not " + type), exchange.path());
        }
    }

    /** The parsed {@code Upload-Checksum}, if any; 400 when malformed or of an unsupported algorithm. */
    static Optional<UploadChecksum> checksum(Exchange exchange) throws Refusal {
        String header = exchange.headers().get(Tus.UPLOAD_CHECKSUM);
        if (header == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UploadChecksum.parse(header));
        } catch (WireFormatException e) {
            throw new Refusal(ProblemType.INVALID_UPLOAD_CHECKSUM, e.getMessage(), exchange.path());
        }
    }
}
