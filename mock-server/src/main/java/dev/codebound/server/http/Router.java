package dev.codebound.server.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Matches a request's method and path against the registered {@link Route}s. Paths are compared
 * segment by segment without any decoding or normalisation, so {@code ..} or percent-encoded
 * segments never match a literal and reach a handler only as a parameter that it validates.
 */
public final class Router {
    private final List<Route> routes = new ArrayList<>();

    /** Adds a route; later routes never shadow earlier ones with the same method and template. */
    public Router add(Route route) {
        for (Route existing : routes) {
            if (existing.method().equals(route.method()) && existing.template().equals(route.template())) {
                throw new IllegalArgumentException("duplicate route " + route.name());
            }
        }
        routes.add(route);
        return this;
    }

    /** Every registered route, in registration order. */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The outcome of matching a request. */
    public sealed interface Match {
        /** A route matched; {@code parameters} holds the template's named segments. */
        record Found(Route route, Map<String, String> parameters) implements Match {}

        /** The path exists but not for this method; {@code allowed} lists the methods that do. */
        record WrongMethod(Set<HttpMethod> allowed) implements Match {}

        /** No route has this path. */
        record NotFound() implements Match {}
    }

    /** Finds the route for {@code method} and {@code path} (the path without its query). */
    public Match match(HttpMethod method, String path) {
        Set<HttpMethod> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Optional<Map<String, String>> parameters = bind(route.template(), path);
            if (parameters.isEmpty()) {
                continue;
            }
            if (route.method().equals(method)) {
                return new Match.Found(route, parameters.get());
            }
            allowed.add(route.method());
        }
        return allowed.isEmpty() ? new Match.NotFound() : new Match.WrongMethod(allowed);
    }

    private static Optional<Map<String, String>> bind(String template, String path) {
        String[] expected = template.split("/", -1);
        String[] actual = path.split("/", -1);
        if (expected.length != actual.length) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < expected.length; i++) {
            String segment = expected[i];
            if (segment.startsWith("{") && segment.endsWith("}")) {
                if (actual[i].isEmpty()) {
                    return Optional.empty();
                }
                parameters.put(segment.substring(1, segment.length() - 1), actual[i]);
            } else if (!segment.equals(actual[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(parameters);
    }
}
