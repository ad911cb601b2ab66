package dev.codebound.agent.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code codebound-agent} command: the capture station's entry point. */
@Command(name = "codebound-agent", mixinStandardHelpOptions = true, version = "codebound-agent 0.1.0",
        description = "Capture-station agent: verify collection codes, seal photos, upload them to the registry.",
        subcommands = {InitCommand.class, EnrollCommand.class, TrustCommand.class, CodeCommand.class,
            CaptureCommand.class, WatchCommand.class, UploadCommand.class, StatusCommand.class, RetryCommand.class,
            RemoveCommand.class, WithdrawCommand.class, AuditCommand.class, QuickstartCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:unexpected internal error",
            "2:invalid command-line usage",
            "3:station state or configuration missing or invalid",
            "4:collection code refused or unreadable",
            "5:photo refused by the specification checks",
            "6:registry unreachable",
            "7:registry refused the request",
            "8:upload finished with photos not delivered",
            "9:audit verification failed"})
public final class AgentCommand {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: failures print one clear line and map to documented exit codes. */
    public static CommandLine commandLine() {
        return commandLine(AgentEnvironment.system());
    }

    /** The command line reading variables and standard input from {@code environment} instead of the process. */
    public static CommandLine commandLine(AgentEnvironment environment) {
        CommandLine commandLine = new CommandLine(new AgentCommand(), new AgentFactory(environment));
        commandLine.setExitCodeExceptionMapper(ExitCodes::forException);
        commandLine.setExecutionExceptionHandler((failure, line, parseResult) -> {
            PrintWriter err = line.getErr();
            int code = ExitCodes.forException(failure);
            String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
            if (ExitCodes.isDiskFailure(failure)) {
                // Every station write is atomic (temporary file, fsync, rename), so a refused one leaves the old state.
                message = "cannot write the station's files: " + message + "; nothing half-written was kept. Free "
                        + "some space (or make the file system writable) and run the command again";
            }
            err.println("error: " + message);
            if (code == ExitCodes.INTERNAL) {
                failure.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        return commandLine;
    }
}
