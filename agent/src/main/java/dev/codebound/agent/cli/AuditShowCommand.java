package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.audit.LogReader;
import dev.codebound.agent.audit.Timeline;
import dev.codebound.agent.audit.TransferRecord;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit show}: the transfer log as a timeline a person can read. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Print the transfer log as a timeline, one line per record. Shows what the file says "
                + "without verifying it: run 'audit verify' for that.",
            "Exit codes: 0 shown, 9 a line is not a well-formed record, 3 no transfer log."})
final class AuditShowCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Mixin
    TimeWindowOptions window;

    @Option(names = "--json", description = "Print the timeline as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<TransferRecord> records;
        try {
            records = LogReader.read(home.home(), window.range(spec));
        } catch (LogReader.UnreadableLogException e) {
            throw new AgentFailure(ExitCodes.AUDIT_FAILED, e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(records));
            out.flush();
            return ExitCodes.OK;
        }
        out.println("transfer log of " + home.home().root() + ": " + records.size() + " record"
                + (records.size() == 1 ? "" : "s") + " (not verified here; run 'codebound-agent audit verify')");
        records.forEach(record -> out.println(Timeline.line(record)));
        out.flush();
        return ExitCodes.OK;
    }

    private static ObjectNode toJson(List<TransferRecord> records) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode node = mapper.createObjectNode();
        node.put("records", records.size()).put("verified", false);
        ArrayNode timeline = node.putArray("timeline");
        for (TransferRecord record : records) {
            ObjectNode item = timeline.addObject().put("seq", record.seq()).put("time", record.timeText())
                    .put("event", record.event().wireName()).put("description", Timeline.describe(record));
            item.set("fields", mapper.valueToTree(record.fields()));
        }
        return node;
    }
}
