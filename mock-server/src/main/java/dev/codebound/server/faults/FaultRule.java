package dev.codebound.server.faults;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.codebound.server.http.StationIdentity;
import java.util.HashSet;
import java.util.List;

/**
 * One rule of a {@link FaultPlan}: which requests it watches, when it fires, and what it does.
 *
 * <p>A rule watches the requests to {@code route} (a route name as {@code METHOD /template}, e.g.
 * {@code PATCH /files/{id}}; an alias such as {@code tus.patch}; or {@code *} for every route but
 * the admin routes), from {@code stationId} only when given, and that its action can act on. It
 * numbers them 1, 2, 3... per route, and fires on the n-th either when n is in {@code script} or,
 * with {@code probability}, when the seeded draw for n says so; never more than {@code limit}
 * times when a limit is given.
 *
 * @param route       the route selector
 * @param probability chance of firing on each watched request, 0 to 1 (exclusive with {@code script})
 * @param script      1-based ordinals of the watched requests to fire on (exclusive with {@code probability})
 * @param stationId   watch only this station's requests, when given
 * @param limit       fire at most this many times, when given (at least 1)
 * @param action      what to do
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultRule(String route, Double probability, List<Long> script, String stationId, Integer limit,
        FaultAction action) {
    /** Largest number of ordinals one script may list. */
    public static final int MAX_SCRIPT = 10_000;

    public FaultRule {
        if (route == null || route.isBlank()) {
            throw new InvalidFaultPlanException("route",
                    "is required: a route name such as \"PATCH /files/{id}\", an alias such as tus.patch, or *");
        }
        if ((probability == null) == (script == null)) {
            throw new InvalidFaultPlanException(probability == null ? "probability" : "script",
                    "give exactly one trigger: probability (0 to 1) or script (request ordinals)");
        }
        if (probability != null && !(probability >= 0 && probability <= 1)) {
            throw new InvalidFaultPlanException("probability", "must be from 0 to 1, got " + probability);
        }
        if (script != null) {
            script = List.copyOf(script);
            validateScript(script);
        }
        if (stationId != null && !StationIdentity.isValidStationId(stationId)) {
            throw new InvalidFaultPlanException("stationId",
                    "is not a station id (letters, digits, '.', '_', '-'; at most 64)");
        }
        if (limit != null && limit < 1) {
            throw new InvalidFaultPlanException("limit", "must be at least 1, got " + limit);
        }
        if (action == null) {
            throw new InvalidFaultPlanException("action", "is required, e.g. {\"type\":\"reset\"}");
        }
    }

    private static void validateScript(List<Long> script) {
        if (script.isEmpty() || script.size() > MAX_SCRIPT) {
            throw new InvalidFaultPlanException("script", "must list 1 to " + MAX_SCRIPT + " request ordinals");
        }
        HashSet<Long> seen = new HashSet<>();
        for (int i = 0; i < script.size(); i++) {
            Long ordinal = script.get(i);
            if (ordinal == null || ordinal < 1) {
                throw new InvalidFaultPlanException("script[" + i + "]", "request ordinals count from 1");
            }
            if (!seen.add(ordinal)) {
                throw new InvalidFaultPlanException("script[" + i + "]", "ordinal " + ordinal + " is listed twice");
            }
        }
    }

    /** Whether the rule watches every route (but the admin routes). */
    boolean anyRoute() {
        return route.equals("*");
    }
}
