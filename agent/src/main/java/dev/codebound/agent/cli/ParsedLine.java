package dev.codebound.agent.cli;

import picocli.CommandLine.ParseResult;

/**
 * What the execution strategies and the error handler ask of a parsed command line: the
 * subcommand that runs, and whether help was asked for.
 */
final class ParsedLine {
    private ParsedLine() {}

    /** The innermost subcommand: the one that runs. */
    static ParseResult leaf(ParseResult line) {
        ParseResult command = line;
        while (command.hasSubcommand()) {
            command = command.subcommand();
        }
        return command;
    }

    /**
     * Whether {@code --help} or {@code --version} was given at any level; picocli answers those
     * whatever else the line holds.
     */
    static boolean helpRequested(ParseResult line) {
        ParseResult command = line;
        while (!command.isUsageHelpRequested() && !command.isVersionHelpRequested()) {
            if (!command.hasSubcommand()) {
                return false;
            }
            command = command.subcommand();
        }
        return true;
    }
}
