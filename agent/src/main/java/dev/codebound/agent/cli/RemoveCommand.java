package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code remove}: deletes a rejected, failed or corrupt entry and its envelope. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = {"Operator action: delete a REJECTED, FAILED or CORRUPT entry and its envelope from the "
                + "spool (e.g. after a retake was captured). Entries on their way or delivered are never removed; "
                + "to take back a QUEUED envelope before upload, use 'withdraw'. Recorded in the transfer log, "
                + "with a signed checkpoint (the key passphrase is needed, as for capture).",
            "Exit codes: 0 removed, 2 unknown or ambiguous entry, or an entry in another state, 3 station not set "
                + "up, key unreadable, or spool in use."})
final class RemoveCommand implements Callable<Integer> {
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
        SpoolEntry found = RecordedRemoval.perform(home, entry, Spool::discard, TransferLog::spoolEntryRemoved);
        if (json) {
            spec.commandLine().getOut().println(new ObjectMapper().createObjectNode().put("entry", found.id())
                    .put("removed", true).put("state", found.state().name()));
            return ExitCodes.OK;
        }
        spec.commandLine().getOut().println("removed entry " + Spool.shortId(found.id()) + " "
                + found.info().filename() + " (" + found.state() + ")");
        return ExitCodes.OK;
    }
}
