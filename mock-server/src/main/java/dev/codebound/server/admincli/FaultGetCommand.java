package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/**
 * {@code admin faults get}: the plan in force, with its seed as a string, exactly as {@code faults put}
 * takes it back: {@code faults get > plan.json} then {@code faults put plan.json} replays the same schedule.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Print the plan in force (its seed included); 'faults put' accepts it unchanged. With --json: "
                + "seed, plan and per-rule counters.")
final class FaultGetCommand extends AdminLeaf {
    @Override
    public Integer call() throws Exception {
        JsonNode state = client().getJson("/admin/faults", "reading the fault plan");
        return print(state, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state.path("plan")));
    }
}
