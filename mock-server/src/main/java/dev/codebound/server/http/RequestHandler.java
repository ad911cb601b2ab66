package dev.codebound.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * Handles one request. A fresh instance serves each request, so it may keep per-request state.
 *
 * <p>Threading: every method is called on the connection's event loop and must not block; disk or
 * crypto work goes to an executor, which answers through {@link Exchange#respond} (safe from any
 * thread). A handler answers exactly once; it may answer before the body has arrived (the rest of
 * the body is then discarded by the dispatcher).
 */
public interface RequestHandler {
    /** The request's headers have arrived. */
    void onStart(Exchange exchange);

    /**
     * A piece of the body. The handler owns {@code content} and must release it. {@code last} is
     * true for the final piece (which may be empty). Not called once the handler has answered.
     */
    default void onContent(Exchange exchange, ByteBuf content, boolean last) {
        content.release();
    }

    /** The connection closed before the handler answered: release whatever the request holds. */
    default void onAbort(Exchange exchange) {}

    /**
     * The client sent the body too slowly ({@link ClientTimeouts}): stop, release whatever the
     * request holds, then send {@code answer} (a 408; the connection closes after it). The default
     * aborts and answers at once; a handler that releases asynchronously (an upload lock) overrides
     * it to answer only once released, so that the client's next request does not meet the lock.
     */
    default void onTimedOut(Exchange exchange, FullHttpResponse answer) {
        onAbort(exchange);
        exchange.respond(answer);
    }
}
