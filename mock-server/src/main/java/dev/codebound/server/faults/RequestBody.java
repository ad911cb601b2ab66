package dev.codebound.server.faults;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;

/** Whether a request carries a body, judged from its head as HTTP/1.1 does. */
final class RequestBody {
    private RequestBody() {}

    /** A non-zero Content-Length or chunked transfer encoding. */
    static boolean present(HttpHeaders headers) {
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            return !length.strip().equals("0");
        }
        return headers.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true);
    }
}
