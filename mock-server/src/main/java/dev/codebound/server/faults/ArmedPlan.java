package dev.codebound.server.faults;

import dev.codebound.server.http.Access;
import dev.codebound.server.http.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A {@link FaultPlan} checked against the server's routes and ready to decide, with its counters:
 * per rule and route, how many requests it watched; per rule, how often it fired. Replacing the
 * plan replaces this object, so counting restarts from 1 with every new plan. Thread-safe.
 */
final class ArmedPlan {
    /** A decision to act: rule {@code index} fires on the {@code ordinal}-th request it watched on its route. */
    record Firing(int index, FaultRule rule, String route, long ordinal) {
        /** How the journal names it, e.g. {@code rule 0 (PATCH /files/{id} #3): reset afterBytes=100}. */
        String describe() {
            return "rule " + index + " (" + route + " #" + ordinal + "): " + rule.action().describe();
        }
    }

    private record Armed(FaultRule rule, String routeName, Map<String, AtomicLong> watched, AtomicLong fired) {}

    private final FaultPlan plan;
    private final long seed;
    private final List<Armed> rules;

    private ArmedPlan(FaultPlan plan, long seed, List<Armed> rules) {
        this.plan = plan;
        this.seed = seed;
        this.rules = rules;
    }

    /**
     * Checks every rule's route and action against {@code routes} and arms the plan with its own
     * seed, or {@code serverSeed} when it has none.
     *
     * @throws InvalidFaultPlanException naming the rule's field that names no route or an action that cannot act there
     */
    static ArmedPlan arm(FaultPlan plan, long serverSeed, List<Route> routes) {
        Map<String, Route> byName = routes.stream()
                .collect(Collectors.toMap(Route::name, route -> route, (a, b) -> a, LinkedHashMap::new));
        List<Armed> armed = new ArrayList<>();
        for (int i = 0; i < plan.rules().size(); i++) {
            FaultRule rule = plan.rules().get(i);
            String routeName = rule.anyRoute() ? null : TusRoutes.canonical(rule.route());
            check(rule, routeName, byName, "rules[" + i + "]");
            armed.add(new Armed(rule, routeName, new ConcurrentHashMap<>(), new AtomicLong()));
        }
        long seed = plan.seed() != null ? plan.seed() : serverSeed;
        return new ArmedPlan(plan.withSeed(seed), seed, List.copyOf(armed));
    }

    private static void check(FaultRule rule, String routeName, Map<String, Route> routes, String at) {
        if (routeName == null) {
            if (routes.values().stream().noneMatch(rule.action()::appliesTo)) {
                throw new InvalidFaultPlanException(at + ".action", rule.action().describe()
                        + " can act on none of this server's routes");
            }
            return;
        }
        Route route = routes.get(routeName);
        if (route == null) {
            throw new InvalidFaultPlanException(at + ".route", "no route named \"" + rule.route()
                    + "\"; use *, an alias " + new TreeMap<>(TusRoutes.ALIASES).keySet() + " or one of "
                    + routes.values().stream().filter(r -> r.access() != Access.ADMIN).map(Route::name).toList());
        }
        if (route.access() == Access.ADMIN) {
            throw new InvalidFaultPlanException(at + ".route", "admin routes are never faulted, so that a plan "
                    + "can always be changed");
        }
        if (!rule.action().appliesTo(route)) {
            throw new InvalidFaultPlanException(at + ".action", rule.action().describe() + " cannot act on "
                    + routeName);
        }
    }

    /**
     * Counts the request with every rule that watches it and returns the first rule that fires.
     * Every watching rule counts the request, even when an earlier rule fires, so that each rule's
     * numbering depends only on the requests it watches.
     *
     * @param station the request's station id, or null
     * @param hasBody whether the request carries a body
     */
    Optional<Firing> decide(Route route, String station, boolean hasBody) {
        if (route.access() == Access.ADMIN) {
            return Optional.empty();
        }
        Firing chosen = null;
        for (int i = 0; i < rules.size(); i++) {
            Armed armed = rules.get(i);
            FaultRule rule = armed.rule();
            if (!watches(armed, route, station, hasBody)) {
                continue;
            }
            long n = armed.watched().computeIfAbsent(route.name(), name -> new AtomicLong()).incrementAndGet();
            boolean triggered = rule.script() != null ? rule.script().contains(n)
                    : FaultDraw.uniform(seed, i, route.name(), n) < rule.probability();
            if (triggered && chosen == null && consume(armed)) {
                chosen = new Firing(i, rule, route.name(), n);
            }
        }
        return Optional.ofNullable(chosen);
    }

    private static boolean watches(Armed armed, Route route, String station, boolean hasBody) {
        FaultRule rule = armed.rule();
        return (armed.routeName() == null || armed.routeName().equals(route.name()))
                && (rule.stationId() == null || rule.stationId().equals(station))
                && rule.action().appliesTo(route)
                && (hasBody || !rule.action().needsBody());
    }

    /** Counts a firing unless the rule has reached its limit. */
    private static boolean consume(Armed armed) {
        Integer limit = armed.rule().limit();
        if (limit == null) {
            armed.fired().incrementAndGet();
            return true;
        }
        long before = armed.fired().getAndUpdate(fired -> fired < limit ? fired + 1 : fired);
        return before < limit;
    }

    /** The plan with the seed in use: saved as a file, it reproduces this run. */
    FaultPlan plan() {
        return plan;
    }

    long seed() {
        return seed;
    }

    /** Per rule: its index, how often it fired, and how many requests it watched per route. */
    List<Map<String, Object>> counters() {
        List<Map<String, Object>> counters = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            Armed armed = rules.get(i);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("rule", i);
            entry.put("fired", armed.fired().get());
            Map<String, Long> watched = new TreeMap<>();
            armed.watched().forEach((route, count) -> watched.put(route, count.get()));
            entry.put("watched", watched);
            counters.add(entry);
        }
        return counters;
    }
}
