package dev.codebound.server.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One endpoint: a method, a path template whose {@code {name}} segments match one path segment
 * each, who may call it, and a factory for the per-request handler.
 *
 * @param method   the HTTP method (after {@code X-HTTP-Method-Override})
 * @param template the path template, e.g. {@code /files/{id}}; also the name metrics and the journal use
 * @param access   who may call it
 * @param handlers makes a fresh handler for each request
 */
public record Route(HttpMethod method, String template, Access access, Supplier<RequestHandler> handlers) {
    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(handlers, "handlers");
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("route template must start with /: " + template);
        }
    }

    /** {@code METHOD /template}: how metrics and the journal name the route. */
    public String name() {
        return method.name() + " " + template;
    }
}
