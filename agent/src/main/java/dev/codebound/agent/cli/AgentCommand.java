package dev.codebound.agent.cli;

import dev.codebound.agent.station.FileSystemErrors;
import java.nio.file.FileSystemException;
import java.util.Arrays;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code codebound-agent} command: the capture station's entry point. */
@Command(name = "codebound-agent", mixinStandardHelpOptions = true, versionProvider = AgentVersion.class,
        description = "Capture-station agent: verify collection codes, seal photos, upload them to the registry.",
        subcommands = {InitCommand.class, EnrollCommand.class, TrustCommand.class, CodeCommand.class,
            CaptureCommand.class, WatchCommand.class, UploadCommand.class, ServeCommand.class, StatusCommand.class,
            RetryCommand.class, RemoveCommand.class, WithdrawCommand.class, AuditCommand.class, QuickstartCommand.class,
            AutoComplete.GenerateCompletion.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:unexpected internal error",
            "2:invalid command-line usage",
            "3:station state or configuration missing or invalid",
            "4:collection code refused or unreadable",
            "5:photo refused by the specification checks",
            "6:registry unreachable, or its answer too slow or too large",
            "7:registry refused the request, or revoked this station",
            "8:upload finished with photos not delivered",
            "9:audit verification failed"})
public final class AgentCommand {
    @Mixin
    GlobalOptions globalOptions;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: failures print one clear line and map to documented exit codes. */
    public static CommandLine commandLine() {
        return commandLine(AgentEnvironment.system());
    }

    /** The command line reading variables and standard input from {@code environment} instead of the process. */
    public static CommandLine commandLine(AgentEnvironment environment) {
        AgentCommand agent = new AgentCommand();
        CommandLine commandLine = new CommandLine(agent, new AgentFactory(environment));
        // picocli hides its completion generator by default; a station operator should find it in --help.
        commandLine.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        commandLine.setExitCodeExceptionMapper(ExitCodes::forException);
        // Options before the subcommand first: a --home given there is the one the guard must check.
        commandLine.setExecutionStrategy(agent.globalOptions.before(
                new CryptoEngineGuard(new StationHomeGuard(new CommandLine.RunLast()))));
        commandLine.setExecutionExceptionHandler((failure, line, parseResult) -> {
            int code = ExitCodes.forException(failure);
            String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
            if (ExitCodes.isDiskFailure(failure)) {
                // Every station write is atomic (temporary file, fsync, rename), so a refused one leaves the old state.
                message = "cannot write the station's files: " + message + "; nothing half-written was kept. Free "
                        + "some space (or make the file system writable) and run the command again";
            } else if (failure instanceof FileSystemException fileFailure) {
                message = "cannot use " + FileSystemErrors.describe(fileFailure);
            }
            new ErrorReport(code, message, failure).print(line.getOut(), line.getErr(),
                    GlobalOptions.jsonRequested(parseResult), agent.globalOptions.verbose);
            return code;
        });
        commandLine.setParameterExceptionHandler((failure, args) -> {
            CommandLine line = failure.getCommandLine();
            boolean json = Arrays.asList(args).contains(GlobalOptions.JSON);
            new ErrorReport(ExitCodes.USAGE, failure.getMessage(), failure).print(line.getOut(), line.getErr(),
                    json, agent.globalOptions.verbose);
            if (!json) {
                CommandLine.UnmatchedArgumentException.printSuggestions(failure, line.getErr());
                line.getErr().println("Try '" + line.getCommandSpec().qualifiedName()
                        + " --help' for more information.");
                line.getErr().flush();
            }
            return ExitCodes.USAGE;
        });
        return commandLine;
    }
}
