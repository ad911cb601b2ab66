package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code admin faults clear}: removes every rule (the seed stays). */
@Command(name = "clear", mixinStandardHelpOptions = true, description = "Remove every fault rule.")
final class FaultClearCommand extends AdminLeaf {
    @Override
    public Integer call() throws Exception {
        JsonNode state = client().sendJson("DELETE", "/admin/faults", null, null, "clearing the fault plan");
        return print(state, "Fault plan cleared (seed " + state.path("seed").asText() + ")");
    }
}
