package dev.codebound.server.faults;

import dev.codebound.server.upload.TusService;
import java.util.Map;

/** Names of the tus routes (as {@code Route.name()} spells them) and the short aliases plans may use. */
final class TusRoutes {
    static final String PATCH = "PATCH " + TusService.BASE_PATH + "{id}";
    static final String DELETE = "DELETE " + TusService.BASE_PATH + "{id}";
    /** Templates of the routes that address one upload start with this. */
    static final String UPLOAD_PREFIX = TusService.BASE_PATH + "{id}";

    /** {@code tus.patch} and friends: shorter to type than {@code PATCH /files/{id}}. */
    static final Map<String, String> ALIASES = Map.of(
            "tus.options", "OPTIONS " + TusService.BASE_PATH,
            "tus.create", "POST " + TusService.BASE_PATH,
            "tus.head", "HEAD " + TusService.BASE_PATH + "{id}",
            "tus.patch", PATCH,
            "tus.delete", DELETE,
            "tus.result", "GET " + TusService.BASE_PATH + "{id}/result");

    private TusRoutes() {}

    /** The route name a plan's selector stands for: the alias resolved, anything else as given. */
    static String canonical(String selector) {
        return ALIASES.getOrDefault(selector, selector);
    }
}
