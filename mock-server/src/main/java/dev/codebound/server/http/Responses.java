package dev.codebound.server.http;

import dev.codebound.protocol.wire.Problem;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Builders for the server's responses; every error is an RFC 9457 problem body. */
public final class Responses {
    private Responses() {}

    /** An empty response (without Content-Length for 204, which must not carry one). */
    public static FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        if (status.code() != 204) {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        return response;
    }

    /** A response with {@code body} of type {@code contentType}. */
    public static FullHttpResponse body(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    /** A JSON response. */
    public static FullHttpResponse json(HttpResponseStatus status, byte[] json) {
        return body(status, "application/json", json);
    }

    /** A plain-text response in UTF-8. */
    public static FullHttpResponse text(HttpResponseStatus status, String contentType, String text) {
        return body(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A problem response; the status comes from {@code problem}. */
    public static FullHttpResponse problem(Problem problem) {
        return body(status(problem.status()), Problem.MEDIA_TYPE, problem.toJson());
    }

    /** The status object for a code, with tus's names for its own codes. */
    public static HttpResponseStatus status(int code) {
        return switch (code) {
            case 460 -> new HttpResponseStatus(460, "Checksum Mismatch");
            case 423 -> HttpResponseStatus.LOCKED;
            default -> HttpResponseStatus.valueOf(code);
        };
    }
}
