package dev.codebound.server.admincli;

import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * How the server's command line reports a failure of an {@code admin} command: with the admin
 * CLI's exit codes and {@link AdminErrorReport} (JSON with {@code --json}), not the server's own
 * one-line errors.
 */
public final class AdminCli {
    private AdminCli() {}

    /** Whether the run {@code parsed} describes is an {@code admin} command. */
    public static boolean runs(ParseResult parsed) {
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        return within(leaf.commandSpec().commandLine());
    }

    /** Whether {@code line} is {@code admin} or one of its subcommands. */
    public static boolean within(CommandLine line) {
        for (CommandSpec spec = line.getCommandSpec(); spec != null; spec = spec.parent()) {
            if (spec.userObject() instanceof AdminCommand) {
                return true;
            }
        }
        return false;
    }

    /** Reports a failed admin command; returns its exit code. */
    public static int failed(Exception failure, CommandLine line, ParseResult parsed) {
        int code = AdminExitCodes.forException(failure);
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        boolean json = line.getCommand() instanceof AdminLeaf leaf && leaf.json();
        AdminErrorReport.print(code, message, failure, line.getOut(), line.getErr(), json);
        return code;
    }

    /** Reports wrong usage of an admin command (exit code 2), as JSON when {@code --json} is on the line. */
    public static int misused(CommandLine.ParameterException failure, String[] args) {
        CommandLine line = failure.getCommandLine();
        boolean json = Arrays.asList(args).contains("--json");
        AdminErrorReport.print(AdminExitCodes.USAGE, failure.getMessage(), failure, line.getOut(), line.getErr(), json);
        if (!json) {
            CommandLine.UnmatchedArgumentException.printSuggestions(failure, line.getErr());
            line.getErr().println("Try '" + line.getCommandSpec().qualifiedName() + " --help' for more information.");
            line.getErr().flush();
        }
        return AdminExitCodes.USAGE;
    }
}
