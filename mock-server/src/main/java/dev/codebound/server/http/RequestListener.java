package dev.codebound.server.http;

/** Observes requests (metrics, journal). Called on event loops: implementations must be quick and thread-safe. */
public interface RequestListener {
    /** A request's headers have arrived. */
    void started();

    /** The request is over: answered, or its connection closed. */
    void finished(RequestLog log);

    /** Listens to nothing. */
    RequestListener NONE = new RequestListener() {
        @Override
        public void started() {}

        @Override
        public void finished(RequestLog log) {}
    };
}
