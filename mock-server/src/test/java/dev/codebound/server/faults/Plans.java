package dev.codebound.server.faults;

import java.nio.charset.StandardCharsets;

/** Fault plans written in tests as JSON with single quotes, for legibility. */
final class Plans {
    private Plans() {}

    static FaultPlan of(String json) {
        return FaultPlan.fromJson(json(json).getBytes(StandardCharsets.UTF_8));
    }

    static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    /** A plan of one rule. */
    static FaultPlan rule(String route, String trigger, String action) {
        return of("{'rules':[{'route':'" + route + "'," + trigger + ",'action':" + action + "}]}");
    }
}
