package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;

/** {@code admin checkpoint}: the transparency log's latest signed checkpoint. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = "Show the transparency log's latest signed checkpoint (C2SP signed note).")
final class CheckpointCommand extends AdminLeaf {
    @Override
    public Integer call() throws Exception {
        String note = client().getText("/registry/v1/log/checkpoint", "reading the log checkpoint");
        String[] lines = note.split("\n", -1);
        ObjectNode result = JSON.createObjectNode().put("origin", lines[0])
                .put("size", lines.length > 1 ? Long.parseLong(lines[1]) : 0)
                .put("rootHash", lines.length > 2 ? lines[2] : "")
                .put("checkpoint", note);
        return print(result, note.stripTrailing());
    }
}
