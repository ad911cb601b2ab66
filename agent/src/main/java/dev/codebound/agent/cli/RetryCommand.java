package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code retry}: puts a rejected, failed or corrupt entry back in line for the next upload. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = {"Operator action: a FAILED entry becomes due at once (resuming its upload); a REJECTED or "
                + "CORRUPT one is queued as a fresh upload (a corrupt one only if its envelope checks out again).",
            "Exit codes: 0 done, 2 unknown or ambiguous entry, or an entry in another state, 3 spool in use."})
final class RetryCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Parameters(paramLabel = "ENTRY", description = "Entry id or an unambiguous prefix of it (at least 4 digits).")
    String entry;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Spool spool = home.openSpool()) {
            SpoolEntry before;
            SpoolEntry after;
            try {
                before = OperatorEntries.find(spool, home.home(), entry);
                after = spool.retry(before.id());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new AgentFailure(ExitCodes.USAGE, e.getMessage(), e);
            }
            if (json) {
                spec.commandLine().getOut().println(new ObjectMapper().createObjectNode().put("entry", after.id())
                        .put("from", before.state().name()).put("to", after.state().name())
                        .put("reason", after.lastError()));
                return ExitCodes.OK;
            }
            spec.commandLine().getOut().println("entry " + Spool.shortId(after.id()) + " " + after.info().filename()
                    + ": " + before.state() + " -> " + after.state()
                    + (after.lastError() == null ? "" : " (" + after.lastError() + ")"));
            return ExitCodes.OK;
        }
    }
}
