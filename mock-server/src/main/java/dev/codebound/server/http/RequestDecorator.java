package dev.codebound.server.http;

/**
 * Wraps the handler of each routed, authorized request: the dispatcher's single hook for fault
 * injection. It runs on the event loop, once per request, before the handler's
 * {@link RequestHandler#onStart}.
 */
@FunctionalInterface
public interface RequestDecorator {
    /** Leaves every handler as it is. */
    RequestDecorator NONE = (route, exchange, control, handler) -> handler;

    /**
     * The handler that serves this request: {@code handler} itself, or a wrapper around it.
     *
     * @param route    the matched route
     * @param exchange the request (its station is already authenticated)
     * @param control  connection-level levers for this request
     * @param handler  the route's fresh handler
     */
    RequestHandler decorate(Route route, Exchange exchange, RequestControl control, RequestHandler handler);
}
