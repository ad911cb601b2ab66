package dev.codebound.server.http;

/** Observes requests (metrics, journal). Called on event loops: implementations must be quick and thread-safe. */
public interface RequestListener {
    /** A request's headers have arrived. */
    void started();

    /** The request is over: answered, or its connection closed. */
    void finished(RequestLog log);
}
