package dev.codebound.server.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/** One request and its single answer, as a {@link RequestHandler} sees them. */
public interface Exchange {
    /** The effective method: {@code X-HTTP-Method-Override} applied. */
    HttpMethod method();

    /** The request path, without the query, exactly as sent (not decoded). */
    String path();

    HttpHeaders headers();

    /** A path parameter the route template named, e.g. {@code id} for {@code /files/{id}}. */
    String parameter(String name);

    /** The decoded query parameters. */
    Map<String, List<String>> query();

    /** The authenticated station, when the request carries one. */
    Optional<StationIdentity> station();

    /** Whether the client connects from a loopback address (the admin web page answers only those). */
    boolean fromLoopback();

    /** Runs work on the connection's event loop (to touch per-request state from an executor). */
    Executor eventLoop();

    /**
     * Sends the answer; callable from any thread, once. When the body has not been fully received
     * yet, the dispatcher discards the rest (or closes the connection if the rest is large).
     */
    void respond(FullHttpResponse response);

    /** Stops reading the body (backpressure); callable from any thread. */
    void pauseReading();

    /** Resumes reading after {@link #pauseReading}; callable from any thread. */
    void resumeReading();
}
