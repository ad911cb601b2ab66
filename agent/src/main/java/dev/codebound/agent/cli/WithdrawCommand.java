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

/** {@code withdraw}: takes back a sealed envelope before it is uploaded. */
@Command(name = "withdraw", mixinStandardHelpOptions = true,
        description = {"Operator action: take back an envelope the registry has not got (e.g. a photo sealed for "
                + "the wrong code), so that it is never uploaded: a QUEUED entry, or a FAILED one whose upload the "
                + "registry never created ('status' lists them). Its envelope is deleted and the withdrawal recorded "
                + "in the transfer log, with a signed checkpoint (the key passphrase is needed, as for capture). An "
                + "entry with an upload at the registry is refused: the registry may already hold it.",
            "Exit codes: 0 withdrawn, 2 unknown or ambiguous entry, or an entry that cannot be withdrawn, 3 station "
                + "not set up, key unreadable, or spool in use (an upload is running: wait for it)."})
final class WithdrawCommand implements Callable<Integer> {
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
        SpoolEntry withdrawn = RecordedRemoval.perform(home, entry, Spool::withdraw, TransferLog::entryWithdrawn);
        if (json) {
            spec.commandLine().getOut().println(new ObjectMapper().createObjectNode()
                    .put("entry", withdrawn.id()).put("withdrawn", true).put("state", withdrawn.state().name())
                    .put("codeId", withdrawn.info().codeId()));
            return ExitCodes.OK;
        }
        spec.commandLine().getOut().println("withdrew entry " + Spool.shortId(withdrawn.id()) + " "
                + withdrawn.info().filename() + " (" + withdrawn.state() + ", code " + withdrawn.info().codeId()
                + "): its envelope is deleted and will never be uploaded");
        return ExitCodes.OK;
    }
}
