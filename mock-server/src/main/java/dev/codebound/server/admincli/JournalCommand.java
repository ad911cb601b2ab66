package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code admin journal [--follow]}: the registry's recent requests, oldest first. */
@Command(name = "journal", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the most recent requests (route templates, never raw paths), oldest first; with "
                + "--follow, keep printing new ones until interrupted.")
final class JournalCommand extends AdminLeaf {
    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "How many recent requests to print first. Default: ${DEFAULT-VALUE}.")
    int limit;

    @Option(names = {"-f", "--follow"}, description = "Keep polling and print each new request as it is journaled "
            + "(with --json, one JSON object per request and line).")
    boolean follow;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "PT1S",
            description = "How often --follow polls (ISO-8601). Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Override
    public Integer call() throws Exception {
        if (limit < 1) {
            throw new AdminFailure(AdminExitCodes.USAGE, "--limit must be at least 1");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new AdminFailure(AdminExitCodes.USAGE, "--interval must be longer than 0");
        }
        JournalTail tail = new JournalTail(client());
        List<JsonNode> first = tail.next(limit);
        if (!follow) {
            ArrayNode entries = JSON.createArrayNode().addAll(first);
            StringBuilder text = new StringBuilder();
            first.forEach(entry -> text.append(text.isEmpty() ? "" : "\n").append(JournalTail.line(entry)));
            return print(JSON.createObjectNode().put("capacity", tail.capacity()).set("entries", entries),
                    text.toString());
        }
        tail.follow(first, interval, json(), spec.commandLine().getOut(), spec.commandLine().getErr());
        return AdminExitCodes.OK;
    }
}
