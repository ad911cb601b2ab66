package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.audit.TransferRecord;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationKeys;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.pki.StationCredentials;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit checkpoint}: signs the log as it stands now. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = {"Append a checkpoint signed with the station key over every record so far, and print it. "
                + "Give the printed line (or --out FILE) to the security team: 'audit verify --expect-checkpoint' "
                + "then detects any later removal of records up to it. The key passphrase comes from "
                + StationKeys.PASSPHRASE_VARIABLE + " or key.passphrase-file, never the command line.",
            "Exit codes: 0 appended, 3 station not enrolled, key unreadable, the log is in use, or the clock is "
                + "outside the station certificate's validity (nothing is signed: fix the clock)."})
final class AuditCheckpointCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Also write the checkpoint line to FILE. Default: print only.")
    Path out;

    @Option(names = "--json", description = "Print the result as one JSON object, the checkpoint line as a string.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StationHome station = home.home();
        StationCredentials credentials = home.context().credentials();
        TransferRecord checkpoint;
        try (TransferLog log = TransferLog.open(station, Clock.systemUTC())) {
            checkpoint = log.checkpoint(credentials);
        } catch (java.io.IOException e) {
            throw new AgentFailure(ExitCodes.STATION, "cannot append to the transfer log: " + e.getMessage(), e);
        }
        if (out != null) {
            DurableFiles.write(out, (checkpoint.line() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        PrintWriter printer = spec.commandLine().getOut();
        if (json) {
            printer.println(new ObjectMapper().createObjectNode().put("seq", checkpoint.seq())
                    .put("coversRecords", checkpoint.seq() - 1).put("line", checkpoint.line())
                    .put("out", out == null ? null : out.toAbsolutePath().toString()));
            printer.flush();
            return ExitCodes.OK;
        }
        printer.println("checkpoint appended as record " + checkpoint.seq() + ", over records 1.."
                + (checkpoint.seq() - 1) + ":");
        printer.println(checkpoint.line());
        printer.flush();
        return ExitCodes.OK;
    }
}
